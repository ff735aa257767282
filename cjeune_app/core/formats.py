"""How money, dates and days are shown to people: "150,00 €", "31/08/2027", Europe/Paris."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", " ")
    return f"{sign}{grouped},{rest:02d} €"


def format_date(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = day.astimezone(PARIS).date()
    return day.strftime("%d/%m/%Y")


def paris_today(moment: dt.datetime | None = None) -> dt.date:
    """The calendar day in the Bouches-du-Rhône at `moment` (now by default)."""
    moment = moment or dt.datetime.now(dt.UTC)
    return moment.astimezone(PARIS).date()


def parse_euros(text: str) -> int:
    """What a cashier types, in cents: "12,50", "12.5", "12", "1 234,56 €". ValueError for
    anything else (letters, a sign, more than two decimals)."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text or "").replace(",", ".")
    match = re.fullmatch(r"([0-9]{0,9})(?:\.([0-9]{0,2}))?", cleaned)
    if match is None or not (match.group(1) or match.group(2)):
        raise ValueError(text)
    return int(match.group(1) or "0") * 100 + int((match.group(2) or "").ljust(2, "0"))
