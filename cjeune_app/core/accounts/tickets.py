"""Sign-in tickets: how a session started by a page event reaches an HttpOnly cookie.

The page's websocket cannot set a cookie that scripts may not read, so the last step of a sign-in
(or any other door that opens a session) issues a ticket: a random single-use value, valid two
minutes, of which only the sha256 is stored (a `OneTimeToken`). The browser posts it to one HTTP
route (`routes.SESSION_OPEN`), which exchanges it for the session token and sets the cookie.
The session token itself never passes through the page, its state or its scripts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app.core.accounts import sessions, tokens
from cjeune_app.core.accounts.errors import InvalidToken, PasswordChangeRequired
from cjeune_app.core.accounts.models import Account, OneTimeToken, TokenPurpose
from cjeune_app.core.db import utcnow
from cjeune_app.core.errors import Forbidden

_PURPOSE = {True: TokenPurpose.SIGN_IN_REMEMBERED, False: TokenPurpose.SIGN_IN}


@dataclass(frozen=True)
class OpenedSession:
    token: str  # for the session cookie, and nothing else
    remember: bool
    account_id: int


def issue_ticket(session: Session, account: Account, remember: bool, *, now: dt.datetime | None = None) -> str:
    """A ticket the browser exchanges for a session of `account` (raw value; only its hash is kept)."""
    if account.must_change_password:
        raise PasswordChangeRequired()
    if not account.is_active:
        raise Forbidden()
    return tokens.issue_token(session, account, _PURPOSE[remember], now=now)


def exchange_ticket(session: Session, raw: str | None, *, now: dt.datetime | None = None) -> OpenedSession:
    """Uses the ticket up and opens the session; InvalidToken if unknown, used or expired."""
    now = now or utcnow()
    if not raw:
        raise InvalidToken()
    ticket = session.exec(select(OneTimeToken).where(
        OneTimeToken.token_hash == sessions.digest(raw),
        col(OneTimeToken.purpose).in_(list(_PURPOSE.values())),
    ).with_for_update()).first()
    if ticket is None or ticket.used_at is not None or ticket.expires_at <= now:
        raise InvalidToken()
    ticket.used_at = now
    account = session.get(Account, ticket.account_id)
    if account is None:
        raise InvalidToken()
    remember = ticket.purpose == TokenPurpose.SIGN_IN_REMEMBERED
    token = sessions.open_session(session, account, remember, now=now)
    return OpenedSession(token, remember, ticket.account_id)
