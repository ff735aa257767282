"""The national barème of the bourse de collège, per school year (data), and the échelon it gives.

Each barème says where its figures come from. A family's échelon is the highest one whose ceiling
its revenu fiscal de référence does not exceed, for its number of dependent children (8 or more
count as 8). For a school year whose barème is not recorded yet, the latest earlier one is used and
the estimate says which year it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

ECHELONS = (1, 2, 3)
MAX_CHILDREN_IN_BAREME = 8


@dataclass(frozen=True)
class Bareme:
    season_code: str
    avis_year: int  # the avis d'imposition asked for (on the income of the year before)
    # Yearly amount of each échelon, in cents (paid in three terms).
    yearly_cents: dict[int, int]
    # Ceilings of revenu fiscal de référence in euros, for 1, 2, ... 8 or more dependent children:
    # (échelon 1, échelon 2, échelon 3).
    ceilings: tuple[tuple[int, int, int], ...]
    source: str

    def ceiling(self, children: int, echelon: int) -> int:
        row = self.ceilings[min(max(children, 1), MAX_CHILDREN_IN_BAREME) - 1]
        return row[echelon - 1]


BAREMES: dict[str, Bareme] = {
    "2024-2025": Bareme(
        season_code="2024-2025",
        avis_year=2024,
        yearly_cents={1: 11_400, 2: 31_500, 3: 49_500},
        ceilings=(
            (17_927, 9_691, 3_419),
            (22_064, 11_928, 4_208),
            (26_201, 14_164, 4_997),
            (30_338, 16_401, 5_786),
            (34_476, 18_637, 6_576),
            (38_613, 20_873, 7_365),
            (42_750, 23_110, 8_154),
            (46_886, 25_346, 8_943),
        ),
        source=("Ministère de l'Éducation nationale, bourses de collège, rentrée 2024 (avis d'imposition 2024 "
                "sur les revenus 2023) : montants annuels 114 €, 315 €, 495 € ; plafonds tels que publiés le "
                "25/05/2024 par Centre Presse Aveyron « Bourses de collège et de lycée : quels sont les montants "
                "pour l'année scolaire 2024-2025 » (centrepresseaveyron.fr) ; voir service-public.fr F984."),
    ),
}


@dataclass(frozen=True)
class Estimate:
    echelon: int  # 0: above the ceilings
    yearly_cents: int
    bareme_season: str  # the year of the barème used
    source: str


def bareme_for(season_code: str) -> Bareme | None:
    """The barème of that school year, else the latest earlier one, else None."""
    earlier = sorted(code for code in BAREMES if code <= season_code)
    return BAREMES[earlier[-1]] if earlier else None


def echelon_for(bareme: Bareme, children: int, rfr_euros: int) -> int:
    for echelon in sorted(ECHELONS, reverse=True):
        if rfr_euros <= bareme.ceiling(children, echelon):
            return echelon
    return 0


def estimate(season_code: str, children: int, rfr_euros: int) -> Estimate | None:
    bareme = bareme_for(season_code)
    if bareme is None:
        return None
    echelon = echelon_for(bareme, children, rfr_euros)
    return Estimate(echelon, bareme.yearly_cents.get(echelon, 0), bareme.season_code, bareme.source)
