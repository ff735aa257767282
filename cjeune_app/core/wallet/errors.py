"""Refusals of money operations: a stable code and a French sentence that says what to do.

The card refusals of a payment (blocked, not active) are defined here because the wallet's debit
is where they are decided, under the card's and the wallet's locks; the partner space and the API
raise these very classes."""

from __future__ import annotations

import datetime as dt

from cjeune_app.core.enums import ENVELOPE_LABELS
from cjeune_app.core.errors import Conflict, InvalidInput, NotFound
from cjeune_app.core.formats import format_cents, format_date
from cjeune_app.core.wallet.limits import EXAMPLE_AMOUNT, MAX_AMOUNT_CENTS, MAX_KEY_LENGTH


class InvalidAmount(InvalidInput):
    code = "amount_invalid"
    message = (
        f"Le montant doit être supérieur à {format_cents(0)} et d'au plus {format_cents(MAX_AMOUNT_CENTS)} : "
        f"saisissez-le en euros, par exemple {EXAMPLE_AMOUNT}."
    )


class InvalidIdempotencyKey(InvalidInput):
    code = "idempotency_key_invalid"
    message = (
        f"L'en-tête Idempotency-Key est obligatoire : de 1 à {MAX_KEY_LENGTH} caractères visibles (lettres, "
        "chiffres, tirets...), une nouvelle valeur pour chaque nouvelle opération."
    )


class IdempotencyKeyReused(Conflict):
    code = "idempotency_conflict"
    message = (
        "Cette clé d'idempotence a déjà servi pour une autre opération (carte, montant, enveloppe ou "
        "partenaire différents) : utilisez une nouvelle clé pour chaque nouvelle opération."
    )


class WalletNotFound(NotFound):
    code = "wallet_unknown"
    message = "Ce portefeuille n'existe pas."


class InsufficientBalance(Conflict):
    """The envelope cannot pay this amount. The sentence never gives the balance: partners see it
    (checkout, API) and a partner never learns a child's balance; the youth reads it on their own
    dashboard."""

    code = "balance_insufficient"

    def __init__(self, envelope: str) -> None:
        label = ENVELOPE_LABELS.get(envelope, envelope)  # type: ignore[call-overload]
        super().__init__(f"Le solde de l'enveloppe {label} de cette carte ne permet pas ce paiement. "
                         "Le jeune peut consulter son solde dans son espace CJeune.")


class SeasonClosed(Conflict):
    code = "season_closed"

    def __init__(self, season_code: str) -> None:
        super().__init__(
            f"La saison {season_code} est close : ses crédits ont expiré et plus aucun mouvement "
            "n'est possible sur elle."
        )


class SeasonNotOpen(Conflict):
    code = "season_not_open"

    def __init__(self, season_code: str, starts_on: dt.date, ends_on: dt.date) -> None:
        super().__init__(
            f"Les crédits de la saison {season_code} ne sont utilisables que du "
            f"{format_date(starts_on)} au {format_date(ends_on)}."
        )


class SeasonNotFinished(Conflict):
    code = "season_not_finished"

    def __init__(self, season_code: str, ends_on: dt.date) -> None:
        super().__init__(
            f"La saison {season_code} n'est pas terminée (dernier jour : {format_date(ends_on)}). "
            "Ses crédits ne pourront expirer qu'à partir du lendemain."
        )


class AlreadyCredited(Conflict):
    code = "already_credited"
    message = "Ce portefeuille a déjà reçu le crédit de sa saison : il n'est versé qu'une fois."


class CardBlocked(Conflict):
    """A payment with a card declared lost or stolen."""

    code = "card_blocked"
    message = (
        "Cette carte a été déclarée perdue ou volée : elle est bloquée et aucun paiement n'est "
        "accepté. Le jeune doit présenter sa nouvelle carte."
    )


class CardNotActive(Conflict):
    """A payment with a card that is not (or no longer) associated to the youth."""

    code = "card_not_active"
    message = (
        "Cette carte n'est pas encore associée à un jeune : il doit d'abord l'associer depuis son "
        "tableau de bord (« Associer une carte »)."
    )


class DebitNotFound(NotFound):
    code = "debit_unknown"
    message = "Le paiement à rembourser est introuvable : vérifiez sa référence."


class RefundTooLarge(Conflict):
    code = "refund_too_large"

    def __init__(self, refundable_cents: int) -> None:
        super().__init__(
            "Le remboursement dépasse ce qui reste à rembourser sur ce paiement "
            f"({format_cents(refundable_cents)}).",
            refundable_cents=refundable_cents,
        )
