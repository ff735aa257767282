"""The sign-in door in core: password, temporary password, then "Rester connecté ?" within the
pending window; its single-use ticket is exchanged (over HTTP) for the session token."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.errors import InvalidToken, SignInExpired
from cjeune_app.core.accounts.models import OneTimeToken
from cjeune_app.core.accounts.sessions import digest
from cjeune_app.core.accounts.sign_in import PENDING_SIGN_IN_LIMIT, SignInStatus
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.use_cases import accounts, sessions
from tests.core.accounts.builders import make_pupil, make_school

IP = "203.0.113.7"


@pytest.fixture
def julie(session):
    _, account = make_pupil(session, make_school(session))
    session.commit()
    return account


def test_a_temporary_password_is_replaced_then_the_session_opens(julie):
    step = accounts.check_password("fernandezj", "Tempo2345x", IP, (Role.PUPIL,))
    assert step.ok and step.must_change_password and step.pending is not None
    refused = accounts.replace_temporary_password(step.pending, "Tempo2345x", "Tempo2345x", IP)
    assert not refused.ok and refused.pending is None
    changed = accounts.replace_temporary_password(step.pending, "Tempo2345x", "Soleil2026", IP)
    assert changed.ok and changed.pending is not None
    signed_in = accounts.open_session(changed.pending, remember=False)
    assert signed_in.actor.role is Role.PUPIL and signed_in.actor.pupil_id == julie.pupil_id
    assert sessions.actor_for_session(signed_in.ticket) is None  # a ticket is no session
    opened = sessions.exchange_ticket(signed_in.ticket)
    assert not opened.remember and opened.token != signed_in.ticket
    assert sessions.actor_for_session(opened.token) == signed_in.actor
    assert sessions.actor_for_digest(digest(opened.token)) == signed_in.actor
    sessions.sign_out_digest(digest(opened.token))
    assert sessions.actor_for_session(opened.token) is None


def test_a_sign_in_ticket_is_used_once_and_expires(julie):
    step = accounts.check_password("fernandezj", "Tempo2345x", IP, (Role.PUPIL,))
    changed = accounts.replace_temporary_password(step.pending, "Tempo2345x", "Soleil2026", IP)
    ticket = accounts.open_session(changed.pending, remember=True).ticket
    assert sessions.exchange_ticket(ticket).remember
    with pytest.raises(InvalidToken):
        sessions.exchange_ticket(ticket)
    late_ticket = accounts.open_session(changed.pending, remember=False).ticket
    with session_scope() as session:
        row = session.exec(select(OneTimeToken).where(OneTimeToken.token_hash == digest(late_ticket))).one()
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
    with pytest.raises(InvalidToken):
        sessions.exchange_ticket(late_ticket)


def test_the_remember_question_must_be_answered_within_the_window(julie):
    step = accounts.check_password("fernandezj", "Tempo2345x", IP, (Role.PUPIL,))
    changed = accounts.replace_temporary_password(step.pending, "Tempo2345x", "Soleil2026", IP)
    late = changed.pending.verified_at + PENDING_SIGN_IN_LIMIT
    with pytest.raises(SignInExpired) as refused:
        accounts.open_session(changed.pending, remember=True, now=late)
    assert "saisissez à nouveau vos identifiants" in refused.value.message
    with pytest.raises(SignInExpired):
        accounts.open_session(None, remember=True)


def test_a_wrong_password_or_door_gives_no_pending_sign_in(julie):
    wrong = accounts.check_password("fernandezj", "Mauvais1x", IP, (Role.PUPIL,))
    assert wrong.status is SignInStatus.INVALID and wrong.pending is None and wrong.message
    door = accounts.check_password("fernandezj", "Tempo2345x", IP, (Role.PARENT,))
    assert door.status is SignInStatus.WRONG_DOOR and door.pending is None
