"""What anyone may see of partners: a validated partner's page and the current bons plans.

An offer is shown from its start until its expiry, never after, and only when published by a
validated partner: the same rule as the search index applies, read straight from the tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import Select

from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Category, PartnerStatus, envelope_for_category
from cjeune_app.core.partners.models import Offer, Partner, PartnerCategory
from cjeune_app.core.territory import commune_by_insee

_CATEGORY_ORDER = {category.value: index for index, category in enumerate(Category)}


@dataclass(frozen=True)
class PublicOffer:
    id: int
    partner_id: int
    partner_name: str
    title: str
    description: str
    discount_text: str
    category: str
    commune_name: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class PublicPartner:
    id: int
    name: str
    kind: str
    description: str
    address: str
    postal_code: str
    commune_name: str
    categories: tuple[str, ...]
    envelopes: tuple[str, ...]
    contact_email: str
    phone: str
    website: str
    latitude: float | None
    longitude: float | None
    offers: tuple[PublicOffer, ...]


def _visible_offers(now: dt.datetime) -> Select[Offer, str]:
    return (
        select(Offer, Partner.name)
        .join(Partner, col(Partner.id) == Offer.partner_id)
        .where(col(Partner.status) == PartnerStatus.VALIDATED, col(Offer.published).is_(True),
               Offer.starts_at <= now, Offer.expires_at > now)
    )


def _public_offer(offer: Offer, partner_name: str) -> PublicOffer:
    commune = commune_by_insee(offer.commune_insee)
    assert offer.id is not None
    return PublicOffer(
        id=offer.id, partner_id=offer.partner_id, partner_name=partner_name, title=offer.title,
        description=offer.description, discount_text=offer.discount_text, category=offer.category,
        commune_name=commune.name if commune else "", expires_at=offer.expires_at,
    )


def public_partner(session: Session, partner_id: int, *, now: dt.datetime | None = None) -> PublicPartner | None:
    """A validated partner with its current offers, soonest expiry first; None otherwise."""
    now = now or utcnow()
    partner = session.get(Partner, partner_id)
    if partner is None or partner.status != PartnerStatus.VALIDATED:
        return None
    categories = sorted(
        session.exec(select(PartnerCategory.category).where(PartnerCategory.partner_id == partner_id)).all(),
        key=lambda c: _CATEGORY_ORDER.get(c, 99),
    )
    envelopes = tuple(dict.fromkeys(envelope_for_category(c).value for c in categories))
    offers = session.exec(
        _visible_offers(now).where(Offer.partner_id == partner_id)
        .order_by(col(Offer.expires_at), col(Offer.id))
    ).all()
    commune = commune_by_insee(partner.commune_insee)
    assert partner.id is not None
    return PublicPartner(
        id=partner.id, name=partner.name, kind=partner.kind, description=partner.description,
        address=partner.address, postal_code=partner.postal_code,
        commune_name=commune.name if commune else "", categories=tuple(categories),
        envelopes=envelopes, contact_email=partner.contact_email, phone=partner.phone,
        website=partner.website, latitude=partner.latitude, longitude=partner.longitude,
        offers=tuple(_public_offer(offer, name) for offer, name in offers),
    )


def current_offers(session: Session, *, category: str | None = None, limit: int = 30, offset: int = 0,
                   now: dt.datetime | None = None) -> tuple[list[PublicOffer], int]:
    """Current bons plans, soonest expiry first, and how many there are in all."""
    now = now or utcnow()
    query = _visible_offers(now)
    if category:
        query = query.where(Offer.category == category)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Offer.expires_at), col(Offer.id)).limit(limit).offset(offset)).all()
    return [_public_offer(offer, name) for offer, name in rows], total


def offers_in_commune(session: Session, commune_insee: str, *, limit: int = 10,
                      now: dt.datetime | None = None) -> list[PublicOffer]:
    """Current bons plans of one commune, soonest expiry first (the "Jeune" space: near them)."""
    query = _visible_offers(now or utcnow()).where(Offer.commune_insee == commune_insee)
    rows = session.exec(query.order_by(col(Offer.expires_at), col(Offer.id)).limit(limit)).all()
    return [_public_offer(offer, name) for offer, name in rows]
