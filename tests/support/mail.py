"""Reading the e-mails the application sent: the local outbox folder, or a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from cjeune_app.core.notifications import outbox_dir, wait_for_queued_mail

LINK = re.compile(r"https?://[^\s<>\"]+")


def body_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return LINK.findall(body_text(message))


def token_from(link: str) -> str:
    return link.split("jeton=", 1)[1]


class Outbox:
    """The `.eml` files written when no SMTP server is configured."""

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        wait_for_queued_mail()
        found = [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(outbox_dir().glob("*.eml"))
        ]
        return [m for m in found if to is None or m["To"] == to]

    def last(self, to: str) -> EmailMessage:
        messages = self.messages(to)
        assert messages, f"aucun e-mail pour {to}"
        return messages[-1]


class _Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on a free local port (aiosmtpd), collecting what it receives."""

    def __init__(self) -> None:
        self.port = free_port()
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        wait_for_queued_mail()
        return [m for m in self._collector.messages if to is None or m["To"] == to]
