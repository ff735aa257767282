"""Refusals of the partner space (validation, offers, API keys): a stable code, the HTTP status the
API answers with, and a French sentence that says what to do. Payments: payment_errors.py."""

from __future__ import annotations

from cjeune_app.core.errors import DomainError
from cjeune_app.core.site import ASSISTANCE_PHONE


class PartnerError(DomainError):
    code = "partner_error"


class PartnerNotValidated(PartnerError):
    code = "partner_not_validated"
    http_status = 403
    message = (
        "Votre structure n'est pas validée par le Département : elle ne peut pas encaisser la carte "
        f"ni consulter une carte. Pour toute question, appelez l'assistance au {ASSISTANCE_PHONE}."
    )


class FormInvalid(PartnerError):
    """A form with mistakes: `fields` maps each field name to the sentence shown next to it."""

    code = "invalid_form"
    http_status = 422

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("Le formulaire contient des erreurs : " + " ".join(self.fields.values()))


class OfferNotFound(PartnerError):
    code = "offer_unknown"
    http_status = 404
    message = "Bon plan introuvable parmi ceux de votre structure."


class ApiKeyNotFound(PartnerError):
    code = "api_key_unknown"
    http_status = 404
    message = "Clé d'API introuvable parmi celles de votre structure."


class TooManyApiKeys(PartnerError):
    code = "too_many_api_keys"
    http_status = 409

    def __init__(self, limit: int) -> None:
        super().__init__(f"Votre structure a déjà {limit} clés d'API actives : révoquez-en une avant d'en créer une autre.")
