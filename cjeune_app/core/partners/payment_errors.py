"""Refusals of "Encaisser" and of the partner's payments and statements. The card and balance
refusals of a payment are the wallet's own (core.wallet.errors), raised as they are."""

from __future__ import annotations

import datetime as dt

from cjeune_app.core.enums import CATEGORY_LABELS, ENVELOPE_LABELS, Envelope
from cjeune_app.core.errors import Conflict, InvalidInput, NotFound
from cjeune_app.core.formats import format_date
from cjeune_app.core.site import ASSISTANCE_PHONE

_ENVELOPE_CHOICES = " ou ".join(f"{e.value} ({ENVELOPE_LABELS[e]})" for e in Envelope)
_ENVELOPE_CHOICES_LABELLED = " ou ".join(f"{ENVELOPE_LABELS[e]} ({e.value})" for e in Envelope)


class NoCreditThisSeason(Conflict):
    code = "no_credit_this_season"

    def __init__(self, season_code: str) -> None:
        super().__init__(
            f"Cette carte n'a pas de crédit pour la saison {season_code} : le jeune doit d'abord "
            "renouveler son inscription puis associer sa carte."
        )


class NoSeasonInProgress(Conflict):
    code = "season_expired"
    message = (
        "Aucune saison CJeune de Provence n'est en cours : les crédits de la saison passée ont expiré "
        "et ceux de la prochaine ne sont pas encore ouverts."
    )


class UnknownEnvelope(InvalidInput):
    code = "envelope_invalid"
    message = f"Enveloppe inconnue : choisissez {_ENVELOPE_CHOICES}."


class EnvelopeNotAllowed(InvalidInput):
    code = "envelope_not_allowed"

    def __init__(self, envelope: str, allowed: list[str], categories: list[str]) -> None:
        label = ENVELOPE_LABELS.get(envelope, envelope)  # type: ignore[call-overload]
        if not allowed:
            message = (f"Votre structure ne peut débiter aucune enveloppe : aucune catégorie d'activité "
                       f"ne lui est attribuée. Appelez l'assistance au {ASSISTANCE_PHONE}.")
        else:
            kinds = ", ".join(CATEGORY_LABELS.get(c, c) for c in categories)  # type: ignore[call-overload]
            allowed_labels = " et ".join(ENVELOPE_LABELS[Envelope(e)] for e in allowed)
            message = (f"Votre structure ne peut pas débiter l'enveloppe {label} : ses catégories "
                       f"({kinds}) donnent accès à l'enveloppe {allowed_labels}.")
        super().__init__(message)


class EnvelopeRequired(InvalidInput):
    code = "envelope_required"
    message = f"Votre structure accepte les deux enveloppes : choisissez celle à débiter, {_ENVELOPE_CHOICES_LABELLED}."


class PaymentNotFound(NotFound):
    code = "payment_unknown"
    message = "Paiement introuvable parmi ceux de votre structure : vérifiez sa référence."


class CancelTooLate(Conflict):
    code = "cancel_too_late"

    def __init__(self, taken_on: dt.datetime | dt.date, days: int) -> None:
        super().__init__(
            f"Ce paiement a été encaissé le {format_date(taken_on)} : il ne peut plus être annulé "
            f"(au plus {days} jours après l'encaissement). Appelez l'assistance au {ASSISTANCE_PHONE}."
        )


class InvalidPeriod(InvalidInput):
    code = "period_invalid"
