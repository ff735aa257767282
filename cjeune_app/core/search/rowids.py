"""Document ids that SQLite can filter and order on without reading the row.

    id = partner_id << 41 | start_day << 25 | end_day << 9 | sequence

Days count from 2020-01-01 UTC.
- partner_id (22 bits): results are partners; reading it from the id needs no lookup, and
  the FTS5 indexes, which return documents in id order, return them in partner order: a
  page needs no sort and removing a partner's repeats is cheap.
- sequence (9 bits): 0 for the partner's own document, 1… for its offers.
- An offer's document: the day it starts and the day it expires. Between the two it is
  shown, outside it is not; on either day its row's exact times decide.
- A partner's document, for "bons plans seulement": end_day is the last expiry among the
  offers already started when indexed (0 without any): before that day the partner surely
  has a current offer. start_day is the first start among the offers not yet started
  (0 without any): from that day on, or on end_day, its offers' rows decide.

So the index alone hides an expired offer, and rows are read only on the few boundary
days: no job is needed as offers start and expire.
"""

from __future__ import annotations

import datetime as dt

DAYS_EPOCH = int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
PARTNER_SHIFT = 41
START_SHIFT = 25
END_SHIFT = 9
DAY_MASK = (1 << 16) - 1
MAX_SEQUENCE = (1 << 9) - 1  # offers indexed per partner
MAX_PARTNER_ID = (1 << 22) - 1


def day_of(epoch_seconds: int) -> int:
    return min(max((epoch_seconds - DAYS_EPOCH) // 86400, 0), DAY_MASK)


def document_id(partner_id: int, start_day: int, end_day: int, sequence: int) -> int:
    if not 0 < partner_id <= MAX_PARTNER_ID:
        raise ValueError(f"partner id {partner_id} does not fit the search index")
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"offer sequence {sequence} does not fit the search index")
    return partner_id << PARTNER_SHIFT | start_day << START_SHIFT | end_day << END_SHIFT | sequence


def partner_document_id(partner_id: int, offer_windows: list[tuple[int, int]], indexed_at: int) -> int:
    """`offer_windows`: (starts, expires) of its offers in epoch seconds."""
    started = [expires for starts, expires in offer_windows if starts <= indexed_at]
    later = [starts for starts, _ in offer_windows if starts > indexed_at]
    end_day = day_of(max(started)) if started else 0
    start_day = day_of(min(later)) if later else 0
    return document_id(partner_id, start_day, end_day, 0)


def offer_document_id(partner_id: int, starts: int, expires: int, sequence: int) -> int:
    return document_id(partner_id, day_of(starts), day_of(expires), sequence)


def partner_of(document: int) -> int:
    return document >> PARTNER_SHIFT


# The same arithmetic in SQL, on a rowid expression; :day is day_of(now).
def sql_partner(rowid: str) -> str:
    return f"({rowid} >> {PARTNER_SHIFT})"


def _days(rowid: str) -> tuple[str, str]:
    return f"(({rowid} >> {START_SHIFT}) & {DAY_MASK})", f"(({rowid} >> {END_SHIFT}) & {DAY_MASK})"


def sql_offer_visible(rowid: str, exact_check: str) -> str:
    start, end = _days(rowid)
    return f"{start} <= :day AND {end} >= :day AND (({start} < :day AND {end} > :day) OR {exact_check})"


def sql_partner_has_offer(rowid: str, exact_check: str) -> str:
    start, end = _days(rowid)
    return f"({end} > :day OR (({end} = :day OR ({start} > 0 AND {start} <= :day)) AND {exact_check}))"
