"""What a season gives, for the pages that talk about it (home, FAQ, terms, the stepper)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cjeune_app.core.db import session_scope
from cjeune_app.core.formats import format_euros, paris_today
from cjeune_app.core.seasons.api import (
    DEFAULT_SOUTIEN_SCOLAIRE_CENTS,
    DEFAULT_SPORT_CULTURE_CENTS,
    current_season,
    next_season,
)
from cjeune_app.core.seasons.models import Season


@dataclass(frozen=True)
class SeasonAmounts:
    sport_culture: str  # "100 €"
    soutien_scolaire: str  # "50 €"
    total: str  # "150 €"


def amounts_of(sport_culture_cents: int, soutien_scolaire_cents: int) -> SeasonAmounts:
    return SeasonAmounts(format_euros(sport_culture_cents), format_euros(soutien_scolaire_cents),
                         format_euros(sport_culture_cents + soutien_scolaire_cents))


def amounts_of_season(season: Season) -> SeasonAmounts:
    return amounts_of(season.sport_culture_cents, season.soutien_scolaire_cents)


DEFAULT_AMOUNTS = amounts_of(DEFAULT_SPORT_CULTURE_CENTS, DEFAULT_SOUTIEN_SCOLAIRE_CENTS)


def season_amounts(today: dt.date | None = None) -> SeasonAmounts:
    """The amounts of the season under way, else of the next one; the usual ones before any
    season is recorded. Public: no actor needed."""
    with session_scope(read_only=True) as session:
        day = today or paris_today()
        season = current_season(session, day) or next_season(session, day)
        return amounts_of_season(season) if season is not None else DEFAULT_AMOUNTS


def remind_season_end(today: dt.date | None = None) -> int:
    """The daily operators' command: the season-end reminders due today (idempotent)."""
    from cjeune_app.core.enrollment import season_end

    today = today or paris_today()
    with session_scope() as session:
        season = current_season(session, today)
        return season_end.send_reminders(session, season, today) if season is not None else 0
