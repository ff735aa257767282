"""Outgoing e-mail: SMTP when CJEUNE_SMTP_URL is set, else `.eml` files in `<data_dir>/outbox/`.
(SMS: notifications/sms.py, delivered by the same courier thread.)

Two ways to send:
- `send_email(...)` delivers now (command-line tools, tests);
- `queue_email(session, ...)` delivers after the session's transaction commits, from a
  background thread: no mail goes out for a change that was rolled back, and a request's
  response time does not depend on whether a mail was sent (the "mot de passe oublié"
  answer must not reveal whether an address has an account).

CJEUNE_SMTP_URL forms: `smtp://host:25`, `smtp+starttls://user:password@host:587`,
`smtps://user:password@host:465`. CJEUNE_MAIL_FROM sets the sender.
"""

from __future__ import annotations

import atexit
import html
import logging
import os
import queue
import smtplib
import ssl
import threading
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy import event
from sqlmodel import Session

from cjeune_app.core.notifications.models import Channel, SentMessage
from cjeune_app.core.settings import data_dir, private_dir, settings
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 20


def public_url(path: str = "/") -> str:
    """Absolute link for e-mails and letters: CJEUNE_PUBLIC_URL + path."""
    base = settings().public_url.rstrip("/")
    return base + "/" + path.lstrip("/")


def outbox_dir() -> Path:
    return private_dir(data_dir() / "outbox")


def build_message(to: str, subject: str, text: str, html: str | None = None,
                  headers: dict[str, str] | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings().mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="cjeunedeprovence.fr")
    for name, value in (headers or {}).items():  # List-Unsubscribe of the optional e-mails
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


class Outgoing(Protocol):
    """Something the courier delivers after a commit: an e-mail, an SMS."""

    def deliver(self) -> None: ...

    def keep_failed(self) -> None: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class _Delivery:
    """An e-mail with the transport chosen when it was queued (the environment may change after).
    The message itself is built by the courier, after the commit: Python's e-mail headers are slow to
    build (2.7 ms of CPU a notice on the build machine), and neither the transaction's locks nor the
    family's answer need wait for them."""

    to: str
    subject: str
    text: str
    html: str | None
    headers: dict[str, str] | None
    smtp_url: str | None
    outbox: Path

    def message(self) -> EmailMessage:
        return build_message(self.to, self.subject, self.text, self.html, self.headers)

    def deliver(self) -> None:
        _deliver(self)

    def keep_failed(self) -> None:
        _write_eml(self.outbox / "failed", self.message())

    def describe(self) -> str:
        return f"e-mail « {self.subject} »"


def _delivery(to: str, subject: str, text: str, html: str | None = None,
              headers: dict[str, str] | None = None) -> _Delivery:
    return _Delivery(to, subject, text, html, headers, settings().smtp_url or None, outbox_dir())


