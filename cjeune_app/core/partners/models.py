"""Partner structures, their bons plans, payments taken on cards and API keys."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class Partner(SQLModel, table=True):
    __tablename__ = "partner"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(200))
    kind: str = Field(sa_type=sa.String(16))  # enums.PartnerKind
    siret: str = Field(sa_type=sa.String(14), unique=True, index=True)
    description: str = Field(default="", sa_type=sa.Text)
    address: str = Field(default="", sa_type=sa.String(250))
    postal_code: str = Field(default="", sa_type=sa.String(5))
    commune_insee: str = Field(sa_type=sa.String(5), index=True)
    latitude: float | None = None
    longitude: float | None = None
    contact_email: str = Field(default="", sa_type=sa.String(254))
    phone: str = Field(default="", sa_type=sa.String(20))
    website: str = Field(default="", sa_type=sa.String(250))
    # pending (e-mail to verify or waiting for an agent), validated, rejected
    status: str = Field(default="pending", sa_type=sa.String(12), index=True)
    rejection_reason: str | None = Field(default=None, sa_type=sa.String(500))
    validated_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PartnerCategory(SQLModel, table=True):
    """The categories decide which envelope a partner may debit."""

    __tablename__ = "partner_category"
    __table_args__ = (sa.UniqueConstraint("partner_id", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    category: str = Field(sa_type=sa.String(20), index=True)  # enums.Category


class Offer(SQLModel, table=True):
    """A bon plan. It is shown between starts_on and expires_at, and never after."""

    __tablename__ = "offer"
    __table_args__ = (sa.CheckConstraint("starts_at < expires_at", name="dates_ordered"),)

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    title: str = Field(sa_type=sa.String(200))
    description: str = Field(default="", sa_type=sa.Text)
    discount_text: str = Field(default="", sa_type=sa.String(100))  # "-10 €", "-20 %"
    price_cents: int | None = None
    category: str = Field(sa_type=sa.String(20))
    commune_insee: str = Field(sa_type=sa.String(5), index=True)
    starts_at: dt.datetime
    expires_at: dt.datetime = Field(index=True)
    published: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Payment(SQLModel, table=True):
    """A payment taken by a partner on a card. Cancelling re-credits the card."""

    __tablename__ = "payment"
    __table_args__ = (
        sa.UniqueConstraint("partner_id", "idempotency_key", name="payment_idempotency"),
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        # Covers the back office's statistics (a season's kept payments by month, envelope, partner):
        # the database reads this index alone, never the rows.
        sa.Index("ix_payment_statistics", "status", "created_at", "partner_id", "envelope", "amount_cents"),
        # Covers the monthly reimbursement batch's payments taken before the end of the month.
        sa.Index("ix_payment_reimbursement", "created_at", "partner_id", "amount_cents", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    card_id: int = Field(foreign_key="card.id", index=True)
    wallet_id: int = Field(foreign_key="wallet.id", index=True)
    envelope: str = Field(sa_type=sa.String(20))
    amount_cents: int
    status: str = Field(default="accepted", sa_type=sa.String(12))  # accepted, cancelled
    idempotency_key: str = Field(sa_type=sa.String(128))
    request_fingerprint: str = Field(default="", sa_type=sa.String(64))  # same key, other body: 409
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    cancelled_at: dt.datetime | None = None


class ApiKey(SQLModel, table=True):
    """A partner's API key: its secret is shown once, only a hash is kept."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    label: str = Field(default="", sa_type=sa.String(100))
    prefix: str = Field(sa_type=sa.String(16), unique=True, index=True)
    secret_hash: str = Field(sa_type=sa.String(64))
    created_at: dt.datetime = Field(default_factory=utcnow)
    revoked_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None
