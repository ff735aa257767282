"""Physical cards: produced in batches for a school, associated to a pupil, blocked when lost."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class CardBatch(SQLModel, table=True):
    __tablename__ = "card_batch"

    id: int | None = Field(default=None, primary_key=True)
    establishment_id: int = Field(foreign_key="establishment.id", index=True)
    count: int
    created_at: dt.datetime = Field(default_factory=utcnow)


class Card(SQLModel, table=True):
    """The number printed under the QR code (Luhn check digit). The QR code holds only it."""

    __tablename__ = "card"
    __table_args__ = (
        # A youth pays with one card at a time: the database refuses a second active one.
        sa.Index(
            "uq_card_one_active_per_pupil", "pupil_id", unique=True,
            sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_type=sa.String(19), unique=True, index=True)
    batch_id: int | None = Field(default=None, foreign_key="card_batch.id", index=True)
    establishment_id: int | None = Field(default=None, foreign_key="establishment.id", index=True)
    status: str = Field(default="stock", sa_type=sa.String(12), index=True)  # stock, active, blocked
    pupil_id: int | None = Field(default=None, foreign_key="pupil.id", index=True)
    activated_at: dt.datetime | None = None
    blocked_at: dt.datetime | None = None
    blocked_reason: str | None = Field(default=None, sa_type=sa.String(32))  # perte, vol
    replaces_card_id: int | None = Field(default=None, foreign_key="card.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class CardAssociationAttempt(SQLModel, table=True):
    """One "Terminer" of "Associer une carte".

    Wrong numbers are kept to throttle guessing (5 in 15 minutes per account); a success keeps
    its idempotency key so that a retried request returns the first result.
    """

    __tablename__ = "card_association_attempt"
    __table_args__ = (
        sa.Index("ix_card_association_attempt_account_time", "account_id", "created_at"),
        # Covers the statistics' cards associated per day.
        sa.Index("ix_card_association_attempt_statistics", "season_id", "outcome", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    card_id: int | None = Field(default=None, foreign_key="card.id")
    season_id: int | None = Field(default=None, foreign_key="season.id")
    outcome: str = Field(sa_type=sa.String(16))  # success, unknown, taken, blocked
    idempotency_key: str | None = Field(default=None, sa_type=sa.String(128), unique=True)
    credited_cents: int = 0  # what this association credited (0: already credited this season)
    created_at: dt.datetime = Field(default_factory=utcnow)
