"""Document ids that SQLite can filter and order on without reading the row.

    id = partner_id << 36 | visible_until_hour << 12 | starts_later << 11 | sequence

- partner_id (27 bits): results are partners; reading it from the id needs no lookup, and
  the FTS5 indexes, which return documents in id order, return them in partner order: a
  page needs no sort and removing duplicates is cheap.
- visible_until_hour (24 bits): hours since 2020-01-01 UTC, rounded down, of the moment the
  document stops being shown: an offer's expiry; for a partner's own document, the latest
  expiry of its offers (0 without any), which answers "bons plans seulement".
- starts_later: the offer (for a partner: one of its offers) started after it was indexed.
- sequence (11 bits): 0 for the partner's own document, 1… for its offers.

A document whose hour is past is hidden; one whose hour is later and that does not start
later is shown; only the others (expiring within the hour, or not started when indexed)
are checked against their row's exact times. No job is needed as offers expire.
"""

from __future__ import annotations

import datetime as dt

HOURS_EPOCH = int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
PARTNER_SHIFT = 36
HOUR_SHIFT = 12
HOUR_MASK = (1 << 24) - 1
STARTS_LATER_BIT = 1 << 11
MAX_SEQUENCE = (1 << 11) - 1  # offers indexed per partner
MAX_PARTNER_ID = (1 << 27) - 1


def hour_of(epoch_seconds: int) -> int:
    return min(max((epoch_seconds - HOURS_EPOCH) // 3600, 0), HOUR_MASK)


def document_id(partner_id: int, visible_until_hour: int, starts_later: bool, sequence: int) -> int:
    if not 0 < partner_id <= MAX_PARTNER_ID:
        raise ValueError(f"partner id {partner_id} does not fit the search index")
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"offer sequence {sequence} does not fit the search index")
    return (
        partner_id << PARTNER_SHIFT
        | visible_until_hour << HOUR_SHIFT
        | (STARTS_LATER_BIT if starts_later else 0)
        | sequence
    )


def partner_of(document: int) -> int:
    return document >> PARTNER_SHIFT


# The same arithmetic in SQL, on a rowid expression.
def sql_partner(rowid: str) -> str:
    return f"({rowid} >> {PARTNER_SHIFT})"


def sql_visible(rowid: str, exact_check: str) -> str:
    """True when the document is visible at :hour (the current hour, hour_of(now)): the id
    decides, or `exact_check` (SQL reading the row) does when the id cannot."""
    hour = f"(({rowid} >> {HOUR_SHIFT}) & {HOUR_MASK})"
    return f"{hour} >= :hour AND (({hour} > :hour AND ({rowid} & {STARTS_LATER_BIT}) = 0) OR {exact_check})"
