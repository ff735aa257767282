"""Logins under way and first visits, kept server-side, single use and short-lived.

A login is keyed by the sha256 of its `state` and bound to the browser that started it (the sha256
of a random value in an HttpOnly cookie): an answer brought back by another browser, twice, or
after LOGIN_LIFETIME is refused. An arrival (an identity FranceConnect confirmed, not linked yet)
is keyed by the sha256 of a ticket the browser holds in the same way.

Every function takes the caller's `session` and never commits; `now` can be passed by tests.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from cjeune_app.core.accounts.sessions import digest
from cjeune_app.core.db import utcnow
from cjeune_app.core.franceconnect.client import Authorization, VerifiedIdentity
from cjeune_app.core.franceconnect.models import FranceConnectArrival, FranceConnectLogin

LOGIN_LIFETIME = dt.timedelta(minutes=10)
ARRIVAL_LIFETIME = dt.timedelta(minutes=30)  # time to receive and type the SMS code and the dates


@dataclass(frozen=True)
class PendingLogin:
    nonce: str
    code_verifier: str


def new_browser_key() -> str:
    return secrets.token_urlsafe(32)


def remember_login(session: Session, authorization: Authorization, browser_key: str,
                   *, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    session.exec(delete(FranceConnectLogin).where(col(FranceConnectLogin.expires_at) < now))
    session.add(FranceConnectLogin(
        state_hash=digest(authorization.state), browser_hash=digest(browser_key), nonce=authorization.nonce,
        code_verifier=authorization.code_verifier, created_at=now, expires_at=now + LOGIN_LIFETIME,
    ))
    session.flush()


def take_login(session: Session, state: str, browser_key: str | None,
               *, now: dt.datetime | None = None) -> PendingLogin | None:
    """The login this `state` names, used up at once (deleted, whatever follows); None when it is
    unknown, already used, expired, or was started by another browser."""
    if not state:
        return None
    now = now or utcnow()
    login = session.exec(select(FranceConnectLogin).where(FranceConnectLogin.state_hash == digest(state))).first()
    if login is None:
        return None
    # The DELETE decides between two answers racing with the same state: one of them deletes it.
    deleted = session.exec(delete(FranceConnectLogin).where(col(FranceConnectLogin.id) == login.id)).rowcount
    same_browser = bool(browser_key) and secrets.compare_digest(login.browser_hash, digest(browser_key or ""))
    if deleted != 1 or login.expires_at <= now or not same_browser:
        return None
    return PendingLogin(nonce=login.nonce, code_verifier=login.code_verifier)


def open_arrival(session: Session, identity: VerifiedIdentity, *, now: dt.datetime | None = None) -> str:
    """Keeps a confirmed identity while the guardian proves which Parent they are; returns the ticket."""
    now = now or utcnow()
    session.exec(delete(FranceConnectArrival).where(col(FranceConnectArrival.expires_at) < now))
    ticket = secrets.token_urlsafe(32)
    session.add(FranceConnectArrival(
        ticket_hash=digest(ticket), sub=identity.sub, id_token=identity.id_token, given_name=identity.given_name[:100],
        family_name=identity.family_name[:100], created_at=now, expires_at=now + ARRIVAL_LIFETIME,
    ))
    session.flush()
    return ticket


def arrival_for(session: Session, ticket: str | None, *, now: dt.datetime | None = None) -> FranceConnectArrival | None:
    """The arrival this ticket names, None when unknown, used or expired."""
    if not ticket:
        return None
    now = now or utcnow()
    arrival = session.exec(
        select(FranceConnectArrival).where(FranceConnectArrival.ticket_hash == digest(ticket))).first()
    if arrival is None or arrival.used_at is not None or arrival.expires_at <= now:
        return None
    return arrival
