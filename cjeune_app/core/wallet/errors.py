"""Refusals of money operations: a stable code and a French sentence that says what to do."""

from __future__ import annotations

from cjeune_app.core.enums import ENVELOPE_LABELS
from cjeune_app.core.errors import DomainError
from cjeune_app.core.formats import format_cents, format_date


class WalletError(DomainError):
    code = "wallet_error"


class InvalidAmount(WalletError):
    code = "amount_invalid"
    http_status = 422
    message = "Le montant doit être un nombre entier de centimes, supérieur à zéro et d'au plus 10 000,00 €."


class InvalidIdempotencyKey(WalletError):
    code = "idempotency_key_invalid"
    http_status = 422
    message = "Chaque opération doit porter une clé d'idempotence de 1 à 128 caractères."


class IdempotencyKeyReused(WalletError):
    code = "idempotency_conflict"
    http_status = 409
    message = (
        "Cette clé d'idempotence a déjà servi pour une autre opération (montant, portefeuille ou "
        "partenaire différents). Utilisez une nouvelle clé pour une nouvelle opération."
    )


class WalletNotFound(WalletError):
    code = "wallet_unknown"
    http_status = 404
    message = "Ce portefeuille n'existe pas."


class InsufficientBalance(WalletError):
    code = "balance_insufficient"
    http_status = 409

    def __init__(self, envelope: str, available_cents: int) -> None:
        label = ENVELOPE_LABELS.get(envelope, envelope)
        super().__init__(
            f"Solde insuffisant sur l'enveloppe {label} : {format_cents(available_cents)} disponibles. "
            "Saisissez un montant inférieur ou égal.",
            available_cents=available_cents,
        )


class SeasonClosed(WalletError):
    code = "season_closed"
    http_status = 409

    def __init__(self, season_code: str) -> None:
        super().__init__(
            f"La saison {season_code} est close : ses crédits ont expiré et plus aucun mouvement "
            "n'est possible sur elle."
        )


class SeasonNotOpen(WalletError):
    code = "season_not_open"
    http_status = 409

    def __init__(self, season_code: str, starts_on, ends_on) -> None:
        super().__init__(
            f"Les crédits de la saison {season_code} ne sont utilisables que du "
            f"{format_date(starts_on)} au {format_date(ends_on)}."
        )


class SeasonNotFinished(WalletError):
    code = "season_not_finished"
    http_status = 409

    def __init__(self, season_code: str, ends_on) -> None:
        super().__init__(
            f"La saison {season_code} n'est pas terminée (dernier jour : {format_date(ends_on)}). "
            "Ses crédits ne pourront expirer qu'à partir du lendemain."
        )


class AlreadyCredited(WalletError):
    code = "already_credited"
    http_status = 409
    message = "Ce portefeuille a déjà reçu le crédit de sa saison : il n'est versé qu'une fois."


class CardBlocked(WalletError):
    code = "card_blocked"
    http_status = 409
    message = (
        "Cette carte a été déclarée perdue ou volée : elle est bloquée et aucun paiement n'est "
        "accepté. Le jeune doit associer sa nouvelle carte."
    )


class NoActiveCard(WalletError):
    code = "card_not_active"
    http_status = 409
    message = (
        "Aucune carte active pour ce jeune : la carte doit d'abord être associée à son compte "
        "(« Associer une carte » sur le tableau de bord)."
    )


class DebitNotFound(WalletError):
    code = "debit_unknown"
    http_status = 404
    message = "Le paiement à rembourser est introuvable : vérifiez sa référence."


class RefundTooLarge(WalletError):
    code = "refund_too_large"
    http_status = 409

    def __init__(self, refundable_cents: int) -> None:
        super().__init__(
            "Le remboursement dépasse ce qui reste à rembourser sur ce paiement "
            f"({format_cents(refundable_cents)}).",
            refundable_cents=refundable_cents,
        )
