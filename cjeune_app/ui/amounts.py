"""What a season credits, for the public pages that say it (home, FAQ, terms). Imports no page.

The amounts are season data (core.use_cases.seasons): the pages load them on opening, and show the
usual ones until then (and before any season is recorded).
"""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.use_cases.seasons import DEFAULT_AMOUNTS, season_amounts


class AmountsState(rx.State):
    sport_culture: str = DEFAULT_AMOUNTS.sport_culture  # "100 €"
    soutien_scolaire: str = DEFAULT_AMOUNTS.soutien_scolaire  # "50 €"
    total: str = DEFAULT_AMOUNTS.total  # "150 €"

    @rx.event
    async def load(self) -> None:
        await self._load_amounts()

    async def _load_amounts(self) -> None:
        amounts = await asyncio.to_thread(season_amounts)
        self.sport_culture, self.soutien_scolaire, self.total = (
            amounts.sport_culture, amounts.soutien_scolaire, amounts.total)
