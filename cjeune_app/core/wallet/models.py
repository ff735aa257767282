"""Wallets (one per youth, season and envelope) and their append-only ledger, in cents."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class Wallet(SQLModel, table=True):
    """balance_cents is kept by the database: a trigger adds each ledger entry to it, another
    refuses any balance that differs from the sum of the entries (migration wallet_ledger_guards)."""

    __tablename__ = "wallet"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "season_id", "envelope", name="wallet_one_per_envelope"),
        # The database refuses a negative balance even if code forgot to check.
        sa.CheckConstraint("balance_cents >= 0", name="balance_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    season_id: int = Field(foreign_key="season.id", index=True)
    envelope: str = Field(sa_type=sa.String(20))  # enums.Envelope
    balance_cents: int = 0
    created_at: dt.datetime = Field(default_factory=utcnow)


class LedgerEntry(SQLModel, table=True):
    """Never updated nor deleted: a wallet's balance is the sum of its entries."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        sa.CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
        # Money comes in only by credit, refund or transfer in; it goes out only by debit,
        # expiry or transfer out.
        sa.CheckConstraint(
            "(kind IN ('credit', 'refund', 'transfer_in', 'correction_in') AND amount_cents > 0)"
            " OR (kind IN ('debit', 'expiry', 'transfer_out', 'correction_out') AND amount_cents < 0)",
            name="sign_matches_kind",
        ),
        # A wallet (youth, season, envelope) receives its season's credit once, whatever the key.
        sa.Index(
            "uq_ledger_entry_one_credit_per_wallet", "wallet_id", unique=True,
            sqlite_where=sa.text("kind = 'credit'"), postgresql_where=sa.text("kind = 'credit'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    wallet_id: int = Field(foreign_key="wallet.id", index=True)
    # credit, debit, refund, expiry, transfer_out, transfer_in
    kind: str = Field(sa_type=sa.String(16))
    amount_cents: int  # signed: credits positive, debits negative
    # A retried operation finds its first result under the same key.
    idempotency_key: str = Field(sa_type=sa.String(128), unique=True, index=True)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    payment_id: int | None = Field(default=None, foreign_key="payment.id", index=True)
    card_id: int | None = Field(default=None, foreign_key="card.id")
    refund_of_id: int | None = Field(default=None, foreign_key="ledger_entry.id", index=True)
    label: str = Field(default="", sa_type=sa.String(200))
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
