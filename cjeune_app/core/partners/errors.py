"""Refusals of the partner space (payments, offers, API keys): a stable code, a kind of refusal
(core.errors) and a French sentence that says what to do."""

from __future__ import annotations

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.enums import CATEGORY_LABELS, ENVELOPE_LABELS
from cjeune_app.core.errors import Conflict, DomainError, Forbidden, NotFound
from cjeune_app.core.formats import format_cents, format_date
from cjeune_app.core.site import ASSISTANCE_PHONE


class PartnerError(DomainError):
    code = "partner_error"


class PartnerNotValidated(Forbidden):
    code = "partner_not_validated"
    message = (
        "Votre structure n'est pas validée par le Département : elle ne peut pas encaisser la carte "
        f"ni consulter une carte. Pour toute question, appelez l'assistance au {ASSISTANCE_PHONE}."
    )


class InvalidCardNumber(PartnerError):
    code = "card_number_invalid"
    http_status = 422
    message = (
        "Ce numéro de carte n'est pas valide : il comporte 16 chiffres, imprimés sous le QR code. "
        "Vérifiez-le, un chiffre a sans doute été mal recopié, ou scannez le QR code."
    )


class CardUnknown(PartnerError):
    code = "card_unknown"
    http_status = 404
    message = "Aucune carte CJeune de Provence ne porte ce numéro : vérifiez-le ou scannez le QR code."


class CardNotActivated(PartnerError):
    code = "card_not_active"
    http_status = 409
    message = (
        "Cette carte n'est pas encore associée à un jeune : il doit d'abord l'associer depuis son "
        "tableau de bord (« Associer une carte »)."
    )


class CardBlocked(PartnerError):
    code = "card_blocked"
    http_status = 409
    message = (
        "Cette carte a été déclarée perdue ou volée : elle est bloquée et aucun paiement n'est "
        "accepté. Le jeune doit présenter sa nouvelle carte."
    )


class InsufficientBalance(PartnerError):
    code = "balance_insufficient"
    http_status = 409

    def __init__(self, envelope: str, available_cents: int) -> None:
        label = ENVELOPE_LABELS.get(envelope, envelope)
        if available_cents <= 0:
            message = (f"Solde insuffisant : l'enveloppe {label} de cette carte est épuisée, "
                       "rien ne peut être encaissé.")
        else:
            message = (f"Solde insuffisant : {format_cents(available_cents)} au maximum sur l'enveloppe "
                       f"{label}. Saisissez un montant inférieur ou égal.")
        super().__init__(message, available_cents=available_cents)
        self.available_cents = available_cents


class NoCreditThisSeason(PartnerError):
    code = "no_credit_this_season"
    http_status = 409

    def __init__(self, season_code: str) -> None:
        super().__init__(
            f"Cette carte n'a pas de crédit pour la saison {season_code} : le jeune doit d'abord "
            "renouveler son inscription puis associer sa carte."
        )


class NoSeasonInProgress(PartnerError):
    code = "season_expired"
    http_status = 409
    message = (
        "Aucune saison CJeune de Provence n'est en cours : les crédits de la saison passée ont expiré "
        "et ceux de la prochaine ne sont pas encore ouverts."
    )


class UnknownEnvelope(PartnerError):
    code = "envelope_invalid"
    http_status = 422
    message = "Enveloppe inconnue : choisissez sport_culture (Sport & Culture) ou soutien_scolaire (Soutien scolaire)."


class EnvelopeNotAllowed(PartnerError):
    code = "envelope_not_allowed"
    http_status = 422

    def __init__(self, envelope: str, allowed: list[str], categories: list[str]) -> None:
        label = ENVELOPE_LABELS.get(envelope, envelope)
        if not allowed:
            message = (f"Votre structure ne peut débiter aucune enveloppe : aucune catégorie d'activité "
                       f"ne lui est attribuée. Appelez l'assistance au {ASSISTANCE_PHONE}.")
        else:
            kinds = ", ".join(CATEGORY_LABELS.get(c, c) for c in categories)
            allowed_labels = " et ".join(ENVELOPE_LABELS[e] for e in allowed)
            message = (f"Votre structure ne peut pas débiter l'enveloppe {label} : ses catégories "
                       f"({kinds}) donnent accès à l'enveloppe {allowed_labels}.")
        super().__init__(message)


class EnvelopeRequired(PartnerError):
    code = "envelope_required"
    http_status = 422
    message = (
        "Votre structure accepte les deux enveloppes : choisissez celle à débiter, Sport & Culture "
        "(sport_culture) ou Soutien scolaire (soutien_scolaire)."
    )


class InvalidAmount(PartnerError):
    code = "amount_invalid"
    http_status = 422

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (
            "Le montant doit être supérieur à 0,00 € et d'au plus 10 000,00 € : saisissez-le en euros, "
            "par exemple 12,50."
        ))


class InvalidIdempotencyKey(PartnerError):
    code = "idempotency_key_invalid"
    http_status = 422
    message = (
        "L'en-tête Idempotency-Key est obligatoire : de 1 à 128 caractères visibles (lettres, chiffres, "
        "tirets...), une nouvelle valeur pour chaque nouveau paiement."
    )


class IdempotencyConflict(PartnerError):
    code = "idempotency_conflict"
    http_status = 409
    message = (
        "Cette clé d'idempotence a déjà servi pour un autre paiement (carte, montant ou enveloppe "
        "différents) : utilisez une nouvelle clé pour un nouveau paiement."
    )


class PaymentNotFound(PartnerError):
    code = "payment_unknown"
    http_status = 404
    message = "Paiement introuvable parmi ceux de votre structure : vérifiez sa référence."


class CancelTooLate(PartnerError):
    code = "cancel_too_late"
    http_status = 409

    def __init__(self, taken_on, days: int) -> None:
        super().__init__(
            f"Ce paiement a été encaissé le {format_date(taken_on)} : il ne peut plus être annulé "
            f"(au plus {days} jours après l'encaissement). Appelez l'assistance au {ASSISTANCE_PHONE}."
        )


class InvalidPeriod(PartnerError):
    code = "period_invalid"
    http_status = 422


# A form with mistakes (`fields`: each field's sentence): one class for every form of the service.
FormInvalid = FormErrors


class OfferNotFound(NotFound):
    code = "offer_unknown"
    message = "Bon plan introuvable parmi ceux de votre structure."


class ApiKeyNotFound(NotFound):
    code = "api_key_unknown"
    message = "Clé d'API introuvable parmi celles de votre structure."


class TooManyApiKeys(Conflict):
    code = "too_many_api_keys"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Votre structure a déjà {limit} clés d'API actives : révoquez-en une avant "
                         "d'en créer une autre.")


class PartnerAlreadyDecided(Conflict):
    code = "partner_already_decided"
    message = "Cette structure a déjà été traitée : actualisez la liste des demandes."


class PartnerEmailNotConfirmed(Conflict):
    code = "partner_email_unconfirmed"
    message = "L'adresse e-mail de cette structure n'est pas encore confirmée."


class PartnerNotFound(NotFound):
    """No validated partner has this id (a pending or rejected one has no public page)."""

    code = "partner_unknown"
    message = "Ce partenaire n'existe pas ou n'est plus référencé sur CJeune de Provence."
