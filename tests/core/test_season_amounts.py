"""The amounts the public pages and the stepper quote come from the season."""

from __future__ import annotations

import datetime as dt

from cjeune_app.core.formats import format_euros
from cjeune_app.core.seasons.api import get_or_create_season
from cjeune_app.core.use_cases.seasons import DEFAULT_AMOUNTS, season_amounts


def test_whole_euros_are_written_without_cents():
    assert (format_euros(15_000), format_euros(1_250), format_euros(0)) == ("150 €", "12,50 €", "0 €")


def test_the_current_season_then_the_next_one_then_the_usual_amounts(session):
    assert season_amounts(dt.date(2026, 10, 1)) == DEFAULT_AMOUNTS
    assert DEFAULT_AMOUNTS.total == "150 €"
    get_or_create_season(session, "2027-2028", sport_culture_cents=12_000, soutien_scolaire_cents=6_000)
    session.commit()
    assert season_amounts(dt.date(2026, 10, 1)).total == "180 €"  # the next one
    get_or_create_season(session, "2026-2027", sport_culture_cents=11_000, soutien_scolaire_cents=5_000)
    session.commit()
    amounts = season_amounts(dt.date(2026, 10, 1))
    assert (amounts.sport_culture, amounts.soutien_scolaire, amounts.total) == ("110 €", "50 €", "160 €")
