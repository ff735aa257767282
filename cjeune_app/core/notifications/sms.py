"""Outgoing SMS through one interface, `SmsSender`, chosen by the settings:

- no CJEUNE_SMS_API_URL (development, tests of the rules): each SMS is a text file in
  `<data_dir>/outbox/sms/`, next to the e-mail outbox;
- CJEUNE_SMS_API_URL set (e.g. https://api.brevo.com) with CJEUNE_SMS_API_KEY: Brevo's transactional
  SMS API, `POST /v3/transactionalSMS/sms` with the `api-key` header (https://developers.brevo.com/).

`queue_sms(session, ...)` sends after the session commits, from the courier thread of the
e-mails, which then logs it: the answer to a request takes the same time whether an SMS left
or not (a code asked for a number no school knows must look exactly like one that was sent).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from cjeune_app.core.notifications.api import outbox_dir, queue_after_commit
from cjeune_app.core.notifications.models import Channel, SentMessage
from cjeune_app.core.settings import private_dir, settings

SMS_TIMEOUT_SECONDS = 15
SMS_LOGGED_AS = "SMS (texte non conservé)"
log = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, to: str, text: str) -> None:
        """Send `text` to the mobile `to` (E.164, +33612345678). Raises when it is refused."""


def sms_outbox_dir() -> Path:
    return private_dir(outbox_dir() / "sms")


@dataclass(frozen=True)
class OutboxSms:
    """Development: one file per SMS (To:, blank line, the text), in sending order."""

    folder: Path

    def send(self, to: str, text: str) -> None:
        private_dir(self.folder)
        path = self.folder / f"{uuid.uuid1().time:020d}-{uuid.uuid4().hex[:8]}.txt"
        temporary = path.with_suffix(".tmp")
        # 0600: an SMS carries a one-time code.
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                       encoding="utf-8") as file:
            file.write(f"To: {to}\n\n{text}\n")
        temporary.replace(path)


class SmsRefused(RuntimeError):
    """The provider answered with an error: the SMS did not leave."""


@dataclass(frozen=True)
class BrevoSms:
    """Brevo (ex-Sendinblue) transactional SMS: JSON body, `api-key` header, 201 when accepted."""

    base_url: str
    api_key: str
    sender: str

    def send(self, to: str, text: str) -> None:
        body = {"sender": self.sender, "recipient": to.lstrip("+"), "content": text, "type": "transactional"}
        response = httpx.post(
            self.base_url.rstrip("/") + "/v3/transactionalSMS/sms",
            content=json.dumps(body, ensure_ascii=False).encode(),
            headers={"api-key": self.api_key, "accept": "application/json", "content-type": "application/json"},
            timeout=SMS_TIMEOUT_SECONDS,
        )
        if response.status_code >= 300:
            raise SmsRefused(f"Brevo answered {response.status_code}: {response.text[:200]}")


def sms_sender() -> SmsSender:
    config = settings()
    if config.sms_api_url:
        return BrevoSms(config.sms_api_url, config.sms_api_key, config.sms_sender)
    return OutboxSms(sms_outbox_dir())


def send_sms(to: str, text: str) -> None:
    """Send now (command-line tools, tests)."""
    sms_sender().send(to, text)


@dataclass(frozen=True)
class _SmsDelivery:
    sender: SmsSender  # chosen when queued: the environment may change after
    to: str
    text: str
    log_to: sa.Engine  # the database of the request that queued it
    sent: bool  # False: queued for the same work in the request, then dropped (see queue_sms)

    def deliver(self) -> None:
        if not self.sent:
            return
        self.sender.send(self.to, self.text)
        try:
            with Session(self.log_to) as session:
                session.add(SentMessage(channel=Channel.SMS, recipient=self.to[:254], subject=SMS_LOGGED_AS))
                session.commit()
        except sa.exc.SQLAlchemyError:  # it left: not to be kept as undelivered nor sent again
            log.exception("SMS sent but not logged: %s", self.describe())

    def keep_failed(self) -> None:
        OutboxSms(sms_outbox_dir() / "failed").send(self.to, self.text)

    def describe(self) -> str:
        return f"SMS to …{self.to[-2:]}"


def queue_sms(session: Session, to: str, text: str, *, sent: bool = True) -> None:
    """Send once `session` commits; forgotten if it rolls back. The log keeps the number and the
    time, never the text (a verification code must not outlive its SMS); it is written by the
    courier once the SMS has left. With `sent=False` nothing leaves, but the request does the
    very same work: a code asked for a number no school knows takes the time of one sent."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    queue_after_commit(session, _SmsDelivery(sms_sender(), to, text, engine, sent))
