"""Identity photos of pupils. Minimal for now: the cards need to know whether a usable one exists."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class Photo(SQLModel, table=True):
    __tablename__ = "photo"

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    status: str = Field(default="pending", sa_type=sa.String(12))  # pending, validated, rejected
    created_at: dt.datetime = Field(default_factory=utcnow)
