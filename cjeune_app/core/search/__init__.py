"""Search over partners and their current offers ("Trouver un partenaire")."""

from cjeune_app.core.search.api import (
    MAX_MAP_POINTS,
    Correction,
    MapPoint,
    OfferHit,
    PartnerHit,
    SearchPage,
    SearchQuery,
    map_points,
    search,
)
from cjeune_app.core.search.errors import SearchError
from cjeune_app.core.search.geo import haversine_km
from cjeune_app.core.search.indexing import reindex_all, reindex_partner

__all__ = [
    "MAX_MAP_POINTS", "Correction", "MapPoint", "OfferHit", "PartnerHit", "SearchError", "SearchPage", "SearchQuery",
    "haversine_km", "map_points", "reindex_all", "reindex_partner", "search",
]
