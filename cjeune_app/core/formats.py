"""How money is shown to people: "150,00 €". Dates and days: see core.dates (re-exported here)."""

from __future__ import annotations

import re

from cjeune_app.core.dates import PARIS, format_date, paris_today

__all__ = ["PARIS", "format_cents", "format_date", "format_euros", "parse_euros", "paris_today"]


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", " ")
    return f"{sign}{grouped},{rest:02d} €"


def format_euros(cents: int) -> str:
    """An amount in running text: "150 €" when it is whole euros, "12,50 €" otherwise."""
    if cents % 100:
        return format_cents(cents)
    return format_cents(cents).removesuffix(",00 €") + " €"


_AMOUNT = re.compile(r"(\d{1,3}(?: \d{3})+|\d{0,9})(?:[.,](\d{0,2}))?", re.ASCII)


def parse_euros(text: str) -> int:
    """What a cashier types, in cents: "12,50", "12.5", "12", "1 234,56 €". ValueError for
    anything else (letters, a sign, more than two decimals, spaces that group no thousands)."""
    cleaned = re.sub(r"[\u00a0\u202f]", " ", text or "").strip().removesuffix("€").strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or not (match.group(1) or match.group(2)):
        raise ValueError(text)
    euros = match.group(1).replace(" ", "") or "0"
    return int(euros) * 100 + int((match.group(2) or "").ljust(2, "0"))
