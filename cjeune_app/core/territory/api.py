"""Lookups over the vendored list of communes (data/communes-13.csv, see data/SOURCES.md).

Residence is decided on the INSEE code of a commune of the 13, never on the first two
digits of a postal code: 13780 also serves Riboux, in the Var.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from cjeune_app.core.text import fold

DATA_FILE = Path(__file__).with_name("data") / "communes-13.csv"
DEPARTEMENT_CODE = "13"
MARSEILLE_INSEE = "13055"


class CommuneKind(StrEnum):
    COMMUNE = "commune"
    ARRONDISSEMENT = "arrondissement-municipal"  # Marseille's 16, each with its own INSEE code


@dataclass(frozen=True)
class Commune:
    insee_code: str
    name: str
    kind: CommuneKind
    postal_codes: tuple[str, ...]
    population: int
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        return f"{self.name} ({', '.join(self.postal_codes)})"


@lru_cache(maxsize=1)
def all_communes() -> tuple[Commune, ...]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Commune(
                insee_code=row["insee_code"],
                name=row["name"],
                kind=CommuneKind(row["kind"]),
                postal_codes=tuple(row["postal_codes"].split("|")),
                population=int(row["population"]),
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=1)
def _by_insee() -> dict[str, Commune]:
    return {commune.insee_code: commune for commune in all_communes()}


def commune_by_insee(insee_code: str) -> Commune | None:
    return _by_insee().get((insee_code or "").strip())


def is_resident_commune(insee_code: str) -> bool:
    """True when the INSEE code is a commune (or Marseille arrondissement) of the 13."""
    return commune_by_insee(insee_code) is not None


def communes_for_postal_code(postal_code: str) -> list[Commune]:
    """Communes of the 13 served by a postal code (Marseille's arrondissements included)."""
    code = (postal_code or "").strip()
    return [c for c in all_communes() if code in c.postal_codes]


def postal_code_matches_commune(postal_code: str, insee_code: str) -> bool:
    commune = commune_by_insee(insee_code)
    return commune is not None and (postal_code or "").strip() in commune.postal_codes


def search_communes(text: str, limit: int = 10) -> list[Commune]:
    """Communes whose name starts with (then contains) what was typed, or whose postal code does.

    Marseille's arrondissements come after the communes, bigger communes first.
    """
    query = fold(text)
    if not query:
        return []
    starts, contains = [], []
    for commune in all_communes():
        name = fold(commune.name)
        if name.startswith(query) or any(p.startswith(query) for p in commune.postal_codes):
            starts.append(commune)
        elif query in name:
            contains.append(commune)

    def rank(c: Commune) -> tuple[bool, int]:
        return (c.kind is not CommuneKind.COMMUNE, -c.population)

    return (sorted(starts, key=rank) + sorted(contains, key=rank))[:limit]
