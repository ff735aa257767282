"""What anyone may see of partners, signed in or not: the search, a partner's page, the bons plans."""

from __future__ import annotations

from dataclasses import dataclass

from cjeune_app.core import search as searching
from cjeune_app.core.db import reading_scope, session_scope
from cjeune_app.core.partners import public
from cjeune_app.core.partners.errors import PartnerNotFound
from cjeune_app.core.partners.public import PublicOffer, PublicPartner
from cjeune_app.core.search import MapPoint, SearchPage, SearchQuery
from cjeune_app.core.search.postgres_backend import SETTINGS as SEARCH_SETTINGS


@dataclass(frozen=True)
class OffersPage:
    offers: list[PublicOffer]
    total: int  # current offers in all (the page holds the first `limit`)


def search(query: SearchQuery) -> SearchPage:
    """Partners matching the query, best (or nearest) first; SearchError when a field is wrong."""
    with reading_scope(SEARCH_SETTINGS) as session:
        return searching.search(session, query)


def map_points(query: SearchQuery) -> tuple[MapPoint, ...]:
    """Where every result of the query is, for the map; SearchError when a field is wrong."""
    with reading_scope(SEARCH_SETTINGS) as session:
        return searching.map_points(session, query)


def partner_page(partner_id: int) -> PublicPartner:
    """A validated partner with its current bons plans; PartnerNotFound for any other id."""
    with session_scope(read_only=True) as session:
        partner = public.public_partner(session, partner_id)
    if partner is None:
        raise PartnerNotFound()
    return partner


def current_offers(category: str | None = None, limit: int = 30, offset: int = 0) -> OffersPage:
    """Current bons plans, soonest expiry first."""
    with session_scope(read_only=True) as session:
        offers, total = public.current_offers(session, category=category or None, limit=limit, offset=offset)
    return OffersPage(offers, total)
