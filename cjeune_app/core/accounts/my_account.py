""""Mon compte", the account's side: a new e-mail address confirmed by a link sent to it before it
replaces the old one, a Jeune's commune, and the request to delete the account (recorded for the
agents)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app.core.accounts import emails
from cjeune_app.core.accounts.errors import FormErrors, InvalidToken
from cjeune_app.core.accounts.models import Account, DeletionRequest, EmailChange
from cjeune_app.core.accounts.sessions import digest
from cjeune_app.core.accounts.sign_in import account_by_login
from cjeune_app.core.accounts.validation import email_error, resident_commune_error
from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enums import Role

EMAIL_CHANGE_LIFETIME = dt.timedelta(hours=48)
EMAIL_TAKEN = "Cette adresse e-mail est déjà utilisée par un autre compte CJeune de Provence."
SAME_EMAIL = "C'est déjà l'adresse e-mail de votre compte."


def request_email_change(session: Session, account: Account, new_email: str, *,
                         now: dt.datetime | None = None) -> str:
    """Sends the confirmation link to the new address; returns it normalized. The old address
    stays the account's (and its sign-in, for a Parent) until the link is opened."""
    assert account.id is not None
    now = now or utcnow()
    address = normalize_email(new_email)
    problem = email_error(address)
    if problem:
        raise FormErrors({"new_email": problem})
    if address == normalize_email(account.email or ""):
        raise FormErrors({"new_email": SAME_EMAIL})
    if account_by_login(session, address) is not None:
        raise FormErrors({"new_email": EMAIL_TAKEN})
    for pending in session.exec(select(EmailChange).where(EmailChange.account_id == account.id,
                                                          col(EmailChange.used_at).is_(None))).all():
        pending.used_at = now  # one pending change at a time: the last one asked
    raw = secrets.token_urlsafe(32)
    session.add(EmailChange(account_id=account.id, new_email=address, token_hash=digest(raw), created_at=now,
                            expires_at=now + EMAIL_CHANGE_LIFETIME))
    session.flush()
    emails.send_email_change_confirmation(session, address, raw)
    return address


def pending_email(session: Session, account_id: int, now: dt.datetime | None = None) -> str | None:
    change = session.exec(
        select(EmailChange).where(EmailChange.account_id == account_id, col(EmailChange.used_at).is_(None),
                                  EmailChange.expires_at > (now or utcnow()))
        .order_by(col(EmailChange.created_at).desc())
    ).first()
    return change.new_email if change else None


def confirm_email_change(session: Session, raw: str | None, *, now: dt.datetime | None = None) -> Account:
    """The link opened: the account takes the new address (a Parent signs in with it from now on);
    the old address is told."""
    now = now or utcnow()
    if not raw:
        raise InvalidToken()
    change = session.exec(select(EmailChange).where(EmailChange.token_hash == digest(raw)).with_for_update()).first()
    if change is None or change.used_at is not None or change.expires_at <= now:
        raise InvalidToken()
    change.used_at = now
    account = session.get(Account, change.account_id, with_for_update=True)
    if account is None:
        raise InvalidToken()
    if account_by_login(session, change.new_email) not in (None, account):
        raise FormErrors({"new_email": EMAIL_TAKEN})
    old = account.email
    account.email, account.email_verified_at = change.new_email, now
    if account.role is Role.PARENT or account.login == old:
        account.login = change.new_email
    session.add(account)
    session.flush()
    if old:
        emails.send_email_changed(session, old, change.new_email)
    return account


def change_youth_commune(session: Session, account: Account, commune_insee: str) -> tuple[str, str] | None:
    """A Jeune moved: their commune (the Jeune space's bons plans follow it) must be one of the 13,
    as at sign-up (FormErrors({"commune_insee": ...}) otherwise). (before, after) INSEE codes, or
    None when unchanged."""
    problem = resident_commune_error(commune_insee)
    if problem:
        raise FormErrors({"commune_insee": problem})
    before = account.commune_insee or ""
    if before == commune_insee:
        return None
    account.commune_insee = commune_insee
    session.add(account)
    session.flush()
    return before, commune_insee


@dataclass(frozen=True)
class DeletionAsked:
    account_id: int
    name: str
    login: str
    requested_at: dt.datetime


def request_deletion(session: Session, account: Account, *, now: dt.datetime | None = None) -> dt.datetime:
    """Recorded once (asking again returns the first request's time)."""
    assert account.id is not None
    existing = session.exec(select(DeletionRequest).where(DeletionRequest.account_id == account.id,
                                                          col(DeletionRequest.handled_at).is_(None))).first()
    if existing is not None:
        return existing.requested_at
    request = DeletionRequest(account_id=account.id, requested_at=now or utcnow())
    session.add(request)
    session.flush()
    return request.requested_at


def deletion_requested_at(session: Session, account_id: int) -> dt.datetime | None:
    return session.exec(select(DeletionRequest.requested_at).where(
        DeletionRequest.account_id == account_id, col(DeletionRequest.handled_at).is_(None))).first()


def open_deletion_requests(session: Session) -> list[DeletionAsked]:
    rows = session.exec(
        select(DeletionRequest, Account).join(Account, col(Account.id) == col(DeletionRequest.account_id))
        .where(col(DeletionRequest.handled_at).is_(None)).order_by(col(DeletionRequest.requested_at))
    ).all()
    return [DeletionAsked(account.id or 0, f"{account.first_name} {account.last_name}".strip(), account.login,
                          request.requested_at) for request, account in rows]
