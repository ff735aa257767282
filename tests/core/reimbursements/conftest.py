from __future__ import annotations

import pytest

from cjeune_app.core.actor import Actor
from tests.core.partners.builders import add_agent
from tests.support.mail import Outbox


@pytest.fixture
def outbox(db_url, monkeypatch) -> Outbox:
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    return Outbox()


@pytest.fixture
def agent(session) -> Actor:
    return add_agent(session)
