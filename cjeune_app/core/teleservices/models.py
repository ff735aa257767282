"""Tables of the téléservices: campaign windows (per service and school year), each school's
openings (who, when), the bourse requests and the changes families make to the fiche."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow

BOURSE_STEP_COUNT = 3


class RequestStatus(StrEnum):
    DRAFT = "brouillon"
    TO_INSTRUCT = "a_instruire"
    INCOMPLETE = "incomplete"
    GRANTED = "accordee"
    REFUSED = "refusee"


class RequestChannel(StrEnum):
    ONLINE = "en_ligne"
    PAPER = "papier"  # a CERFA form brought to the office, recorded by the staff


class CampaignWindow(SQLModel, table=True):
    """The Département's window of one service for one school year, days in Paris time, both included."""

    __tablename__ = "teleservice_campaign"
    __table_args__ = (
        sa.UniqueConstraint("service", "season_code", name="campaign_one_per_year"),
        sa.CheckConstraint("opens_on <= closes_on", name="campaign_dates_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service: str = Field(sa_type=sa.String(32))  # catalogue.Teleservice
    season_code: str = Field(sa_type=sa.String(9))
    opens_on: dt.date
    closes_on: dt.date
    updated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    updated_at: dt.datetime = Field(default_factory=utcnow)


class ServiceOpening(SQLModel, table=True):
    """A school's choice for one service and school year: open or closed, by whom and when."""

    __tablename__ = "teleservice_opening"
    __table_args__ = (
        sa.UniqueConstraint("establishment_id", "service", "season_code", name="opening_one_per_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    establishment_id: int = Field(foreign_key="establishment.id", index=True)
    service: str = Field(sa_type=sa.String(32))
    season_code: str = Field(sa_type=sa.String(9))
    is_open: bool = False
    changed_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    changed_by_name: str = Field(default="", sa_type=sa.String(200))
    changed_at: dt.datetime = Field(default_factory=utcnow)


class BourseRequest(SQLModel, table=True):
    """One demande de bourse de collège per child and school year (online draft, sent, or on paper)."""

    __tablename__ = "bourse_request"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "season_code", name="bourse_one_per_child_and_year"),
        sa.CheckConstraint(f"current_step BETWEEN 1 AND {BOURSE_STEP_COUNT}", name="bourse_step_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    establishment_id: int = Field(foreign_key="establishment.id", index=True)
    season_code: str = Field(sa_type=sa.String(9), index=True)
    status: str = Field(default=RequestStatus.DRAFT, sa_type=sa.String(16), index=True)
    channel: str = Field(default=RequestChannel.ONLINE, sa_type=sa.String(8))
    current_step: int = 1
    # Step 1: the household
    guardians: str = Field(default="", sa_type=sa.String(200))  # the legal guardians of the household
    dependent_children: int | None = None
    # Step 2: resources
    rfr_euros: int | None = None
    avis_year: int | None = None
    avis_key: str | None = Field(default=None, sa_type=sa.String(32))  # private file, random name
    avis_media_type: str | None = Field(default=None, sa_type=sa.String(32))
    avis_size: int | None = None
    # Step 3 and sending
    estimated_echelon: int | None = None
    attested_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    reference: str | None = Field(default=None, sa_type=sa.String(20), unique=True)
    # The school's decision
    decided_echelon: int | None = None
    refusal_reason: str = Field(default="", sa_type=sa.String(300))
    missing_document: str = Field(default="", sa_type=sa.String(300))
    decided_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    decided_by_name: str = Field(default="", sa_type=sa.String(200))
    decided_at: dt.datetime | None = None
    created_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class ContactChange(SQLModel, table=True):
    """One correction made by a family on the fiche de renseignements (append-only)."""

    __tablename__ = "contact_change"

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    establishment_id: int = Field(foreign_key="establishment.id", index=True)
    subject: str = Field(sa_type=sa.String(120))  # "Élève", "Responsable : Sofia Martin"
    field: str = Field(sa_type=sa.String(40))  # the label of the field, as shown
    old_value: str = Field(default="", sa_type=sa.String(300))
    new_value: str = Field(default="", sa_type=sa.String(300))
    changed_by_account_id: int = Field(foreign_key="account.id")
    changed_at: dt.datetime = Field(default_factory=utcnow, index=True)


class PupilContact(SQLModel, table=True):
    """The pupil's own contact details kept by the school (checked by the family on the fiche)."""

    __tablename__ = "pupil_contact"

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", unique=True)
    mobile: str | None = Field(default=None, sa_type=sa.String(16))  # E.164
    email: str | None = Field(default=None, sa_type=sa.String(254))
    updated_at: dt.datetime = Field(default_factory=utcnow)
