"""Search over partners and their current offers ("Trouver un partenaire")."""

from cjeune_app.core.search.api import (
    Correction,
    OfferHit,
    PartnerHit,
    SearchPage,
    SearchQuery,
    search,
)
from cjeune_app.core.search.errors import SearchError
from cjeune_app.core.search.geo import haversine_km
from cjeune_app.core.search.indexing import reindex_all, reindex_partner

__all__ = [
    "Correction", "OfferHit", "PartnerHit", "SearchError", "SearchPage", "SearchQuery",
    "haversine_km", "reindex_all", "reindex_partner", "search",
]
