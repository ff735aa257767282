"""A partner's bons plans: list, read, publish, change, unpublish (partner space and API alike).

Each change reindexes the partner for the search in the same transaction: "Trouver un
partenaire" shows the offer, or stops showing it, as soon as the change is committed.
"""

from __future__ import annotations

from typing import Any

from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.partners import offers
from cjeune_app.core.partners.offers import OfferChoices, OfferForm, OfferView
from cjeune_app.core.permissions import require_partner
from cjeune_app.core.search import reindex_partner


def list_offers(actor: Actor | None) -> list[OfferView]:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return offers.offers_of(session, partner_id)


def get_offer(actor: Actor | None, offer_id: int) -> OfferView:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return offers.offer_of(session, partner_id, offer_id)


def offer_choices(actor: Actor | None) -> OfferChoices:
    """What the offer form proposes: the structure's categories, its commune by default."""
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return offers.offer_choices(session, partner_id)


def create_offer(actor: Actor | None, form: OfferForm) -> OfferView:
    partner_id = require_partner(actor)
    with session_scope() as session:
        created = offers.create_offer(session, partner_id, form)
        reindex_partner(session, partner_id)
        return created


def update_offer(actor: Actor | None, offer_id: int, changes: dict[str, Any]) -> OfferView:
    """Some fields of OfferForm changed; `published=False` unpublishes the offer."""
    partner_id = require_partner(actor)
    with session_scope() as session:
        updated = offers.update_offer(session, partner_id, offer_id, changes)
        reindex_partner(session, partner_id)
        return updated


def unpublish_offer(actor: Actor | None, offer_id: int) -> OfferView:
    partner_id = require_partner(actor)
    with session_scope() as session:
        unpublished = offers.unpublish_offer(session, partner_id, offer_id)
        reindex_partner(session, partner_id)
        return unpublished
