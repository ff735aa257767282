"""A pupil's enrollment for one season (the four-step form) and the consent ledger.

The table keeps the names of the minimal `enrollment` table the cards rely on (pupil_id,
season_id, status, completed_at, is_renewal, created_at) and adds the stepper's answers.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow

STEP_COUNT = 4
PHOTO_STEP = 3  # "Photo d'identité": may be passed without a photo, added later


class EnrollmentStatus(StrEnum):
    NOT_STARTED = "not_started"  # never stored: no enrollment row for the season yet
    DRAFT = "draft"
    COMPLETED = "completed"


class ConsentKind(StrEnum):
    OPTIN_EMAIL = "optin_email"  # news and "bons plans" by e-mail
    OPTIN_SMS = "optin_sms"  # information of the Département by SMS
    ATTESTATION = "attestation"  # "Je certifie être le représentant légal..."


def _text(length: int) -> Any:
    # Empty until the step is filled in; the server default lets the columns be added to
    # an existing table.
    return Field(default="", sa_type=sa.String(length), sa_column_kwargs={"server_default": ""})


class Enrollment(SQLModel, table=True):
    __tablename__ = "enrollment"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "season_id", name="enrollment_one_per_season"),
        sa.CheckConstraint(f"current_step BETWEEN 1 AND {STEP_COUNT}", name="current_step_range"),
        # The assistance finds a family by the guardian's e-mail or mobile.
        sa.Index("ix_enrollment_email", "email"),
        sa.Index("ix_enrollment_mobile", "mobile"),
        # Covers the statistics' enrollments per day and share per collège.
        sa.Index("ix_enrollment_statistics", "season_id", "status", "completed_at", "pupil_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    season_id: int = Field(foreign_key="season.id", index=True)
    status: str = Field(default=EnrollmentStatus.DRAFT, sa_type=sa.String(12))  # EnrollmentStatus
    current_step: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Step 1: the legal guardian
    guardian_last_name: str = _text(60)
    guardian_first_name: str = _text(60)
    # Step 2: coordonnées
    address_line: str = _text(120)
    address_complement: str = _text(120)
    postal_code: str = _text(5)
    commune_insee: str = _text(5)  # residence is decided on this code
    email: str = _text(254)
    mobile: str | None = Field(default=None, sa_type=sa.String(12))  # E.164: +33612345678
    # The boxes as last ticked. The *_at times are set when the choice becomes a recorded
    # consent (at completion, or when changed afterwards): a draft's boxes are not consent yet.
    optin_email: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    optin_email_at: dt.datetime | None = None
    optin_sms: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    optin_sms_at: dt.datetime | None = None
    # Step 4 and completion
    attested_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    is_renewal: bool = False  # the pupil completed an enrollment in an earlier season
    updated_at: dt.datetime | None = Field(default_factory=utcnow)
    created_at: dt.datetime = Field(default_factory=utcnow)


class ConsentRecord(SQLModel, table=True):
    """Append-only proof of each choice: what was asked (the exact sentence), the answer, when,
    and for which address or number. Never updated; a later change is a new row."""

    __tablename__ = "consent_record"

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", index=True)
    kind: str = Field(sa_type=sa.String(16))  # ConsentKind
    value: bool
    wording: str = Field(sa_type=sa.Text)  # the sentence beside the box, as shown
    contact: str | None = Field(default=None, sa_type=sa.String(254))  # e-mail or mobile concerned
    recorded_at: dt.datetime = Field(default_factory=utcnow)


class SeasonEndReminder(SQLModel, table=True):
    """"Il reste … à utiliser avant le …" sent for a youth's season, once per threshold (30 and
    7 days before the end): the unique key makes the daily command idempotent."""

    __tablename__ = "season_end_reminder"
    __table_args__ = (sa.UniqueConstraint("pupil_id", "season_id", "days_before", name="season_end_reminder_once"),)

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    season_id: int = Field(foreign_key="season.id")
    days_before: int
    sent_at: dt.datetime = Field(default_factory=utcnow)
