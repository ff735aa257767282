"""One-time links (activation, e-mail verification, password reset): a random token goes in the
e-mail, only its sha256 is stored; a new link for a purpose ends the earlier unused ones."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlmodel import Session, col, func, select

from cjeune_app.core.accounts import emails, throttle
from cjeune_app.core.accounts.errors import InvalidToken
from cjeune_app.core.accounts.models import Account, OneTimeToken, TokenPurpose
from cjeune_app.core.accounts.sessions import digest
from cjeune_app.core.db import utcnow

TOKEN_LIFETIME = {
    TokenPurpose.ACTIVATION: dt.timedelta(days=7),
    TokenPurpose.VERIFY_EMAIL: dt.timedelta(hours=48),
    TokenPurpose.RESET_PASSWORD: dt.timedelta(hours=1),
    TokenPurpose.SIGN_IN: dt.timedelta(minutes=2),
    TokenPurpose.SIGN_IN_REMEMBERED: dt.timedelta(minutes=2),
}
VERIFICATION_RESEND_AFTER = dt.timedelta(minutes=10)


def invalidate_tokens(session: Session, account_id: int, purpose: TokenPurpose, now: dt.datetime) -> None:
    for token in session.exec(
        select(OneTimeToken).where(
            OneTimeToken.account_id == account_id,
            OneTimeToken.purpose == purpose,
            col(OneTimeToken.used_at).is_(None),
        )
    ).all():
        token.used_at = now


def issue_token(session: Session, account: Account, purpose: TokenPurpose, *, now: dt.datetime | None = None,
                new_account: bool = False) -> str:
    """A new link for `purpose`; the account's earlier unused links for it stop working (an account
    created in this transaction has none)."""
    assert account.id is not None
    now = now or utcnow()
    if not new_account:
        invalidate_tokens(session, account.id, purpose, now)
    raw = secrets.token_urlsafe(32)
    session.add(OneTimeToken(
        account_id=account.id,
        purpose=purpose,
        token_hash=digest(raw),
        created_at=now,
        expires_at=now + TOKEN_LIFETIME[purpose],
    ))
    session.flush()
    return raw


def _find_token(session: Session, raw: str | None, purpose: TokenPurpose, now: dt.datetime,
                for_update: bool = False) -> OneTimeToken:
    if not raw:
        raise InvalidToken()
    query = select(OneTimeToken).where(OneTimeToken.token_hash == digest(raw), OneTimeToken.purpose == purpose)
    if for_update:
        query = query.with_for_update()
    token = session.exec(query).first()
    if token is None or token.used_at is not None or token.expires_at <= now:
        raise InvalidToken()
    return token


def account_for_link(session: Session, raw: str | None, purpose: TokenPurpose, *,
                     now: dt.datetime | None = None) -> Account:
    """The account a link is for, without using the link up (to greet the user on its page)."""
    token = _find_token(session, raw, purpose, now or utcnow())
    account = session.get(Account, token.account_id)
    if account is None:
        raise InvalidToken()
    return account


def consume(session: Session, raw: str | None, purpose: TokenPurpose, now: dt.datetime) -> Account:
    """Uses the link up and returns its account, locked for the change that follows."""
    token = _find_token(session, raw, purpose, now, for_update=True)
    token.used_at = now
    account = session.get(Account, token.account_id, with_for_update=True)
    if account is None:
        raise InvalidToken()
    return account


def send_verification(session: Session, account: Account, *, now: dt.datetime | None = None) -> None:
    assert account.email is not None
    emails.send_email_verification(
        session, account.email, issue_token(session, account, TokenPurpose.VERIFY_EMAIL, now=now))


def resend_verification_if_due(session: Session, account: Account, now: dt.datetime) -> None:
    last = session.exec(
        select(func.max(OneTimeToken.created_at)).where(
            OneTimeToken.account_id == account.id, OneTimeToken.purpose == TokenPurpose.VERIFY_EMAIL
        )
    ).one()
    if last is None or throttle.as_utc(last) <= now - VERIFICATION_RESEND_AFTER:
        send_verification(session, account, now=now)
