"""Communes of the Bouches-du-Rhône and the residence rule."""

from cjeune_app.core.territory.api import (
    Commune,
    all_communes,
    commune_by_insee,
    communes_for_postal_code,
    is_resident_commune,
    postal_code_matches_commune,
    search_communes,
)

__all__ = [
    "Commune",
    "all_communes",
    "commune_by_insee",
    "communes_for_postal_code",
    "is_resident_commune",
    "postal_code_matches_commune",
    "search_communes",
]
