"""Finding who is signed in, as every page's opening and screen event does, only reads: on SQLite a
writing transaction holds the database's only write lock, and every family's page would queue behind
the others' writes. A short session's idle expiry, when due, is pushed back afterwards."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cjeune_app.core.accounts.models import AuthSession
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.sessions import SESSION_IDLE, digest, open_session
from cjeune_app.core.db import engine_for, utcnow
from cjeune_app.core.use_cases import family, sessions
from tests.core.accounts.builders import make_pupil, make_school
from tests.support.write_lock import writing_meanwhile


@pytest.fixture
def signed_in(db_url) -> tuple[str, int]:
    """A pupil's short session ("Rester connecté ? Non"): its token's digest, and the account."""
    with Session(engine_for(db_url), expire_on_commit=False) as session:
        _, account = make_pupil(session, make_school(session))
        account.password_hash, account.must_change_password = hash_password("Soleil2026"), False
        token = open_session(session, account, remember=False)
        session.commit()
        return digest(token), account.id


def actor_read_as(token_hash: str):
    """The actor a read-only use case finds behind the page's session digest (`photo_of`...)."""
    with sessions.reading_as(sessions.SessionDigest(token_hash)) as (_, actor):
        return actor


def test_a_page_opens_while_another_transaction_writes(db_url, signed_in):
    token_hash, account_id = signed_in
    found: list = []
    with writing_meanwhile(db_url, account_id, token_hash):
        lookups = threading.Thread(target=lambda: found.extend(
            [family.open_page(token_hash), sessions.actor_for_digest(token_hash), actor_read_as(token_hash)]))
        lookups.start()
        lookups.join(10)  # a writer would wait up to 15 s for the lock
        done = not lookups.is_alive()
    lookups.join()
    assert done, "the lookups waited for the writing transaction"
    opened, actor, read_as = found
    assert opened.actor.account_id == actor.account_id == read_as.account_id == account_id


def expires_at(db_url: str, token_hash: str) -> dt.datetime:
    with Session(engine_for(db_url)) as session:
        moment = session.exec(select(AuthSession.expires_at).where(AuthSession.token_hash == token_hash)).one()
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def set_expiry(db_url: str, token_hash: str, moment: dt.datetime) -> None:
    with Session(engine_for(db_url)) as session:
        session.execute(sa.update(AuthSession).where(AuthSession.token_hash == token_hash).values(expires_at=moment))
        session.commit()


@pytest.mark.parametrize("lookup", [family.open_page, sessions.actor_for_digest, actor_read_as])
def test_a_short_session_seen_again_is_pushed_back_at_most_every_five_minutes(db_url, signed_in, lookup):
    token_hash, _ = signed_in
    recent = utcnow() + SESSION_IDLE - dt.timedelta(minutes=2)
    set_expiry(db_url, token_hash, recent)
    assert lookup(token_hash) is not None
    assert expires_at(db_url, token_hash) == recent  # pushed back 2 minutes ago: no write

    old = utcnow() + SESSION_IDLE - dt.timedelta(minutes=20)
    set_expiry(db_url, token_hash, old)
    before = utcnow()
    assert lookup(token_hash) is not None
    assert before + SESSION_IDLE <= expires_at(db_url, token_hash) <= utcnow() + SESSION_IDLE
