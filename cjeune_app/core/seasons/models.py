"""A season is a school year with the amounts of its envelopes (data, not code)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class Season(SQLModel, table=True):
    __tablename__ = "season"
    __table_args__ = (
        sa.CheckConstraint("starts_on < ends_on", name="dates_ordered"),
        sa.CheckConstraint("sport_culture_cents >= 0 AND soutien_scolaire_cents >= 0",
                           name="amounts_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=sa.String(9), unique=True, index=True)  # "2026-2027"
    starts_on: dt.date  # 1 September
    ends_on: dt.date  # 31 August, last day included
    sport_culture_cents: int = 10_000
    soutien_scolaire_cents: int = 5_000
    closed_at: dt.datetime | None = None  # remaining credits expired by close-season
    created_at: dt.datetime = Field(default_factory=utcnow)
