"""The partners' HTTP API (/api/v1): check a card, take and cancel payments, list them, manage
bons plans. Thin: the caller comes from its key (api/deps.py), each route parses, calls one use case
(core/use_cases/payments.py, offers.py) and serializes.

Every call carries `Authorization: Bearer <clé d'API>` (created in the partner space). Errors are
{"code": "...", "message": "<phrase en français>"}: 401 without a valid key, 403 for a structure not
validated, 404 for what is not the caller's, 409 for a refusal (balance, card blocked...), 422 for
a malformed request, 429 when a key sends too much (api/ratelimit.py).
"""

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from cjeune_app import routes
from cjeune_app.api.deps import Caller
from cjeune_app.core.enums import PaymentStatus
from cjeune_app.core.formats import paris_today
from cjeune_app.core.partners import errors
from cjeune_app.core.partners.offers import OfferForm, OfferView
from cjeune_app.core.partners.payments import CardCheck, Receipt, payment_fingerprint
from cjeune_app.core.use_cases import offers as offer_cases
from cjeune_app.core.use_cases import payments as payment_cases

EnvelopeName = Literal["sport_culture", "soutien_scolaire"]
CategoryName = Literal["sport", "culture", "loisirs", "soutien_scolaire"]
DbId = Annotated[int, Path(ge=1, description="Identifiant ; un identifiant inconnu répond 404")]


class ErrorOut(BaseModel):
    code: str = Field(examples=["balance_insufficient"])
    message: str = Field(examples=["Le solde de l'enveloppe Sport & Culture de cette carte ne permet pas ce paiement. "
                                   "Le jeune peut consulter son solde dans son espace CJeune."])


def _error(description: str) -> dict:
    return {"model": ErrorOut, "description": description}


COMMON_ERRORS = {
    400: _error("Corps de requête illisible (JSON invalide)"),
    401: _error("Clé d'API absente, inconnue ou révoquée"),
    403: _error("Structure non validée par le Département"),
    422: _error("Requête invalide (message en français)"),
    429: _error("Trop de requêtes pour cette clé : réessayez après Retry-After secondes"),
}


class EnvelopeOut(BaseModel):
    envelope: EnvelopeName
    label: str
    can_debit: bool = Field(description="Un paiement est possible sur cette enveloppe. Le solde n'est jamais "
                            "communiqué : un paiement trop élevé est refusé (409 balance_insufficient).")


class CardOut(BaseModel):
    card_last_digits: str
    first_name: str | None = Field(description="Prénom du jeune (seulement pour une carte active)")
    can_debit: bool
    envelopes: list[EnvelopeOut]
    refusal: ErrorOut | None = Field(description="Pourquoi la carte ne peut pas être débitée")


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_number: str = Field(description="Les 16 chiffres imprimés sous le QR code (espaces acceptés)",
                             examples=["6013 1234 5678 9012"])
    amount_cents: StrictInt = Field(description="Montant en centimes", examples=[2350])
    envelope: EnvelopeName | None = Field(
        default=None, description="Obligatoire seulement pour une structure qui accepte les deux enveloppes")


class PaymentOut(BaseModel):
    id: int
    reference: str = Field(description="Numéro du reçu", examples=["CJP-00000042"])
    created_at: dt.datetime
    amount_cents: int
    envelope: EnvelopeName
    envelope_label: str
    status: Literal["accepted", "cancelled"]
    cancelled_at: dt.datetime | None
    cancellable_until: dt.datetime
    first_name: str = Field(description="Prénom du jeune : la seule donnée personnelle transmise")
    partner_name: str
    card_last_digits: str


class PaymentListOut(BaseModel):
    date_from: dt.date
    date_to: dt.date
    count: int
    accepted_total_cents: int = Field(description="Total des paiements non annulés de la période")
    payments: list[PaymentOut]


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    description: str = ""
    discount_text: str = Field(default="", description="La réduction, par exemple « -20 % » (ou un prix)")
    price_cents: StrictInt | None = None
    category: CategoryName
    commune_insee: str = Field(default="", description="Code INSEE d'une commune des Bouches-du-Rhône ; "
                               "celle de la structure si vide")
    starts_on: dt.date
    expires_on: dt.date
    published: StrictBool = True


class OfferPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    description: str | None = None
    discount_text: str | None = None
    price_cents: StrictInt | None = None
    category: CategoryName | None = None
    commune_insee: str | None = None
    starts_on: dt.date | None = None
    expires_on: dt.date | None = None
    published: StrictBool | None = Field(default=None, description="false : dépublier le bon plan")


class OfferOut(BaseModel):
    id: int
    title: str
    description: str
    discount_text: str
    price_cents: int | None
    category: CategoryName
    commune_insee: str
    starts_on: dt.date
    expires_on: dt.date
    published: bool
    state: Literal["en cours", "à venir", "expiré", "dépublié"]


def _card_out(check: CardCheck) -> CardOut:
    return CardOut(
        card_last_digits=check.card_last_digits, first_name=check.first_name or None, can_debit=check.can_debit,
        envelopes=[EnvelopeOut(envelope=e.envelope, label=e.label, can_debit=e.can_debit)
                   for e in check.envelopes],
        refusal=ErrorOut(**check.refusal.as_dict()) if check.refusal else None,
    )


