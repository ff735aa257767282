"""The ledger's monthly totals per season, envelope, kind and partner, folded incrementally.

The statistics read a season's money (credited, spent, expired, corrected; spending per month and
per partner) from `ledger_month_total` plus a direct aggregate of the few entries not folded yet,
in one statement (one snapshot on both databases): the figures are always those of the ledger
itself, however late the last fold ran. The ledger and the money operations are untouched.

A fold adds the entries above the watermark to the totals and moves the watermark, in one
transaction, one fold at a time (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE). Ids are
handed out before commit, so on PostgreSQL an entry with a smaller id may commit after a larger
one was folded: every id under the new watermark that the fold could not see is kept as a gap, and
folded when it appears. A gap is dropped once no transaction could still insert it: when, before
reading the gaps, no other session holds the lock an INSERT into ledger_entry takes (every id is
drawn under that lock, so every transaction that drew an old gap's id has ended; if its entry is
not visible then, it was rolled back). SQLite has a single writer: the fold, holding the write
lock, sees every committed entry and the gaps it finds are dead at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from cjeune_app.core.formats import PARIS
from cjeune_app.core.partners.models import Payment
from cjeune_app.core.statistics.models import LedgerFold, LedgerFoldGap, LedgerMonthTotal
from cjeune_app.core.wallet.models import LedgerEntry, Wallet

FOLD_LOCK_KEY = 140_015  # PostgreSQL advisory lock: one fold at a time

_total = LedgerMonthTotal.__table__  # type: ignore[attr-defined]
_fold = LedgerFold.__table__  # type: ignore[attr-defined]
_gap = LedgerFoldGap.__table__  # type: ignore[attr-defined]
_entry = LedgerEntry.__table__.alias("e")  # type: ignore[attr-defined]
_payment = Payment.__table__.alias("p")  # type: ignore[attr-defined]
_wallet = Wallet.__table__.alias("w")  # type: ignore[attr-defined]

# A payment's debit and the refund of its cancellation count in the month of the payment (as on
# the partners' statements); every other entry in its own month.
_moment = sa.func.coalesce(_payment.c.created_at, _entry.c.created_at)
_joined = (_entry.join(_wallet, _wallet.c.id == _entry.c.wallet_id)
           .outerjoin(_payment, _payment.c.id == _entry.c.payment_id))


class MonthTotal(NamedTuple):  # a tuple: some ten thousand of them per season, built and sorted fast
    month: str  # Paris month, "2026-10"
    envelope: str
    kind: str  # enums.LedgerKind
    partner_id: int  # 0: no partner
    entries: int
    cents: int


def _paris_month(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=moment.tzinfo or dt.UTC).astimezone(PARIS).strftime("%Y-%m")


def _months(first: dt.datetime, last: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """(code, UTC start of the next month) of every Paris month from `first`'s to `last`'s."""
    paris = first.replace(tzinfo=first.tzinfo or dt.UTC).astimezone(PARIS)
    year, month = paris.year, paris.month
    end_code = _paris_month(last)
    months = []
    while True:
        code = f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        months.append((code, dt.datetime(year, month, 1, tzinfo=PARIS).astimezone(dt.UTC)))
        if code >= end_code:
            return months


def _month_case(months: list[tuple[str, dt.datetime]]) -> sa.ColumnElement[str]:
    if len(months) == 1:
        return sa.literal(months[0][0], sa.String)
    return sa.case(*[(_moment < end, code) for code, end in months[:-1]], else_=months[-1][0])


def _writers_idle(conn: sa.Connection) -> bool:
    """No other session can be inserting into the ledger (PostgreSQL; SQLite: we hold the write lock)."""
    if conn.dialect.name != "postgresql":
        return True
    return not conn.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'relation' AND granted"
        " AND relation = 'ledger_entry'::regclass AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid())"
    )).scalar_one()


def _chunks(ids: list[int], size: int = 5_000) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def fold(session: Session) -> int:
    """Adds the ledger entries not folded yet to the monthly totals; returns how many. Run in a
    writing transaction of its own (the caller commits)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(FOLD_LOCK_KEY)))
    watermark = conn.execute(sa.select(_fold.c.last_entry_id).where(_fold.c.id == 1)).scalar()
    if watermark is None:
        conn.execute(sa.insert(_fold).values(id=1, last_entry_id=0))
        watermark = 0
    idle = _writers_idle(conn)  # before anything is read: see the module's docstring
    old_gaps = list(conn.execute(sa.select(_gap.c.entry_id)).scalars())
    appeared: list[int] = []
    for chunk in _chunks(old_gaps):
        appeared += conn.execute(sa.select(_entry.c.id).where(_entry.c.id.in_(chunk))).scalars()
    for chunk in _chunks(old_gaps if idle else appeared):
        conn.execute(sa.delete(_gap).where(_gap.c.entry_id.in_(chunk)))
    count, top = conn.execute(sa.select(sa.func.count(), sa.func.max(_entry.c.id))
                              .where(_entry.c.id > watermark)).one()
    top = int(top or watermark)
    if count and count != top - watermark:  # ids drawn but not visible: in flight or rolled back
        present = set(conn.execute(sa.select(_entry.c.id).where(_entry.c.id > watermark, _entry.c.id <= top))
                      .scalars())
        missing = [i for i in range(watermark + 1, top + 1) if i not in present]
        for chunk in _chunks(missing):
            conn.execute(sa.insert(_gap), [{"entry_id": i} for i in chunk])
    if not count and not appeared:
        return 0
    folded = sa.and_(_entry.c.id > watermark, _entry.c.id <= top,
                     _entry.c.id.not_in(sa.select(_gap.c.entry_id).scalar_subquery()))
    if appeared:
        folded = sa.or_(folded, _entry.c.id.in_(appeared))
    first, last = conn.execute(sa.select(sa.func.min(_moment), sa.func.max(_moment)).select_from(_joined)
                               .where(folded)).one()
    if first is None:
        return 0
    month = _month_case(_months(first, last)).label("month")
    partner = sa.func.coalesce(_entry.c.partner_id, 0).label("partner_id")
    rows = conn.execute(
        sa.select(_wallet.c.season_id, month, _wallet.c.envelope, _entry.c.kind, partner, sa.func.count(),
                  sa.func.sum(_entry.c.amount_cents))
        .select_from(_joined).where(folded)
        .group_by(_wallet.c.season_id, month, _wallet.c.envelope, _entry.c.kind, partner)
    ).all()
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(_total)
    upsert = insert.on_conflict_do_update(
        index_elements=["season_id", "month", "envelope", "kind", "partner_id"],
        set_={"entries": _total.c.entries + insert.excluded.entries, "cents": _total.c.cents + insert.excluded.cents},
    )
    conn.execute(upsert, [dict(season_id=s, month=m, envelope=e, kind=k, partner_id=p, entries=int(n), cents=int(c))
                          for s, m, e, k, p, n, c in rows])
    conn.execute(sa.update(_fold).where(_fold.c.id == 1).values(last_entry_id=top))
    return int(sum(r[5] for r in rows))


