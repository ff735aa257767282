"""Refusals of the partner space (validation, offers, API keys): a stable code, a kind of refusal
(core.errors) and a French sentence that says what to do. Payments: payment_errors.py."""

from __future__ import annotations

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.errors import Conflict, Forbidden, NotFound
from cjeune_app.core.site import ASSISTANCE_PHONE


class PartnerNotValidated(Forbidden):
    code = "partner_not_validated"
    message = (
        "Votre structure n'est pas validée par le Département : elle ne peut pas encaisser la carte "
        f"ni consulter une carte. Pour toute question, appelez l'assistance au {ASSISTANCE_PHONE}."
    )


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


class PartnerSuspended(Forbidden):
    code = "partner_suspended"
    message = (
        "Votre structure est suspendue par le Département : elle ne peut pas encaisser la carte. "
        f"Pour toute question, appelez l'assistance au {ASSISTANCE_PHONE}."
    )


class PartnerNotSuspendable(Conflict):
    code = "partner_not_suspendable"
    message = "Seule une structure validée peut être suspendue."


class PartnerNotSuspended(Conflict):
    code = "partner_not_suspended"
    message = "Cette structure n'est pas suspendue : il n'y a rien à réactiver."


class PartnerUnknown(NotFound):
    code = "partner_unknown"
    message = "Cette structure n'existe pas."
