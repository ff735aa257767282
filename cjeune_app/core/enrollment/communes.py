"""The towns of step 2: which communes of the 13 a postal code or a typed name stands for.

Plain data from the vendored list (core.territory); no database. A commune is decided on its
INSEE code: picked from the suggestions, or found from the name typed without picking it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cjeune_app.core.territory import (
    Commune,
    all_communes,
    commune_by_insee,
    communes_for_postal_code,
    search_communes,
)
from cjeune_app.core.territory.api import MARSEILLE_INSEE, CommuneKind
from cjeune_app.core.text import fold

MAX_POSTAL_CODES_SHOWN = 4
MATCHES_SHOWN = 6


@dataclass(frozen=True)
class CommuneOption:
    """One town the list offers."""

    insee: str
    name: str
    label: str  # "Aix-en-Provence (13090)"
    postal_code: str  # what choosing it fills in ("" when the commune has several and none was typed)


@dataclass(frozen=True)
class TypedTown:
    """What a town typed without picking it from the list names."""

    insee: str = ""  # the commune of the 13 it names; "" when none, or when several are close
    in_department: bool = True  # False when it is close to no commune of the 13 at all


def commune_option(commune: Commune, postal_code: str = "") -> CommuneOption:
    codes = commune.postal_codes
    if postal_code in codes:
        shown, filled = postal_code, postal_code
    else:
        more = " …" if len(codes) > MAX_POSTAL_CODES_SHOWN else ""
        shown, filled = ", ".join(codes[:MAX_POSTAL_CODES_SHOWN]) + more, (codes[0] if len(codes) == 1 else "")
    return CommuneOption(commune.insee_code, commune.name, f"{commune.name} ({shown})", filled)


def communes_for_code(postal_code: str) -> list[CommuneOption]:
    """The communes of the 13 behind a postal code; Marseille's arrondissement rather than the
    whole city when the code names one."""
    found = communes_for_postal_code(postal_code)
    if any(c.kind is CommuneKind.ARRONDISSEMENT for c in found):
        found = [c for c in found if c.insee_code != MARSEILLE_INSEE]
    return [commune_option(c, postal_code) for c in found]


def communes_matching(text: str, postal_code: str = "") -> list[CommuneOption]:
    return [commune_option(c, postal_code) for c in search_communes(text, limit=MATCHES_SHOWN)]


def commune_name(insee: str) -> str:
    commune = commune_by_insee(insee)
    return commune.name if commune else ""


def resolve_commune(typed: str, postal_code: str) -> TypedTown:
    """A town typed without picking it: its exact name among the communes of the 13 (the one
    serving `postal_code` first); nothing when the name is only close to some of them (the parent
    picks one in the list); outside the department when it is close to none."""
    name = fold(typed)
    if not name:
        return TypedTown()
    same = [c for c in all_communes() if fold(c.name) == name]
    serving = [c for c in same if postal_code in c.postal_codes]
    if serving or same:
        return TypedTown((serving or same)[0].insee_code)
    return TypedTown(in_department=bool(search_communes(typed, limit=1)))


def chosen_commune(values: Mapping[str, object], postal_code: str) -> TypedTown:
    """The town of step 2: the commune picked (`commune_insee`), else the one `commune_name` names."""
    picked = str(values.get("commune_insee") or "").strip()
    if picked:
        return TypedTown(picked)
    return resolve_commune(str(values.get("commune_name") or ""), postal_code)
