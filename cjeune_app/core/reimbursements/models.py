"""Partners' bank details and the monthly reimbursement batches (SEPA credit transfers), in cents.

A batch claims each payment (and each cancellation) it reimburses as one `ReimbursementItem`; the
database refuses a second claim of the same movement (unique payment and kind), so a payment is
never reimbursed twice, whatever the number of batches or of agents preparing at once.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class BatchStatus(StrEnum):
    PREPARED = "prepared"  # lines computed, to be checked by an agent
    GENERATED = "generated"  # the pain.001 file exists: lines are frozen
    SENT = "sent"  # the file was handed to the bank


class ItemKind(StrEnum):
    PAYMENT = "payment"  # + the payment's amount
    CANCELLATION = "cancellation"  # - the payment's amount


class PartnerBankAccount(SQLModel, table=True):
    """Where the Département sends a partner's reimbursements (one account per structure)."""

    __tablename__ = "partner_bank_account"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", unique=True, index=True)
    holder_name: str = Field(sa_type=sa.String(70))  # SEPA allows 70 characters
    iban: str = Field(sa_type=sa.String(34))  # compact, upper case
    bic: str = Field(sa_type=sa.String(11))
    updated_at: dt.datetime = Field(default_factory=utcnow)
    updated_by_account_id: int | None = Field(default=None, foreign_key="account.id")


class ReimbursementBatch(SQLModel, table=True):
    """One per month: the partners' net amounts of the movements up to the end of that month."""

    __tablename__ = "reimbursement_batch"
    __table_args__ = (sa.CheckConstraint("total_cents >= 0", name="total_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(sa_type=sa.String(7), unique=True, index=True)  # "2026-10"
    status: str = Field(default=BatchStatus.PREPARED, sa_type=sa.String(12))  # BatchStatus
    total_cents: int = 0
    lines_count: int = 0
    prepared_at: dt.datetime = Field(default_factory=utcnow)
    prepared_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    generated_at: dt.datetime | None = None
    message_id: str | None = Field(default=None, sa_type=sa.String(35))
    execution_date: dt.date | None = None
    transfer_xml: str | None = Field(default=None, sa_type=sa.Text)  # the pain.001 file, as generated
    sent_at: dt.datetime | None = None
    sent_by_account_id: int | None = Field(default=None, foreign_key="account.id")


class ReimbursementLine(SQLModel, table=True):
    """One transfer of a batch: a partner's net amount, to the bank details known at preparation."""

    __tablename__ = "reimbursement_line"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "partner_id", name="reimbursement_line_one_per_partner"),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="reimbursement_batch.id", index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    amount_cents: int
    payments_count: int = 0
    cancellations_count: int = 0
    holder_name: str = Field(sa_type=sa.String(70))
    iban: str = Field(sa_type=sa.String(34))
    bic: str = Field(sa_type=sa.String(11))


class ReimbursementItem(SQLModel, table=True):
    """A payment or a cancellation reimbursed by a batch (amount signed: cancellations negative).

    Items are only written by `batches.prepare_batch`, copied from the payments in the same
    statement as their batch is created, some hundred thousand per batch: they carry no foreign key
    (on PostgreSQL each would check and lock the referenced row once per item: most of a batch's
    time). The batch is created in that transaction and never deleted; the payment is never deleted
    (the append-only ledger references it); partner_id is the payment's. The unique
    (payment_id, kind) is what reimburses a movement once."""

    __tablename__ = "reimbursement_item"
    __table_args__ = (
        sa.UniqueConstraint("payment_id", "kind", name="reimbursement_item_once"),
        sa.Index("ix_reimbursement_item_batch_partner", "batch_id", "partner_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int  # no foreign key: see above
    partner_id: int  # the payment's partner
    payment_id: int
    kind: str = Field(sa_type=sa.String(12))  # ItemKind
    amount_cents: int