def _hour_text(conn: sa.Connection) -> sa.ColumnElement[str]:
    """"YYYY-MM-DD HH", the UTC hour of an unfolded entry's moment (SQLite stores UTC as text)."""
    if conn.dialect.name == "postgresql":
        return sa.func.to_char(sa.func.date_trunc("hour", sa.func.timezone("UTC", _moment)), "YYYY-MM-DD HH24")
    return sa.func.substr(_moment, 1, 13)


def season_totals(session: Session, season_id: int) -> list[MonthTotal]:
    """The season's ledger per (month, envelope, kind, partner): the folded totals plus the entries
    not folded yet (above the watermark, or gaps), read in one statement (one snapshot)."""
    conn = session.connection()
    current = sa.select(sa.func.coalesce(sa.func.max(_fold.c.last_entry_id), 0))
    watermark = current.scalar_subquery()
    # The watermark only rises: the one read now is a lower bound of the statement's own, given as a
    # literal so that the planner sees a short range of ids (PostgreSQL), and the season's condition
    # is hidden from SQLite's planner (+ 0), which would otherwise go through the season's wallets.
    at_least: Any = sa.bindparam("at_least", conn.execute(current).scalar() or 0, literal_execute=True)
    of_season = (_wallet.c.season_id + 0 if conn.dialect.name == "sqlite" else _wallet.c.season_id) == season_id
    hour = _hour_text(conn)
    partner = sa.func.coalesce(_entry.c.partner_id, 0)

    def tail(*which: sa.ColumnElement[bool]) -> sa.Select[tuple[str, str, str, int, int, int]]:
        return (sa.select(hour.label("bucket"), _wallet.c.envelope, _entry.c.kind, partner.label("partner_id"),
                          sa.func.count().label("entries"), sa.func.sum(_entry.c.amount_cents).label("cents"))
                .select_from(_joined).where(of_season, *which)
                .group_by(hour, _wallet.c.envelope, _entry.c.kind, partner))

    folded = sa.select(_total.c.month.label("bucket"), _total.c.envelope, _total.c.kind, _total.c.partner_id,
                       _total.c.entries, _total.c.cents).where(_total.c.season_id == season_id)
    rows: Any = conn.execute(sa.union_all(
        folded, tail(_entry.c.id > at_least, _entry.c.id > watermark),
        tail(_entry.c.id.in_(sa.select(_gap.c.entry_id))))).all()
    return _merged(rows)


def _merged(rows: Iterable[tuple[str, str, str, int, int, int]]) -> list[MonthTotal]:
    """Rows keyed by a month ("2026-10") or a UTC hour ("2026-10-31 22"), summed per Paris month."""
    sums: dict[tuple[str, str, str, int], tuple[int, int]] = {}
    months: dict[str, str] = {}
    for bucket, envelope, kind, partner_id, entries, cents in rows:
        if len(bucket) != 7:
            month = months.get(bucket)
            if month is None:
                month = months[bucket] = _paris_month(dt.datetime.strptime(bucket, "%Y-%m-%d %H"))
            bucket = month
        key = (bucket, envelope, kind, partner_id)
        before = sums.get(key)
        sums[key] = (entries, cents) if before is None else (before[0] + entries, before[1] + cents)
    return sorted(MonthTotal(m, e, k, int(p), int(n), int(c)) for (m, e, k, p), (n, c) in sums.items())


def direct_totals(session: Session, season_id: int) -> list[MonthTotal]:
    """The same figures aggregated from the whole ledger, nothing folded (tests and checks)."""
    conn = session.connection()
    hour = _hour_text(conn)
    partner = sa.func.coalesce(_entry.c.partner_id, 0)
    rows = conn.execute(
        sa.select(hour, _wallet.c.envelope, _entry.c.kind, partner, sa.func.count(), sa.func.sum(_entry.c.amount_cents))
        .select_from(_joined).where(_wallet.c.season_id == season_id)
        .group_by(hour, _wallet.c.envelope, _entry.c.kind, partner)
    ).all()
    return _merged(rows)
