"""Season lookups."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from cjeune_app.core.seasons.models import Season

# What a season credits unless its record says otherwise.
DEFAULT_SPORT_CULTURE_CENTS = 10_000
DEFAULT_SOUTIEN_SCOLAIRE_CENTS = 5_000


def season_code_for(day: dt.date) -> str:
    """School year containing `day`: 1 September → 31 August."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def bounds_for_code(code: str) -> tuple[dt.date, dt.date]:
    start_year = int(code.split("-")[0])
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


def current_season(session: Session, today: dt.date | None = None) -> Season | None:
    today = today or dt.date.today()
    return session.exec(
        select(Season).where(Season.starts_on <= today, Season.ends_on >= today)
    ).first()


def get_or_create_season(
    session: Session, code: str, sport_culture_cents: int = DEFAULT_SPORT_CULTURE_CENTS,
    soutien_scolaire_cents: int = DEFAULT_SOUTIEN_SCOLAIRE_CENTS,
) -> Season:
    season = session.exec(select(Season).where(Season.code == code)).first()
    if season is None:
        starts_on, ends_on = bounds_for_code(code)
        season = Season(
            code=code,
            starts_on=starts_on,
            ends_on=ends_on,
            sport_culture_cents=sport_culture_cents,
            soutien_scolaire_cents=soutien_scolaire_cents,
        )
        session.add(season)
        session.flush()
    return season


def next_season(session: Session, today: dt.date | None = None) -> Season | None:
    """The first season starting after `today`."""
    today = today or dt.date.today()
    return session.exec(
        select(Season).where(Season.starts_on > today).order_by(col(Season.starts_on))
    ).first()
