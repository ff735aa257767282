"""Monthly totals of the ledger, folded incrementally for the statistics (see ledger_totals.py).

They are a cache of the append-only ledger: dropping them and folding again gives the same figures.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class LedgerMonthTotal(SQLModel, table=True):
    """The entries of one (season, Paris month, envelope, kind, partner) folded so far. A payment's
    debit and its cancellation's refund count in the month of the payment (a cancelled payment then
    leaves its month's spending, as on the partners' statements); partner_id 0: no partner."""

    __tablename__ = "ledger_month_total"
    __table_args__ = (
        sa.UniqueConstraint("season_id", "month", "envelope", "kind", "partner_id", name="ledger_month_total_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="season.id")
    month: str = Field(sa_type=sa.String(7))  # "2026-10"
    envelope: str = Field(sa_type=sa.String(20))
    kind: str = Field(sa_type=sa.String(16))
    partner_id: int = 0
    entries: int = 0
    cents: int = Field(default=0, sa_type=sa.BigInteger())


class LedgerFold(SQLModel, table=True):
    """One row: every ledger entry with id <= last_entry_id is folded, except the ids in
    LedgerFoldGap (not visible when the watermark passed them: in flight, or never committed)."""

    __tablename__ = "ledger_fold"

    id: int = Field(default=1, primary_key=True)
    last_entry_id: int = 0


class LedgerFoldGap(SQLModel, table=True):
    __tablename__ = "ledger_fold_gap"

    entry_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
