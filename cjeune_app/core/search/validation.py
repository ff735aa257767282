"""Checks on a search request: what the box, the filters or the API may send."""

from __future__ import annotations

from cjeune_app.core.enums import Category, Envelope
from cjeune_app.core.search.errors import (
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RADIUS_KM,
    IncompletePosition,
    InvalidPage,
    InvalidPageSize,
    InvalidPosition,
    InvalidRadius,
    PositionRequired,
    QueryTooLong,
    UnknownCategory,
    UnknownCommune,
    UnknownEnvelopeFilter,
    UnknownSort,
)
from cjeune_app.core.territory import commune_by_insee
from cjeune_app.core.text import fold

__all__ = ["MAX_PAGE_SIZE", "MAX_QUERY_LENGTH", "MAX_RADIUS_KM", "SORTS"]

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
        raise UnknownCategory() from None


def envelope(value: str | None) -> Envelope | None:
    if value is None or not value.strip():
        return None
    code = _code(value)
    if code in ("sport_culture", "sport_et_culture"):
        return Envelope.SPORT_CULTURE
    if code == "soutien_scolaire":
        return Envelope.SOUTIEN_SCOLAIRE
    raise UnknownEnvelopeFilter()


def commune(value: str | None, field: str = "commune") -> str | None:
    if value is None or not value.strip():
        return None
    found = commune_by_insee(value)
    if found is None:
        raise UnknownCommune(field=field)
    return found.insee_code


def query_text(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLong()
    return text


def position(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise IncompletePosition()
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise InvalidPosition()
    return float(lat), float(lon)


def radius(value: float | None) -> float | None:
    if value is None:
        return None
    if not (0 < value <= MAX_RADIUS_KM):
        raise InvalidRadius()
    return float(value)


def sort(value: str | None) -> str:
    value = value or "relevance"
    if value not in SORTS:
        raise UnknownSort()
    return value


def paging(page: int, page_size: int) -> tuple[int, int]:
    if page < 1:
        raise InvalidPage()
    if not (1 <= page_size <= MAX_PAGE_SIZE):
        raise InvalidPageSize()
    return page, page_size


def missing_position(what: str) -> PositionRequired:
    return PositionRequired("sort" if what == "sort" else "radius_km")
