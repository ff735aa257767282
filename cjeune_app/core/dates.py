"""Dates and times as people in the Bouches-du-Rhône read them: Europe/Paris, 31/08/2027, 14 h 32."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris_today(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Paris (what "today" means for an age or a deadline)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(PARIS).date()


def format_date(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = day.astimezone(PARIS).date()
    return day.strftime("%d/%m/%Y")


def format_hour(moment: dt.datetime) -> str:
    """`14 h 32` in Paris time: the minute the moment is in, as a clock shows it (and as the
    statements and the database tell it: 20:39:21 UTC is 21 h 39 in winter)."""
    local = moment.astimezone(PARIS)
    return f"{local.hour} h {local.minute:02d}"


def format_hour_not_before(moment: dt.datetime) -> str:
    """A deadline (`réessayez à 14 h 33`): minutes rounded up, so that the time shown is never too early."""
    local = moment.astimezone(PARIS)
    if local.second or local.microsecond:
        local = (local + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    return f"{local.hour} h {local.minute:02d}"


def parse_date_fr(text: str) -> dt.date:
    """`14/03/2013` (or `14/3/2013`, `14-03-2013`, `14.03.2013`) -> date; ValueError otherwise."""
    cleaned = text.strip().replace("-", "/").replace(".", "/")
    parts = cleaned.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        raise ValueError(text)
    day, month, year = (int(p) for p in parts)
    return dt.date(year, month, day)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on `day` (a birthday on 29 February counts on 1 March)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)
