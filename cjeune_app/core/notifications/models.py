"""What was sent to whom: the assistance shows a family the e-mails (and SMS) it was sent."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class SentMessage(SQLModel, table=True):
    """One row per e-mail handed over for delivery, per SMS delivered (the subject, never the
    body: links in bodies carry one-time tokens, SMS verification codes)."""

    __tablename__ = "sent_message"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(default=Channel.EMAIL, sa_type=sa.String(8))  # Channel
    recipient: str = Field(sa_type=sa.String(254), index=True)  # lower-case e-mail, or E.164 number
    subject: str = Field(default="", sa_type=sa.String(250))
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
