"""Sessions: a random token (`secrets.token_urlsafe(32)`) goes to the browser, only its sha256 is
stored. Without "Rester connecté" a session ends after SESSION_IDLE without activity and at the
latest SESSION_MAX after sign-in; with it, SESSION_REMEMBER after sign-in. Changing or resetting
the password revokes every session of the account.

Every function takes the caller's `session` and never commits (the caller's unit of work does);
`now` can be passed by tests instead of waiting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, delete, or_, select

from cjeune_app.core.accounts import throttle
from cjeune_app.core.accounts.errors import PasswordChangeRequired
from cjeune_app.core.accounts.models import Account, AuthSession, OneTimeToken
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden

SESSION_IDLE = dt.timedelta(hours=2)
SESSION_MAX = dt.timedelta(hours=12)
SESSION_REMEMBER = dt.timedelta(days=30)
# A short session is pushed back at most this often: not one database write per page view.
SESSION_TOUCH_EVERY = dt.timedelta(minutes=5)
KEEP_ENDED_SESSIONS = dt.timedelta(days=30)


def digest(token: str) -> str:
    """What is stored of a secret handed out (session token, one-time link)."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, account: Account, remember: bool, *, now: dt.datetime | None = None) -> str:
    """Starts a session after a successful sign-in; returns the token for the browser."""
    if account.must_change_password:
        raise PasswordChangeRequired()
    if not account.is_active:
        raise Forbidden()
    assert account.id is not None
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(AuthSession(
        account_id=account.id,
        token_hash=digest(token),
        remember=remember,
        created_at=now,
        expires_at=now + (SESSION_REMEMBER if remember else SESSION_IDLE),
    ))
    session.flush()
    return token


def account_for_token(session: Session, token: str | None, *, now: dt.datetime | None = None) -> Account | None:
    """The signed-in account, or None when the token is unknown, expired or revoked.

    Pushes back the idle expiry of a short session, hence needs a writing session. Rules of other
    domains (a partner's structure must be validated) are added above: `core.partners.sign_in`.
    """
    return account_for_digest(session, digest(token) if token else None, now=now)


@dataclass(frozen=True)
class SessionAccount:
    """The account a live session names: what an actor is made of (see `signed_in_by_digest`)."""

    account_id: int
    role: Role
    first_name: str
    login: str
    partner_id: int | None
    pupil_id: int | None
    establishment_id: int | None
    # A short session's idle expiry due to be pushed back, when the lookup was told not to write
    # (`push_back=False`): the caller pushes it back (`push_back_expiry`) in a writing transaction.
    expiry_due: dt.datetime | None = None


_auth_table = AuthSession.__table__  # type: ignore[attr-defined]
_account_table = Account.__table__  # type: ignore[attr-defined]
_auth, _account = _auth_table.c, _account_table.c
# Every event of a signed-in page asks it again: one statement of the columns needed, no entities
# built (a third of the cost of loading the session and the account as ORM objects).
_SIGNED_IN = (
    sa.select(_auth.id, _auth.remember, _auth.created_at, _auth.expires_at, _auth.revoked_at,
              _account.id.label("account_id"), _account.role, _account.first_name, _account.login,
              _account.partner_id, _account.pupil_id, _account.establishment_id, _account.is_active,
              _account.must_change_password)
    .join_from(_auth_table, _account_table, _account.id == _auth.account_id)
    .where(_auth.token_hash == sa.bindparam("token_hash"))
)


def signed_in_by_digest(session: Session, token_hash: str | None, *, now: dt.datetime | None = None,
                        push_back: bool = True) -> SessionAccount | None:
    """`account_for_token`'s rules from the token's digest (what the page's websocket knows of its
    cookie): None when the session is unknown, revoked or expired, or its account inactive or
    waiting for a new password; a short session's idle expiry is pushed back (or, with
    `push_back=False`, said due: see `SessionAccount.expiry_due`)."""
    if not token_hash:
        return None
    now = now or utcnow()
    row = session.execute(_SIGNED_IN, {"token_hash": token_hash}).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if not row.is_active or row.must_change_password:
        return None
    due = None
    if not row.remember:
        pushed_back = min(now + SESSION_IDLE, row.created_at + SESSION_MAX)
        if pushed_back - row.expires_at >= SESSION_TOUCH_EVERY:
            due = pushed_back
    if due is not None and push_back:
        push_back_expiry(session, token_hash, due)
        due = None
    return SessionAccount(row.account_id, Role(row.role), row.first_name, row.login, row.partner_id,
                          row.pupil_id, row.establishment_id, due)


def push_back_expiry(session: Session, token_hash: str, expires_at: dt.datetime) -> None:
    """A short session's idle expiry pushed back to `expires_at` (never brought forward, never a
    revoked session's)."""
    session.execute(sa.update(AuthSession).where(
        col(AuthSession.token_hash) == token_hash, col(AuthSession.revoked_at).is_(None),
        col(AuthSession.expires_at) < expires_at).values(expires_at=expires_at))


def account_for_digest(session: Session, token_hash: str | None, *,
                       now: dt.datetime | None = None) -> Account | None:
    """`account_for_token` from the token's digest, as the account itself."""
    found = signed_in_by_digest(session, token_hash, now=now)
    return session.get(Account, found.account_id) if found is not None else None


def close_session(session: Session, token: str | None, *, now: dt.datetime | None = None) -> None:
    """Sign-out: the token stops working at once, on every server."""
    close_session_of_digest(session, digest(token) if token else None, now=now)


def close_session_of_digest(session: Session, token_hash: str | None, *, now: dt.datetime | None = None) -> None:
    if not token_hash:
        return
    auth = session.exec(select(AuthSession).where(AuthSession.token_hash == token_hash)).first()
    if auth is not None and auth.revoked_at is None:
        auth.revoked_at = now or utcnow()


def revoke_all_sessions(session: Session, account_id: int, *, now: dt.datetime | None = None) -> int:
    now = now or utcnow()
    open_sessions = session.exec(
        select(AuthSession).where(AuthSession.account_id == account_id, col(AuthSession.revoked_at).is_(None))
    ).all()
    for auth in open_sessions:
        auth.revoked_at = now
    return len(open_sessions)


def purge_expired(session: Session, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Forgets sessions and links that ended over a month ago, and sign-in attempts over a day."""
    now = now or utcnow()
    horizon = now - KEEP_ENDED_SESSIONS
    sessions = session.exec(delete(AuthSession).where(
        or_(col(AuthSession.expires_at) < horizon, col(AuthSession.revoked_at) < horizon))).rowcount
    links = session.exec(delete(OneTimeToken).where(
        col(OneTimeToken.expires_at) < horizon)).rowcount
    attempts = throttle.purge_old_attempts(session, now)
    return {"sessions": sessions or 0, "links": links or 0, "login_attempts": attempts}