def send_email(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Deliver one message now. Raises if the SMTP server refuses it."""
    _deliver(_delivery(to, subject, text, html))


def queue_email(session: Session, to: str, subject: str, text: str, html: str | None = None,
                headers: dict[str, str] | None = None) -> None:
    """Deliver once `session` commits; forgotten if it rolls back."""
    queue_after_commit(session, _delivery(to, subject, text, html, headers))
    session.add(SentMessage(channel=Channel.EMAIL, recipient=to.strip().lower()[:254], subject=subject[:250]))


SIGNATURE = "L'équipe CJeune de Provence — Département des Bouches-du-Rhône"
HELP_LINE = f"Besoin d'aide ? {ASSISTANCE_PHONE} ou {ASSISTANCE_EMAIL}"


def queue_notice(session: Session, to: str, subject: str, paragraphs: list[str],
                 link: str | None = None, link_label: str = "", *, unsubscribe: Unsubscribe | None = None) -> None:
    """The house style of our e-mails: greeting, paragraphs, one link, help line, signature. An
    optional e-mail (not a service message) gives `unsubscribe`: a last paragraph with the link to
    its French page, and the one-click headers of RFC 8058 pointing at the address taking the POST."""
    greeting = "Bonjour,"
    text_parts = [greeting, *paragraphs]
    if link:
        text_parts.append(f"{link_label} :\n{link}")
    text_parts += [HELP_LINE, SIGNATURE]
    html_parts = [f"<p>{html.escape(p)}</p>" for p in [greeting, *paragraphs]]
    if link:
        html_parts.append(f'<p><a href="{html.escape(link)}">{html.escape(link_label)}</a></p>')
    html_parts.append(f"<p>{html.escape(HELP_LINE)}<br>{html.escape(SIGNATURE)}</p>")
    headers = None
    if unsubscribe is not None:
        text_parts.append(f"{UNSUBSCRIBE_SENTENCE} :\n{unsubscribe.page_url}")
        html_parts.append(f'<p><small>{html.escape(UNSUBSCRIBE_SENTENCE)} : '
                          f'<a href="{html.escape(unsubscribe.page_url)}">se désabonner</a></small></p>')
        headers = {"List-Unsubscribe": f"<{unsubscribe.one_click_url}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    queue_email(session, to, subject, "\n\n".join(text_parts) + "\n", "\n".join(html_parts), headers)


UNSUBSCRIBE_SENTENCE = ("Vous recevez ce message parce que vous avez accepté les informations par e-mail. "
                        "Pour ne plus en recevoir, en un clic")


@dataclass(frozen=True)
class Unsubscribe:
    page_url: str  # the French page that confirms (GET shows it, nothing changes)
    one_click_url: str  # what a mail client POSTs "List-Unsubscribe=One-Click" to


def queue_after_commit(session: Session, outgoing: Outgoing) -> None:
    """Hand `outgoing` to the courier once `session` commits; forgotten if it rolls back."""
    session.connection()  # starts the transaction if need be: a rollback then always drops it
    pending = session.info.setdefault("cjeune_outgoing_mail", [])
    if not session.info.get("cjeune_mail_hooks"):
        event.listen(session, "after_commit", _hand_over_after_commit)
        event.listen(session, "after_rollback", _drop_after_rollback)
        session.info["cjeune_mail_hooks"] = True
    pending.append(outgoing)


def _hand_over_after_commit(session: Session) -> None:
    for delivery in session.info.pop("cjeune_outgoing_mail", []):
        _courier().put(delivery)


def _drop_after_rollback(session: Session) -> None:
    session.info.pop("cjeune_outgoing_mail", None)


def _deliver(delivery: _Delivery) -> None:
    if delivery.smtp_url:
        _send_smtp(delivery.smtp_url, delivery.message())
    else:
        _write_eml(delivery.outbox, delivery.message())


def _write_eml(folder: Path, message: EmailMessage) -> Path:
    private_dir(folder)
    # The sortable prefix keeps the files in sending order; the uuid avoids collisions.
    name = f"{uuid.uuid1().time:020d}-{uuid.uuid4().hex[:8]}.eml"
    path = folder / name
    temporary = path.with_suffix(".tmp")
    # Readable by the app's user only: a message may carry a live sign-in or reset link.
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as file:
        file.write(message.as_bytes())
    temporary.replace(path)  # a reader never sees half a message
    return path


def _send_smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtps", "smtp+starttls"}:
        raise ValueError(f"CJEUNE_SMTP_URL : schéma inconnu « {scheme} » (smtp, smtps ou smtp+starttls).")
    host = parts.hostname or "localhost"
    client: smtplib.SMTP
    if scheme == "smtps":
        client = smtplib.SMTP_SSL(host, parts.port or 465, timeout=SMTP_TIMEOUT_SECONDS,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


class _Courier:
    """One background thread that delivers queued messages in order."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Outgoing] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="cjeune-mail", daemon=True)
        self._thread.start()

    def put(self, delivery: Outgoing) -> None:
        self._queue.put(delivery)

    def join(self) -> None:
        self._queue.join()

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            try:
                delivery.deliver()
            except Exception:
                # Kept for an operator to resend; the user can also ask for a new link or code.
                log.exception("Not delivered, kept in outbox/failed: %s", delivery.describe())
                try:
                    delivery.keep_failed()
                except OSError:
                    log.exception("Could not keep the undelivered message")
            finally:
                self._queue.task_done()


_courier_instance: _Courier | None = None
_courier_lock = threading.Lock()


def _courier() -> _Courier:
    global _courier_instance
    with _courier_lock:
        if _courier_instance is None:
            _courier_instance = _Courier()
        return _courier_instance


def wait_for_queued_mail() -> None:
    """Block until every queued message has been delivered (tests, and before a process exits)."""
    if _courier_instance is not None:
        _courier_instance.join()


atexit.register(wait_for_queued_mail)
