"""Distances and the grid that lets the index answer "within r km" without reading rows.

Each document carries the tokens of the grid cells its partner lies in, at four sizes
(about 1.25, 5, 20 and 80 km). A circle becomes an OR of a few cell tokens: a superset of the
partners in it, which the exact distance then trims.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
# Cell height in degrees of latitude per level; widths are 1.38 times larger, which makes
# cells about square at the latitude of the Bouches-du-Rhône (cos 43.5° ≈ 0.725).
CELL_DEGREES = (0.01125, 0.045, 0.18, 0.72)
CELL_WIDTH_RATIO = 1.38
MAX_CELLS = 36


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def squared_distance_factors(latitude: float) -> tuple[float, float]:
    """(ky², kx²) such that Δlat²·ky² + Δlon²·kx² is the squared distance in km around
    `latitude` (equirectangular: within a few metres of haversine across the département)."""
    ky = KM_PER_DEGREE
    kx = KM_PER_DEGREE * math.cos(math.radians(latitude))
    return ky * ky, kx * kx


def _cell(latitude: float, longitude: float, level: int) -> tuple[int, int]:
    size = CELL_DEGREES[level]
    return math.floor((latitude + 90) / size), math.floor((longitude + 180) / (size * CELL_WIDTH_RATIO))


def _token(level: int, row: int, column: int) -> str:
    return f"xq{level}a{row}b{column}"


def cell_tokens(latitude: float | None, longitude: float | None) -> list[str]:
    """The cells a point lies in, one per level (none without a position)."""
    if latitude is None or longitude is None:
        return []
    return [_token(level, *_cell(latitude, longitude, level)) for level in range(len(CELL_DEGREES))]


def covering_cells(latitude: float, longitude: float, radius_km: float) -> list[str] | None:
    """Tokens of the cells of the finest level that cover the circle in at most MAX_CELLS
    cells; None when even the largest cells would need more (then no cell narrows)."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    for level in range(len(CELL_DEGREES)):
        row_low, column_low = _cell(latitude - dlat, longitude - dlon, level)
        row_high, column_high = _cell(latitude + dlat, longitude + dlon, level)
        if (row_high - row_low + 1) * (column_high - column_low + 1) <= MAX_CELLS:
            return [
                _token(level, row, column)
                for row in range(row_low, row_high + 1)
                for column in range(column_low, column_high + 1)
            ]
    return None
