from __future__ import annotations

import pytest

from tests.support.mail import Outbox
from tests.support.sms_provider import API_KEY, SmsProvider


@pytest.fixture
def sms_provider(db_url, monkeypatch):
    """A real local HTTP server playing Brevo; the application sends its SMS there."""
    server = SmsProvider().start()
    monkeypatch.setenv("CJEUNE_SMS_API_URL", server.url)
    monkeypatch.setenv("CJEUNE_SMS_API_KEY", API_KEY)
    yield server
    server.stop()


@pytest.fixture
def outbox(db_url, monkeypatch) -> Outbox:
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    return Outbox()
