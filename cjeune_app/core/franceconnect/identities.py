"""FranceConnect identities linked to Parent accounts, and the ID tokens of the sessions they open.

Every function takes the caller's `session` and never commits.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from cjeune_app.core.accounts.models import Account, AuthSession
from cjeune_app.core.accounts.sessions import digest, open_session
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.franceconnect.errors import IdentityOfAnotherAccount
from cjeune_app.core.franceconnect.models import FranceConnectIdentity, FranceConnectSession


def linked_parent(session: Session, sub: str) -> Account | None:
    """The Parent account this FranceConnect identity signs in to, if it was linked."""
    link = session.exec(select(FranceConnectIdentity).where(FranceConnectIdentity.sub == sub)).first()
    if link is None:
        return None
    account = session.get(Account, link.account_id)
    return account if account is not None and account.role == Role.PARENT else None


def link(session: Session, sub: str, account: Account, *, now: dt.datetime | None = None) -> None:
    """Links the identity to the account (once: an identity or an account has at most one link)."""
    assert account.id is not None and account.role == Role.PARENT
    existing = session.exec(select(FranceConnectIdentity).where(
        (FranceConnectIdentity.sub == sub) | (FranceConnectIdentity.account_id == account.id))).all()
    if any(row.sub != sub or row.account_id != account.id for row in existing):
        raise IdentityOfAnotherAccount()
    if not existing:
        session.add(FranceConnectIdentity(sub=sub, account_id=account.id, created_at=now or utcnow()))
        session.flush()


def open_franceconnect_session(session: Session, account: Account, sub: str, id_token: str,
                               *, now: dt.datetime | None = None) -> str:
    """Opens this site's session (as the password sign-in does, not remembered) and keeps the ID
    token beside it for the sign-out at the provider; returns the browser's token."""
    now = now or utcnow()
    token = open_session(session, account, remember=False, now=now)
    auth = session.exec(select(AuthSession).where(AuthSession.token_hash == digest(token))).one()
    assert auth.id is not None
    session.add(FranceConnectSession(auth_session_id=auth.id, id_token=id_token, created_at=now))
    identity = session.exec(select(FranceConnectIdentity).where(FranceConnectIdentity.sub == sub)).one()
    identity.last_sign_in_at = now
    session.flush()
    return token


def id_token_of_session(session: Session, token: str | None) -> str | None:
    """The ID token of the session this browser token names, when it was opened through FranceConnect."""
    return id_token_of_digest(session, digest(token) if token else None)


def id_token_of_digest(session: Session, token_hash: str | None) -> str | None:
    """`id_token_of_session` from the token's digest (what the database and the page's websocket know)."""
    if not token_hash:
        return None
    auth = session.exec(select(AuthSession).where(AuthSession.token_hash == token_hash)).first()
    if auth is None:
        return None
    row = session.exec(select(FranceConnectSession).where(FranceConnectSession.auth_session_id == auth.id)).first()
    return row.id_token if row is not None else None
