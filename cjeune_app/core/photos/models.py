"""Photos d'identité: one current photo per pupil, reviewed by an agent."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow

MAX_REASON_LENGTH = 300  # what an agent writes when refusing a photo


class PhotoStatus(StrEnum):
    """Where a pupil's photo stands; MISSING is never stored (no current photo at all)."""

    MISSING = "missing"
    PENDING = "pending"
    VALIDATED = "validated"
    REJECTED = "rejected"


class Photo(SQLModel, table=True):
    """The processed 413×531 JPEG lives in the private photo folder under `storage_key`."""

    __tablename__ = "photo"

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    storage_key: str = Field(sa_type=sa.String(32), unique=True)
    status: str = Field(default=PhotoStatus.PENDING, sa_type=sa.String(12), index=True)  # PhotoStatus
    rejection_reason: str | None = Field(default=None, sa_type=sa.String(MAX_REASON_LENGTH))
    reviewed_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    reviewed_at: dt.datetime | None = None
    # A newer photo of the same pupil replaces this one (kept for the record, never shown).
    superseded_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
