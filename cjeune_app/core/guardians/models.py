"""Guardians as the school knows them, and the one-time codes sent to their mobiles."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow

MAX_GUARDIANS_PER_PUPIL = 2


class GuardianRelation(StrEnum):
    """The "lien" of a responsable légal with the pupil."""

    MOTHER = "mere"
    FATHER = "pere"
    TUTOR = "tuteur"
    OTHER = "autre"


RELATION_LABELS = {
    GuardianRelation.MOTHER: "Mère",
    GuardianRelation.FATHER: "Père",
    GuardianRelation.TUTOR: "Tuteur ou tutrice",
    GuardianRelation.OTHER: "Autre responsable légal",
}


class Guardian(SQLModel, table=True):
    """One responsable légal of one pupil (rank 1 or 2), as imported or typed by the school.

    The same person, guardian of two siblings, has one row per pupil and the same mobile: the
    children of a guardian are the pupils of the rows with their mobile. `account_id` is the
    Parent account of that person once it exists (one account per person, set on every row)."""

    __tablename__ = "guardian"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "rank", name="guardian_rank_per_pupil"),
        sa.CheckConstraint(f"rank BETWEEN 1 AND {MAX_GUARDIANS_PER_PUPIL}", name="guardian_rank_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    rank: int = 1
    last_name: str = Field(sa_type=sa.String(100))
    first_name: str = Field(sa_type=sa.String(100))
    relation: str = Field(default=GuardianRelation.OTHER, sa_type=sa.String(12))  # GuardianRelation
    mobile: str | None = Field(default=None, sa_type=sa.String(16), index=True)  # E.164: +33612345678
    email: str | None = Field(default=None, sa_type=sa.String(254), index=True)  # lower case
    address: str = Field(default="", sa_type=sa.String(250))
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    # The school's letter way: when the last notification letter was issued (None: never).
    letter_issued_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PhoneCode(SQLModel, table=True):
    """One code sent (or, for a number no school knows, pretended to be sent) to a mobile.

    Only hashes are stored: of the number (the table says nothing about who asked), of the code
    (salted, compared in constant time) and of the proof handed out once the code was right.
    The rows are the counters of the brakes (codes per number, per address), so that the limits
    hold across every worker of the site."""

    __tablename__ = "phone_code"
    __table_args__ = (
        sa.Index("ix_phone_code_mobile_key_created_at", "mobile_key", "created_at"),
        sa.Index("ix_phone_code_source_ip_created_at", "source_ip", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mobile_key: str = Field(sa_type=sa.String(64))  # hmac-sha256 of the E.164 number
    source_ip: str = Field(sa_type=sa.String(45))
    code_hash: str = Field(sa_type=sa.String(64))
    salt: str = Field(sa_type=sa.String(32))
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    wrong_tries: int = 0
    verified_at: dt.datetime | None = None  # the right code was typed (a code works once)
    proof_hash: str | None = Field(default=None, sa_type=sa.String(64), unique=True, index=True)
    proof_expires_at: dt.datetime | None = None
    date_tries: int = 0  # wrong sets of birth dates given with this proof
    dates_verified_at: dt.datetime | None = None
    used_at: dt.datetime | None = None  # the proof opened or linked an account: it is spent
