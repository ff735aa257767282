"""Bons plans of a partner: create, edit, unpublish. The use cases (core.use_cases.offers) keep
the search index in step with each change, in the same transaction.

An offer is shown from the start of its first day to the end of its last day (Paris time);
after that it disappears from the public side by itself: the search checks each offer's
window at query time (core.search), no job needs to run.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field, fields, replace
from typing import Any

from sqlmodel import Session, col, select

from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import CATEGORY_LABELS, OfferState
from cjeune_app.core.formats import PARIS, paris_today
from cjeune_app.core.partners import errors
from cjeune_app.core.partners.models import Offer, Partner
from cjeune_app.core.partners.payments import partner_categories, validated_partner
from cjeune_app.core.territory import commune_by_insee

MAX_PRICE_CENTS = 1_000_000
LIMITS = {"title": 120, "description": 2000, "discount_text": 100}
MAX_DURATION_DAYS = 2 * 366
_CATEGORY_LABELS: dict[str, str] = {str(category): label for category, label in CATEGORY_LABELS.items()}


@dataclass
class OfferForm:
    """What a partner fills in. Dates are days (Paris); the price is in cents, or None."""

    title: str
    category: str
    starts_on: dt.date
    expires_on: dt.date
    description: str = ""
    discount_text: str = ""
    price_cents: int | None = None
    commune_insee: str = ""  # the partner's commune when empty
    published: bool = True


@dataclass(frozen=True)
class OfferView:
    id: int
    title: str
    description: str
    discount_text: str
    price_cents: int | None
    category: str
    commune_insee: str
    starts_on: dt.date
    expires_on: dt.date
    published: bool
    state: OfferState
    updated_at: dt.datetime | None = field(compare=False, default=None)

    @property
    def category_label(self) -> str:
        return _CATEGORY_LABELS.get(self.category, self.category)

    def as_form(self) -> OfferForm:
        return OfferForm(**{f.name: getattr(self, f.name) for f in fields(OfferForm)})


@dataclass(frozen=True)
class OfferChoices:
    """What the form of a new offer proposes: the structure's categories and its commune."""

    categories: list[str]
    commune_insee: str  # the default commune of a new offer


def offer_choices(session: Session, partner: Partner | int) -> OfferChoices:
    partner = validated_partner(session, partner)
    assert partner.id is not None
    assert partner.id is not None
    return OfferChoices(partner_categories(session, partner.id), partner.commune_insee)


def first_moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=PARIS).astimezone(dt.UTC)


def last_moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=PARIS).astimezone(dt.UTC)


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\t" for c in text)


def _text_error(form: OfferForm, name: str, label: str, required: bool) -> str | None:
    value = getattr(form, name)
    if not isinstance(value, str):
        return f"{label} doit être un texte."
    value = value.strip()
    if required and not value:
        return f"Indiquez {label.lower()} du bon plan."
    if len(value) > LIMITS[name]:
        return f"{label} est trop long : {LIMITS[name]} caractères au plus."
    if _has_control_characters(value):
        return f"{label} contient des caractères invisibles non autorisés : retapez-le."
    return None


def offer_form_errors(form: OfferForm, categories: list[str], today: dt.date, *, new: bool) -> dict[str, str]:
    problems: dict[str, str | None] = {
        "title": _text_error(form, "title", "Le titre", True),
        "description": _text_error(form, "description", "La description", False),
        "discount_text": _text_error(form, "discount_text", "La réduction", False),
    }
    price = form.price_cents
    not_whole = not isinstance(price, int) or isinstance(price, bool)
    if price is not None and (not_whole or not 0 <= price <= MAX_PRICE_CENTS):
        problems["price_cents"] = "Le prix doit être compris entre 0,00 € et 10 000,00 €."
    elif price is None and not (isinstance(form.discount_text, str) and form.discount_text.strip()):
        problems["discount_text"] = problems["discount_text"] or (
            "Indiquez la réduction (par exemple « -20 % » ou « Séance offerte ») ou le prix du bon plan.")
    if form.category not in categories:
        names = ", ".join(_CATEGORY_LABELS.get(c, c) for c in categories) or "aucune"
        problems["category"] = f"Choisissez une catégorie de votre structure ({names})."
    if form.commune_insee and commune_by_insee(form.commune_insee) is None:
        problems["commune_insee"] = "Choisissez la commune du bon plan dans la liste (communes des Bouches-du-Rhône)."
    problems.update(_date_errors(form, today, new=new))
    return {name: message for name, message in problems.items() if message}


def _date_errors(form: OfferForm, today: dt.date, *, new: bool) -> dict[str, str]:
    found = {}
    for name, label in (("starts_on", "de début"), ("expires_on", "d'expiration")):
        day = getattr(form, name)
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            found[name] = f"Indiquez la date {label} (jj/mm/aaaa)."
        elif not 2000 <= day.year <= 2100:
            found[name] = f"La date {label} doit être comprise entre l'an 2000 et l'an 2100."
    if found:
        return found
    if form.expires_on < form.starts_on:
        found["expires_on"] = "La date d'expiration doit être le même jour que la date de début ou après."
    elif form.expires_on < today and new:
        found["expires_on"] = "Cette date d'expiration est déjà passée : choisissez aujourd'hui ou une date à venir."
    elif (form.expires_on - form.starts_on).days > MAX_DURATION_DAYS:
        found["expires_on"] = "Un bon plan dure au plus deux ans : rapprochez la date d'expiration."
    return found


