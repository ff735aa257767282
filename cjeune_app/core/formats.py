"""How money is shown to people: "150,00 €". Dates and days: see core.dates (re-exported here)."""

from __future__ import annotations

from cjeune_app.core.dates import PARIS, format_date, paris_today

__all__ = ["PARIS", "format_cents", "format_date", "paris_today"]


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", " ")
    return f"{sign}{grouped},{rest:02d} €"
