"""Outgoing e-mail: the local outbox by default, SMTP when configured, only after a commit."""

from __future__ import annotations

import email
import email.policy

import pytest
from sqlmodel import Session

from cjeune_app.core.db import engine_for
from cjeune_app.core.notifications import outbox_dir, public_url, queue_email, send_email, wait_for_queued_mail
from tests.support.mail import SmtpServer, body_text


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    return tmp_path / "data"


def read_outbox() -> list[email.message.EmailMessage]:
    wait_for_queued_mail()
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(outbox_dir().glob("*.eml"))]


def test_without_smtp_mail_is_written_to_the_outbox(data_dir):
    send_email("lea@exemple.fr", "Bienvenue à CJeune", "Bonjour Léa,\nà bientôt.", "<p>Bonjour Léa</p>")
    [message] = read_outbox()
    assert (message["To"], message["Subject"]) == ("lea@exemple.fr", "Bienvenue à CJeune")
    assert "CJeune de Provence" in message["From"]
    assert body_text(message) == "Bonjour Léa,\nà bientôt.\n"
    assert message.get_body(preferencelist=("html",)).get_content().strip() == "<p>Bonjour Léa</p>"
    assert (data_dir / "outbox").is_dir()


def test_with_smtp_url_mail_goes_to_the_server(data_dir, monkeypatch):
    server = SmtpServer()
    server.start()
    try:
        monkeypatch.setenv("CJEUNE_SMTP_URL", server.url)
        send_email("lea@exemple.fr", "Code", "Votre lien")
        [received] = server.messages()
        assert received["X-Envelope-To"] == "lea@exemple.fr" and body_text(received).strip() == "Votre lien"
        assert read_outbox() == []
    finally:
        server.stop()


def test_public_links_use_the_configured_address(monkeypatch):
    monkeypatch.delenv("CJEUNE_PUBLIC_URL", raising=False)
    assert public_url("/connexion") == "http://localhost:3000/connexion"
    monkeypatch.setenv("CJEUNE_PUBLIC_URL", "https://www.cjeunedeprovence.fr/")
    assert public_url("connexion/activation?jeton=x") == "https://www.cjeunedeprovence.fr/connexion/activation?jeton=x"


def test_queued_mail_leaves_only_when_the_transaction_commits(db_url, data_dir):
    with Session(engine_for(db_url)) as session:
        queue_email(session, "annule@exemple.fr", "Jamais envoyé", "x")
        session.rollback()
        queue_email(session, "valide@exemple.fr", "Envoyé", "y")
        assert read_outbox() == []
        session.commit()
    assert [m["To"] for m in read_outbox()] == ["valide@exemple.fr"]


def test_a_refused_delivery_is_kept_for_an_operator(db_url, data_dir, monkeypatch):
    from tests.support.mail import free_port

    monkeypatch.setenv("CJEUNE_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    with Session(engine_for(db_url)) as session:
        queue_email(session, "lea@exemple.fr", "Lien d'activation", "z")
        session.commit()
    wait_for_queued_mail()
    kept = list((outbox_dir() / "failed").glob("*.eml"))
    assert len(kept) == 1 and b"Lien d'activation" in kept[0].read_bytes()
