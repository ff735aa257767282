"""A partner's bons plans: list, read, publish, change, unpublish (partner space and API alike)."""

from __future__ import annotations

from typing import Any

from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.partners import offers
from cjeune_app.core.partners.offers import OfferForm, OfferView
from cjeune_app.core.permissions import require_partner


def list_offers(actor: Actor | None) -> list[OfferView]:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return offers.offers_of(session, partner_id)


def get_offer(actor: Actor | None, offer_id: int) -> OfferView:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return offers.offer_of(session, partner_id, offer_id)


def create_offer(actor: Actor | None, form: OfferForm) -> OfferView:
    partner_id = require_partner(actor)
    with session_scope() as session:
        return offers.create_offer(session, partner_id, form)


def update_offer(actor: Actor | None, offer_id: int, changes: dict[str, Any]) -> OfferView:
    """Some fields of OfferForm changed; `published=False` unpublishes the offer."""
    partner_id = require_partner(actor)
    with session_scope() as session:
        return offers.update_offer(session, partner_id, offer_id, changes)


def unpublish_offer(actor: Actor | None, offer_id: int) -> OfferView:
    partner_id = require_partner(actor)
    with session_scope() as session:
        return offers.unpublish_offer(session, partner_id, offer_id)
