"""Manual ledger corrections: proposed by one agent, approved by another (four eyes)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class CorrectionStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"  # the ledger entry exists
    REFUSED = "refused"


CORRECTION_STATUS_LABELS = {
    CorrectionStatus.PROPOSED: "À approuver",
    CorrectionStatus.APPROVED: "Approuvée",
    CorrectionStatus.REFUSED: "Refusée",
}


class LedgerCorrection(SQLModel, table=True):
    """`amount_cents` signed: positive credits the envelope, negative debits it. The money moves
    only at approval, through the ledger (wallet.api.correct), under the key `correction:<id>`."""

    __tablename__ = "ledger_correction"
    __table_args__ = (
        sa.CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
        # The database itself refuses an approval by the agent who proposed.
        sa.CheckConstraint("decided_by_account_id IS NULL OR decided_by_account_id <> proposed_by_account_id",
                           name="four_eyes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    season_id: int = Field(foreign_key="season.id")
    envelope: str = Field(sa_type=sa.String(20))  # enums.Envelope
    amount_cents: int
    reason: str = Field(sa_type=sa.String(500))
    status: str = Field(default=CorrectionStatus.PROPOSED, sa_type=sa.String(12), index=True)
    proposed_by_account_id: int = Field(foreign_key="account.id")
    proposed_at: dt.datetime = Field(default_factory=utcnow)
    decided_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    decided_at: dt.datetime | None = None
    decision_note: str = Field(default="", sa_type=sa.String(500))
    ledger_entry_id: int | None = Field(default=None, foreign_key="ledger_entry.id")
