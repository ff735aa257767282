from __future__ import annotations

import logging

import pytest

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.enums import Role
from tests.support.oidc_provider import OidcProvider

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the provider's access log


@pytest.fixture(scope="session")
def provider():
    server = OidcProvider().start()
    yield server
    server.stop()


@pytest.fixture
def configured(db_url, provider, monkeypatch):
    """The app configured for the local provider (the callback URL is never called: tests bring
    the provider's answer to the use case themselves)."""
    for name, value in provider.settings_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CJEUNE_PUBLIC_URL", "http://127.0.0.1:3999")
    return provider


@pytest.fixture
def parent(session) -> Account:
    account = Account(role=Role.PARENT, login="maman.fernandez@exemple.fr", email="maman.fernandez@exemple.fr",
                      first_name="Sofia", last_name="Fernandez", password_hash="x")
    session.add(account)
    session.commit()
    return account


@pytest.fixture
def sms_provider(db_url, monkeypatch):
    """The guardians' local SMS provider: the first visit's code is read back from it."""
    from tests.support.sms_provider import API_KEY, SmsProvider

    server = SmsProvider().start()
    monkeypatch.setenv("CJEUNE_SMS_API_URL", server.url)
    monkeypatch.setenv("CJEUNE_SMS_API_KEY", API_KEY)
    yield server
    server.stop()
