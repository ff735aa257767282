"""Schools (collèges publics et privés, MFR, établissements médico-éducatifs...) and their pupils."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class Establishment(SQLModel, table=True):
    __tablename__ = "establishment"

    id: int | None = Field(default=None, primary_key=True)
    uai: str = Field(sa_type=sa.String(8), unique=True, index=True)  # code UAI, e.g. 0130001A
    name: str = Field(sa_type=sa.String(200))
    # college_public, college_prive, mfr, medico_educatif, autre
    kind: str = Field(sa_type=sa.String(32), default="college_public")
    commune_insee: str = Field(sa_type=sa.String(5))
    created_at: dt.datetime = Field(default_factory=utcnow)


class Pupil(SQLModel, table=True):
    """A collégien·ne as known from the school's records (imported by the school)."""

    __tablename__ = "pupil"
    __table_args__ = (  # the assistance finds a pupil by the start of a name, in any case
        sa.Index("ix_pupil_last_name_lower", sa.func.lower(sa.text("last_name"))),
        sa.Index("ix_pupil_first_name_lower", sa.func.lower(sa.text("first_name"))),
    )

    id: int | None = Field(default=None, primary_key=True)
    establishment_id: int = Field(foreign_key="establishment.id", index=True)
    last_name: str = Field(sa_type=sa.String(100))
    first_name: str = Field(sa_type=sa.String(100))
    birth_date: dt.date
    class_name: str = Field(sa_type=sa.String(32))  # classe: 6e A, 5e B...
    created_at: dt.datetime = Field(default_factory=utcnow)
