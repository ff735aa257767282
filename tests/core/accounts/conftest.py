from __future__ import annotations

import pytest
from sqlmodel import Session

from cjeune_app.core.db import engine_for
from tests.support.mail import Outbox


@pytest.fixture
def outbox(db_url, monkeypatch) -> Outbox:
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    return Outbox()


@pytest.fixture
def new_session(db_url):
    """Opens a fresh session, like the next request of a user would."""
    def opener() -> Session:
        return Session(engine_for(db_url), expire_on_commit=False)
    return opener
