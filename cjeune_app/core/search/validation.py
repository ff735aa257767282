"""Checks on a search request: what the box, the filters or the API may send."""

from __future__ import annotations

from cjeune_app.core.enums import Category, Envelope
from cjeune_app.core.search.errors import SearchError
from cjeune_app.core.territory import commune_by_insee
from cjeune_app.core.territory.api import fold

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 50
MAX_RADIUS_KM = 200.0
SORTS = ("relevance", "distance")


def _code(value: str) -> str:
    """"Soutien scolaire", "soutien-scolaire" and "soutien_scolaire" name the same thing."""
    return "_".join(fold(value).replace("&", " ").split())


def category(value: str | None) -> Category | None:
    if value is None or not value.strip():
        return None
    try:
        return Category(_code(value))
    except ValueError:
        raise SearchError(
            "categorie_inconnue",
            "Catégorie inconnue : choisissez sport, culture, loisirs ou soutien_scolaire.",
            "category",
        ) from None


def envelope(value: str | None) -> Envelope | None:
    if value is None or not value.strip():
        return None
    code = _code(value)
    if code in ("sport_culture", "sport_et_culture"):
        return Envelope.SPORT_CULTURE
    if code == "soutien_scolaire":
        return Envelope.SOUTIEN_SCOLAIRE
    raise SearchError(
        "enveloppe_inconnue",
        "Enveloppe inconnue : choisissez sport_culture (Sport & Culture) "
        "ou soutien_scolaire (Soutien scolaire).",
        "envelope",
    )


def commune(value: str | None, field: str = "commune") -> str | None:
    if value is None or not value.strip():
        return None
    found = commune_by_insee(value)
    if found is None:
        raise SearchError(
            "commune_inconnue",
            "Commune inconnue : indiquez le code INSEE d'une commune des Bouches-du-Rhône "
            "(par exemple 13001 pour Aix-en-Provence, 13055 pour Marseille).",
            field,
        )
    return found.insee_code


def query_text(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(
            "recherche_trop_longue",
            f"La recherche est trop longue : {MAX_QUERY_LENGTH} caractères au plus.",
            "q",
        )
    return text


def position(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise SearchError(
            "position_incomplete", "Indiquez la latitude et la longitude ensemble.", "lat"
        )
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise SearchError(
            "position_invalide",
            "Position invalide : la latitude va de -90 à 90 et la longitude de -180 à 180.",
            "lat",
        )
    return float(lat), float(lon)


def radius(value: float | None) -> float | None:
    if value is None:
        return None
    if not (0 < value <= MAX_RADIUS_KM):
        raise SearchError(
            "rayon_invalide",
            f"Le rayon doit être supérieur à 0 et d'au plus {MAX_RADIUS_KM:.0f} km.",
            "radius_km",
        )
    return float(value)


def sort(value: str | None) -> str:
    value = value or "relevance"
    if value not in SORTS:
        raise SearchError(
            "tri_inconnu", "Tri inconnu : choisissez relevance (pertinence) ou distance.", "sort"
        )
    return value


def paging(page: int, page_size: int) -> tuple[int, int]:
    if page < 1:
        raise SearchError("page_invalide", "Le numéro de page commence à 1.", "page")
    if not (1 <= page_size <= MAX_PAGE_SIZE):
        raise SearchError(
            "taille_page_invalide",
            f"Le nombre de résultats par page va de 1 à {MAX_PAGE_SIZE}.",
            "page_size",
        )
    return page, page_size


def missing_position(what: str) -> SearchError:
    if what == "sort":
        return SearchError(
            "position_requise",
            "Pour trier par distance, autorisez la géolocalisation ou choisissez une commune.",
            "sort",
        )
    return SearchError(
        "position_requise",
        "Pour chercher dans un rayon, autorisez la géolocalisation ou choisissez une commune.",
        "radius_km",
    )
