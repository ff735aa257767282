"""A pupil's enrollment for one season (the stepper). Minimal for now: the cards need its status."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class Enrollment(SQLModel, table=True):
    __tablename__ = "enrollment"
    __table_args__ = (sa.UniqueConstraint("pupil_id", "season_id", name="enrollment_one_per_season"),)

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    season_id: int = Field(foreign_key="season.id", index=True)
    status: str = Field(default="draft", sa_type=sa.String(12))  # draft, completed
    completed_at: dt.datetime | None = None
    is_renewal: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow)