def _payment_out(receipt: Receipt) -> PaymentOut:
    return PaymentOut(
        id=receipt.payment_id, reference=receipt.number, created_at=receipt.created_at,
        amount_cents=receipt.amount_cents, envelope=receipt.envelope, envelope_label=receipt.envelope_label,
        status=receipt.status, cancelled_at=receipt.cancelled_at, cancellable_until=receipt.cancellable_until,
        first_name=receipt.first_name, partner_name=receipt.partner_name, card_last_digits=receipt.card_last_digits,
    )


def _offer_out(offer: OfferView) -> OfferOut:
    return OfferOut(
        id=offer.id, title=offer.title, description=offer.description, discount_text=offer.discount_text,
        price_cents=offer.price_cents, category=offer.category, commune_insee=offer.commune_insee,
        starts_on=offer.starts_on, expires_on=offer.expires_on, published=offer.published, state=offer.state,
    )


router = APIRouter(tags=["partenaires"], responses=COMMON_ERRORS)


@router.get(routes.API_PARTNER_CARD_PATTERN, response_model=CardOut, summary="Consulter une carte avant d'encaisser",
            responses={404: _error("Aucune carte ne porte ce numéro")})
def get_card(number: Annotated[str, Path(description="Numéro de la carte (16 chiffres)")], caller: Caller):
    return _card_out(payment_cases.check_card(caller, number))


@router.post(routes.API_PARTNER_PAYMENTS, response_model=PaymentOut, status_code=201, summary="Encaisser un paiement",
             responses={200: {"model": PaymentOut, "description": "Même clé d'idempotence et même requête : "
                              "le paiement déjà enregistré, sans nouveau débit"},
                        404: _error("Carte inconnue"),
                        409: _error("Refus : solde insuffisant, carte bloquée, clé déjà utilisée pour "
                                    "une autre requête...")})
def post_payment(
    body: PaymentIn, response: Response, caller: Caller,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", description="Une valeur nouvelle pour "
                                           "chaque paiement (1 à 128 caractères visibles) ; la même pour le "
                                           "renvoyer sans risque de double débit")],
):
    receipt = payment_cases.take_payment(caller, body.card_number, body.amount_cents, body.envelope, idempotency_key,
                                         payment_fingerprint(body.card_number, body.amount_cents, body.envelope))
    if receipt.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return _payment_out(receipt)


@router.get(routes.API_PARTNER_PAYMENTS, response_model=PaymentListOut, summary="Lister les paiements d'une période")
def list_payments(
    caller: Caller,
    date_from: Annotated[dt.date | None, Query(alias="from", description="Premier jour (AAAA-MM-JJ), "
                                               "30 jours avant `to` par défaut")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="Dernier jour inclus, aujourd'hui "
                                             "par défaut")] = None,
):
    date_to = date_to or paris_today()
    date_from = date_from or (date_to - dt.timedelta(days=30) if date_to.year > 2000 else date_to)
    found = payment_cases.list_payments(caller, date_from, date_to)
    return PaymentListOut(
        date_from=date_from, date_to=date_to, count=len(found),
        accepted_total_cents=sum(r.amount_cents for r in found if r.status == PaymentStatus.ACCEPTED),
        payments=[_payment_out(r) for r in found],
    )


@router.get(routes.API_PARTNER_PAYMENT_PATTERN, response_model=PaymentOut, summary="Consulter un paiement",
            responses={404: _error("Paiement introuvable parmi ceux de la structure")})
def get_payment(payment_id: DbId, caller: Caller):
    return _payment_out(payment_cases.get_payment(caller, payment_id))


@router.post(routes.API_PARTNER_PAYMENT_CANCEL_PATTERN, response_model=PaymentOut, summary="Annuler un paiement",
             description="Dans les 30 jours : la carte du bénéficiaire est re-créditée de la somme "
             "correspondante. Annuler deux fois ne change rien.",
             responses={404: _error("Paiement introuvable parmi ceux de la structure"),
                        409: _error("Délai d'annulation dépassé ou saison close")})
def post_cancel(payment_id: DbId, caller: Caller):
    return _payment_out(payment_cases.cancel_payment(caller, payment_id))


@router.get(routes.API_PARTNER_OFFERS, response_model=list[OfferOut], summary="Lister les bons plans de la structure")
def list_offers(caller: Caller):
    return [_offer_out(o) for o in offer_cases.list_offers(caller)]


@router.post(routes.API_PARTNER_OFFERS, response_model=OfferOut, status_code=201, summary="Publier un bon plan")
def post_offer(body: OfferIn, caller: Caller):
    return _offer_out(offer_cases.create_offer(caller, OfferForm(**body.model_dump())))


@router.get(routes.API_PARTNER_OFFER_PATTERN, response_model=OfferOut, summary="Consulter un bon plan",
            responses={404: _error("Bon plan introuvable parmi ceux de la structure")})
def get_offer(offer_id: DbId, caller: Caller):
    return _offer_out(offer_cases.get_offer(caller, offer_id))


@router.patch(routes.API_PARTNER_OFFER_PATTERN, response_model=OfferOut, summary="Modifier ou dépublier un bon plan",
              responses={404: _error("Bon plan introuvable parmi ceux de la structure")})
def patch_offer(offer_id: DbId, body: OfferPatch, caller: Caller):
    changes = body.model_dump(exclude_unset=True)
    cleared = sorted(name for name, value in changes.items() if value is None and name != "price_cents")
    if cleared:
        raise errors.FormInvalid({name: f"Le champ {name} ne peut pas être vide (null) : omettez-le pour "
                                  "le laisser inchangé." for name in cleared})
    return _offer_out(offer_cases.update_offer(caller, offer_id, changes))
