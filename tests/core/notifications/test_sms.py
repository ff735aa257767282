"""Outgoing SMS: the local outbox by default, Brevo's API (a real local server) when configured,
only after a commit."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from cjeune_app.core.db import engine_for
from cjeune_app.core.notifications import queue_sms, send_sms, sms_outbox_dir, wait_for_queued_mail
from cjeune_app.core.notifications.sms import SmsRefused
from tests.support.sms_provider import API_KEY, SmsProvider, outbox_sms


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CJEUNE_SMS_API_URL", raising=False)
    return tmp_path / "data"


@pytest.fixture
def provider(data_dir, monkeypatch):
    server = SmsProvider().start()
    monkeypatch.setenv("CJEUNE_SMS_API_URL", server.url)
    monkeypatch.setenv("CJEUNE_SMS_API_KEY", API_KEY)
    yield server
    server.stop()


def test_without_provider_sms_are_written_next_to_the_e_mail_outbox(data_dir):
    send_sms("+33612345678", "Votre code CJeune : 123456")
    assert outbox_sms() == [("+33612345678", "Votre code CJeune : 123456")]
    assert sms_outbox_dir() == data_dir / "outbox" / "sms"
    assert oct(sms_outbox_dir().stat().st_mode & 0o777) == "0o700"


def test_with_provider_the_sms_goes_to_brevo_s_api(provider):
    send_sms("+33612345678", "Votre code CJeune : 123456")
    [received] = provider.received
    assert received.recipient == "33612345678"
    assert received.content == "Votre code CJeune : 123456"
    assert (received.sender, received.type, received.api_key) == ("CJeune13", "transactional", API_KEY)
    assert outbox_sms() == []


def test_a_refusal_of_the_provider_is_an_error(provider, monkeypatch):
    monkeypatch.setenv("CJEUNE_SMS_API_KEY", "wrong-key")
    with pytest.raises(SmsRefused):
        send_sms("+33612345678", "x")


def test_queued_sms_leave_after_commit_only(provider, db_url):
    engine = engine_for(db_url)
    with Session(engine) as session:
        queue_sms(session, "+33611111111", "annulé")
        session.rollback()
    with Session(engine) as session:
        queue_sms(session, "+33622222222", "envoyé")
        wait_for_queued_mail()
        assert provider.received == []
        session.commit()
    wait_for_queued_mail()
    assert [r.content for r in provider.received] == ["envoyé"]


def test_an_sms_the_provider_refuses_is_kept_in_the_failed_folder(provider, db_url):
    provider.fail_with = 500
    with Session(engine_for(db_url)) as session:
        queue_sms(session, "+33612345678", "code 654321")
        session.commit()
    wait_for_queued_mail()
    [kept] = list((sms_outbox_dir() / "failed").glob("*.txt"))
    assert "code 654321" in kept.read_text(encoding="utf-8")
