"""Accounts of every role, their sessions and one-time tokens."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class Account(SQLModel, table=True):
    """Whoever signs in. `login` is the Eduprovence identifier for pupils, the e-mail otherwise."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    role: str = Field(sa_type=sa.String(16), index=True)  # enums.Role
    login: str = Field(sa_type=sa.String(254), unique=True, index=True)  # lower case
    email: str | None = Field(default=None, sa_type=sa.String(254))
    first_name: str = Field(default="", sa_type=sa.String(100))
    last_name: str = Field(default="", sa_type=sa.String(100))
    password_hash: str | None = Field(default=None, sa_type=sa.String(255))  # argon2id
    # A school-issued temporary password must be replaced at first sign-in.
    must_change_password: bool = False
    is_active: bool = True
    email_verified_at: dt.datetime | None = None
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    pupil_id: int | None = Field(default=None, foreign_key="pupil.id", unique=True)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    establishment_id: int | None = Field(default=None, foreign_key="establishment.id", index=True)
    birth_date: dt.date | None = None  # Jeune
    commune_insee: str | None = Field(default=None, sa_type=sa.String(5))  # Jeune
    created_at: dt.datetime = Field(default_factory=utcnow)


class ParentLink(SQLModel, table=True):
    """A parent account sees the pupils linked to it, and only those."""

    __tablename__ = "parent_link"
    __table_args__ = (sa.UniqueConstraint("parent_account_id", "pupil_id"),)

    id: int | None = Field(default=None, primary_key=True)
    parent_account_id: int = Field(foreign_key="account.id", index=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)


class AuthSession(SQLModel, table=True):
    """A signed-in browser or device. Only a hash of the token is stored."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(sa_type=sa.String(64), unique=True, index=True)
    remember: bool = False  # "Rester connecté ?"
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None


class TokenPurpose(StrEnum):
    """What a one-time link is for."""

    ACTIVATION = "activation"
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    # Sign-in tickets: the page's websocket cannot set the HttpOnly session cookie, so the last
    # step of the sign-in hands the browser a ticket that one HTTP request exchanges for it.
    SIGN_IN = "sign_in"
    SIGN_IN_REMEMBERED = "sign_in_remembered"


class AttemptOutcome(StrEnum):
    """How a sign-in try ended, as the brakes on guessing count it."""

    SUCCESS = "success"
    FAILURE = "failure"
    LOCKED = "locked"
    THROTTLED = "throttled"


class OneTimeToken(SQLModel, table=True):
    """Activation, e-mail verification and password reset links. Only a hash is stored."""

    __tablename__ = "one_time_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    purpose: TokenPurpose = Field(sa_type=sa.String(24))
    token_hash: str = Field(sa_type=sa.String(64), unique=True, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """One sign-in try, kept a day: it throttles a flood from one address and locks unknown
    identifiers exactly like real ones (so that a lock never reveals that an account exists)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_source_ip_created_at", "source_ip", "created_at"),
        sa.Index("ix_login_attempt_login_key_created_at", "login_key", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_ip: str = Field(sa_type=sa.String(45))
    login_key: str = Field(sa_type=sa.String(64))  # sha256 of the normalized identifier
    outcome: AttemptOutcome = Field(sa_type=sa.String(12))
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)


class EmailChange(SQLModel, table=True):
    """"Mon compte": a new e-mail address waiting for its confirmation link (sent to the new
    address). The account's address changes only when the link is opened; only a hash is kept."""

    __tablename__ = "email_change"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    new_email: str = Field(sa_type=sa.String(254))
    token_hash: str = Field(sa_type=sa.String(64), unique=True, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class DeletionRequest(SQLModel, table=True):
    """A person asked, from "Mon compte", that the account be deleted: recorded for the agents,
    who handle it (legal retention of the money's history first)."""

    __tablename__ = "deletion_request"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    requested_at: dt.datetime = Field(default_factory=utcnow)
    handled_at: dt.datetime | None = None