def _state(offer: Offer, now: dt.datetime) -> OfferState:
    if not offer.published:
        return OfferState.UNPUBLISHED
    if offer.expires_at <= now:
        return OfferState.EXPIRED
    if offer.starts_at > now:
        return OfferState.UPCOMING
    return OfferState.CURRENT


def _view(offer: Offer, now: dt.datetime) -> OfferView:
    assert offer.id is not None
    return OfferView(
        id=offer.id, title=offer.title, description=offer.description, discount_text=offer.discount_text,
        price_cents=offer.price_cents, category=offer.category, commune_insee=offer.commune_insee,
        starts_on=offer.starts_at.astimezone(PARIS).date(), expires_on=offer.expires_at.astimezone(PARIS).date(),
        published=offer.published, state=_state(offer, now), updated_at=offer.updated_at,
    )


def _clean(form: OfferForm, partner: Partner) -> OfferForm:
    return replace(form, title=form.title.strip(), description=form.description.strip(),
                   discount_text=form.discount_text.strip(),
                   commune_insee=(form.commune_insee or "").strip() or partner.commune_insee)


def _check(session: Session, partner: Partner, form: OfferForm, now: dt.datetime, *, new: bool) -> OfferForm:
    assert partner.id is not None
    problems = offer_form_errors(form, partner_categories(session, partner.id), paris_today(now), new=new)
    if problems:
        raise errors.FormInvalid(problems)
    return _clean(form, partner)


def create_offer(
    session: Session, partner: Partner | int, form: OfferForm, *, now: dt.datetime | None = None
) -> OfferView:
    now = now or utcnow()
    partner = validated_partner(session, partner)
    assert partner.id is not None
    form = _check(session, partner, form, now, new=True)
    offer = Offer(partner_id=partner.id, title=form.title, description=form.description,
                  discount_text=form.discount_text, price_cents=form.price_cents, category=form.category,
                  commune_insee=form.commune_insee, starts_at=first_moment(form.starts_on),
                  expires_at=last_moment(form.expires_on), published=form.published, created_at=now, updated_at=now)
    session.add(offer)
    session.flush()
    return _view(offer, now)


def _own_offer(session: Session, partner_id: int, offer_id: object) -> Offer:
    if not isinstance(offer_id, int) or isinstance(offer_id, bool) or not 0 < offer_id < 2**31:
        raise errors.OfferNotFound()
    offer = session.exec(
        select(Offer).where(Offer.id == offer_id, Offer.partner_id == partner_id)
        .execution_options(populate_existing=True)
    ).first()
    if offer is None:
        raise errors.OfferNotFound()
    return offer


def update_offer(
    session: Session, partner: Partner | int, offer_id: int, changes: dict[str, Any], *, now: dt.datetime | None = None,
) -> OfferView:
    """Changes some fields of an offer (names of OfferForm); `published=False` unpublishes it."""
    now = now or utcnow()
    partner = validated_partner(session, partner)
    assert partner.id is not None
    offer = _own_offer(session, partner.id, offer_id)
    unknown = set(changes) - {f.name for f in fields(OfferForm)}
    if unknown:
        raise errors.FormInvalid(dict.fromkeys(sorted(unknown), "Ce champ n'existe pas pour un bon plan."))
    current = _view(offer, now).as_form()
    form = replace(current, **changes)
    dates_changed = (form.starts_on, form.expires_on) != (current.starts_on, current.expires_on)
    republished = form.published and not current.published
    # An offer already expired may be unpublished or corrected without moving its dates.
    form = _check(session, partner, form, now, new=dates_changed or republished)
    offer.title, offer.description, offer.discount_text = form.title, form.description, form.discount_text
    offer.price_cents, offer.category, offer.commune_insee = form.price_cents, form.category, form.commune_insee
    if dates_changed:
        offer.starts_at, offer.expires_at = first_moment(form.starts_on), last_moment(form.expires_on)
    offer.published, offer.updated_at = form.published, now
    session.add(offer)
    session.flush()
    return _view(offer, now)


def unpublish_offer(
    session: Session, partner: Partner | int, offer_id: int, *, now: dt.datetime | None = None
) -> OfferView:
    """Takes the offer off the public side at once (it stays in the partner's list)."""
    now = now or utcnow()
    partner = validated_partner(session, partner)
    assert partner.id is not None
    offer = _own_offer(session, partner.id, offer_id)
    if offer.published:
        offer.published, offer.updated_at = False, now
        session.add(offer)
        session.flush()
    return _view(offer, now)


def offers_of(session: Session, partner: Partner | int, *, now: dt.datetime | None = None) -> list[OfferView]:
    """The partner's offers, the latest ending first."""
    now = now or utcnow()
    partner_id = partner if isinstance(partner, int) else partner.id
    offers = session.exec(
        select(Offer).where(Offer.partner_id == partner_id)
        .order_by(col(Offer.expires_at).desc(), col(Offer.id).desc())
    ).all()
    return [_view(offer, now) for offer in offers]


def offer_of(session: Session, partner: Partner | int, offer_id: int, *, now: dt.datetime | None = None) -> OfferView:
    partner_id = partner if isinstance(partner, int) else partner.id
    assert partner_id is not None
    return _view(_own_offer(session, partner_id, offer_id), now or utcnow())
