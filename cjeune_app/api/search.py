"""GET /search: the public JSON door onto the search use case (the page uses the same one).

Mounted under /api/v1 by the app. Thin: parse (the `search_query` dependency), call core,
serialize. Every refusal is a core SearchError, answered 422 with
{"code": "...", "message": "<French sentence>"} by the app's handler of refusals.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from cjeune_app import routes
from cjeune_app.core.enums import CATEGORY_LABELS, Category
from cjeune_app.core.search import MapPoint, PartnerHit, SearchPage, SearchQuery
from cjeune_app.core.search.errors import InvalidParameter
from cjeune_app.core.use_cases import search as searching

router = APIRouter(tags=["recherche"])


class RefusalOut(BaseModel):
    code: str
    message: str


class OfferOut(BaseModel):
    id: int
    title: str
    discount_text: str
    category: str
    expires_at: dt.datetime


class CommuneOut(BaseModel):
    insee: str
    name: str


class PartnerOut(BaseModel):
    id: int
    name: str
    kind: str
    categories: list[str]
    envelopes: list[str]
    commune: CommuneOut
    postal_code: str
    address: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    offers: list[OfferOut]


class CorrectionOut(BaseModel):
    typed: str
    replaced_by: list[str]


class SearchOut(BaseModel):
    total: int
    page: int
    page_size: int
    page_count: int
    corrections: list[CorrectionOut]
    # Non-empty for "résultats approchants": no partner has every word, these have all but these.
    missing_words: list[str] = []
    results: list[PartnerOut]


def _number(
    name: str, value: str | None, kind: type[float] | type[int] = float, example: str = "43.5297"
) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        return kind(value.strip().replace(",", "."))
    except ValueError:
        expected = f"un nombre entier (par exemple {example})" if kind is int else f"un nombre (par exemple {example})"
        raise InvalidParameter(name, expected) from None


def _whole(name: str, value: str | None, default: int, example: str) -> int:
    number = _number(name, value, int, example)
    return default if number is None else int(number)


def _flag(name: str, value: str | None) -> bool:
    if value is None or value.strip() == "":
        return False
    folded = value.strip().lower()
    if folded in ("1", "true", "oui", "yes", "on"):
        return True
    if folded in ("0", "false", "non", "no", "off"):
        return False
    raise InvalidParameter(name, "true ou false")


def search_query(
    q: Annotated[str, Query(description="Ce que l'on cherche : « judo marseille », « theatre aix »...")] = "",
    category: Annotated[str | None, Query(description="sport, culture, loisirs ou soutien_scolaire")] = None,
    commune: Annotated[
        str | None, Query(description="Code INSEE ; 13055 inclut les arrondissements de Marseille")] = None,
    envelope: Annotated[str | None, Query(description="Enveloppe acceptée : sport_culture ou soutien_scolaire")] = None,
    offers_only: Annotated[
        str | None, Query(description="true : seulement les partenaires avec un bon plan en cours")] = None,
    lat: Annotated[str | None, Query(description="Latitude de la position (WGS84)")] = None,
    lon: Annotated[str | None, Query(description="Longitude de la position (WGS84)")] = None,
    near: Annotated[
        str | None, Query(description="Code INSEE de la commune d'où mesurer les distances, sans position")] = None,
    radius_km: Annotated[str | None, Query(description="Rayon autour de la position, en km")] = None,
    sort: Annotated[str, Query(description="relevance (défaut) ou distance")] = "relevance",
    page: Annotated[str | None, Query(description="Numéro de page, à partir de 1")] = None,
    page_size: Annotated[str | None, Query(description="Résultats par page, de 1 à 50 (20 par défaut)")] = None,
) -> SearchQuery:
    """The query string as a SearchQuery (numbers and flags read leniently: "43,5" is a number)."""
    return SearchQuery(
        q=q,
        category=category,
        commune_insee=commune,
        envelope=envelope,
        offers_only=_flag("offers_only", offers_only),
        lat=_number("lat", lat),
        lon=_number("lon", lon, example="5.4474"),
        near_insee=near,
        radius_km=_number("radius_km", radius_km, example="10"),
        sort=sort,
        page=_whole("page", page, 1, "2"),
        page_size=_whole("page_size", page_size, 20, "20"),
    )


@router.get(
    routes.API_SEARCH,
    response_model=SearchOut,
    responses={422: {"model": RefusalOut, "description": "Requête invalide (message en français)"}},
    summary="Trouver un partenaire",
    description="Partenaires validés et leurs bons plans en cours, les plus pertinents d'abord "
    "(ou les plus proches avec sort=distance).",
)
def search_partners(query: Annotated[SearchQuery, Depends(search_query)]) -> SearchOut:
    return _serialize(searching.search(query))


class MapPointOut(BaseModel):
    id: int
    name: str
    subtitle: str  # categories · commune, as the list shows them
    href: str  # the partner's page
    latitude: float
    longitude: float


class MapOut(BaseModel):
    points: list[MapPointOut]


@router.get(
    routes.API_SEARCH_MAP,
    response_model=MapOut,
    responses={422: {"model": RefusalOut, "description": "Requête invalide (message en français)"}},
    summary="Trouver un partenaire : la carte",
    description="Où sont tous les résultats de la recherche (mêmes paramètres, sans pagination), "
    "les plus pertinents d'abord, au plus 2 000.",
)
def search_map(query: Annotated[SearchQuery, Depends(search_query)]) -> MapOut:
    return MapOut(points=[_point(point) for point in searching.map_points(query)])


def _point(point: MapPoint) -> MapPointOut:
    labels = ", ".join(CATEGORY_LABELS[Category(c)] for c in point.categories)
    return MapPointOut(
        id=point.id, name=point.name, subtitle=" · ".join(filter(None, [labels, point.commune_name])),
        href=routes.partner_page(point.id), latitude=point.latitude, longitude=point.longitude,
    )


def _serialize(found: SearchPage) -> SearchOut:
    return SearchOut(
        total=found.total,
        page=found.page,
        page_size=found.page_size,
        page_count=found.page_count,
        corrections=[CorrectionOut(typed=c.typed, replaced_by=list(c.replaced_by)) for c in found.corrected_terms],
        missing_words=list(found.missing_words),
        results=[_partner(hit) for hit in found.results],
    )


def _partner(hit: PartnerHit) -> PartnerOut:
    return PartnerOut(
        id=hit.id,
        name=hit.name,
        kind=hit.kind,
        categories=list(hit.categories),
        envelopes=list(hit.envelopes),
        commune=CommuneOut(insee=hit.commune_insee, name=hit.commune_name),
        postal_code=hit.postal_code,
        address=hit.address,
        latitude=hit.latitude,
        longitude=hit.longitude,
        distance_km=hit.distance_km,
        offers=[
            OfferOut(id=o.id, title=o.title, discount_text=o.discount_text, category=o.category,
                     expires_at=o.expires_at)
            for o in hit.offers
        ],
    )
