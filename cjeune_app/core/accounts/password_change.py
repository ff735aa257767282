"""Choosing a new password: the policy check, the change by its owner (after the current one),
and what every new password does (sessions closed, reset links ended)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from cjeune_app.core.accounts import emails, throttle
from cjeune_app.core.accounts.errors import PasswordRejected
from cjeune_app.core.accounts.models import Account, AttemptOutcome, TokenPurpose
from cjeune_app.core.accounts.passwords import (
    HashedAhead,
    hash_beside,
    hash_password,
    policy_failures,
    verify_password,
)
from cjeune_app.core.accounts.sessions import revoke_all_sessions
from cjeune_app.core.accounts.sign_in import count_failure, lock_of, locked_message, throttled_message
from cjeune_app.core.accounts.tokens import invalidate_tokens
from cjeune_app.core.db import utcnow
from cjeune_app.core.errors import NotSignedIn

WRONG_CURRENT_PASSWORD = "Le mot de passe actuel est incorrect : vérifiez-le."


@dataclass(frozen=True)
class PasswordChange:
    ok: bool
    errors: list[str] = field(default_factory=list)
    retry_at: dt.datetime | None = None


def check_new_password(new_password: str) -> None:
    failures = policy_failures(new_password or "")
    if failures:
        raise PasswordRejected(failures)


def account_to_verify(reader: Session, account_id: int, source_ip: str | None, now: dt.datetime) -> Account | None:
    """The account whose password a change verifies, read before its writing transaction; None when a
    brake holds (then no hashing ahead at all)."""
    account = reader.get(Account, account_id)
    if account is None or lock_of(account, now):
        return None
    if source_ip is not None and throttle.source_retry_at(reader, throttle.source_key(source_ip), now):
        return None
    return account


def hash_ahead(checked_hash: str | None, current_password: str, new_password: str) -> HashedAhead:
    """`change_password`'s argon2 work, outside any transaction. The new password is hashed while the
    current one is verified, on two cores (the hash is dropped if the verification fails)."""
    acceptable = new_password != current_password and not policy_failures(new_password or "")
    new_hash = hash_beside(new_password) if acceptable else None
    current_ok = verify_password(checked_hash, current_password or "")
    if new_hash is None or not current_ok:
        if new_hash is not None:
            new_hash.cancel()  # computed for nothing if already started
        return HashedAhead(checked_hash, current_ok, None)
    return HashedAhead(checked_hash, True, new_hash.result())


def set_password(session: Session, account: Account, new_password: str, now: dt.datetime,
                 password_hash: str | None = None) -> None:
    """`password_hash`: the new password's, when already computed (`hash_ahead`)."""
    assert account.id is not None
    account.password_hash = password_hash or hash_password(new_password)
    account.must_change_password = False
    account.failed_logins, account.locked_until = 0, None
    revoke_all_sessions(session, account.id, now=now)
    invalidate_tokens(session, account.id, TokenPurpose.RESET_PASSWORD, now)


def change_password(
    session: Session,
    account: Account,
    current_password: str,
    new_password: str,
    *,
    source_ip: str | None = None,
    now: dt.datetime | None = None,
    ahead: HashedAhead | None = None,
) -> PasswordChange:
    """Replaces the password (the temporary one at first sign-in) after checking the current one.

    A wrong current password counts towards the lock like a failed sign-in. On success every
    session of the account is revoked: the caller opens a new one. `ahead`: the hashing done before
    the transaction (`hash_ahead`), used if the account's hash did not change meanwhile.
    """
    now = now or utcnow()
    locked = session.get(Account, account.id, with_for_update=True)
    if locked is None:
        raise NotSignedIn()
    account = locked
    if ahead is not None and ahead.checked_hash != account.password_hash:
        ahead = None  # changed meanwhile: verify again
    source = throttle.source_key(source_ip)
    key = throttle.login_key(account.login)
    if source_ip is not None:
        retry_at = throttle.source_retry_at(session, source, now)
        if retry_at:
            return PasswordChange(False, [throttled_message(retry_at, now)], retry_at)
    lock = lock_of(account, now)
    if lock:
        return PasswordChange(False, [locked_message(lock)], lock)

    if not (ahead.current_ok if ahead is not None else verify_password(account.password_hash, current_password or "")):
        throttle.record_attempt(session, source, key, AttemptOutcome.FAILURE, now)
        locked_until = count_failure(account, now)
        if locked_until:
            return PasswordChange(False, [locked_message(locked_until)], locked_until)
        return PasswordChange(False, [WRONG_CURRENT_PASSWORD])
    account.failed_logins = 0

    errors = policy_failures(new_password or "")
    if new_password == current_password:
        errors.append(
            "Le nouveau mot de passe doit être différent du mot de passe temporaire."
            if account.must_change_password
            else "Le nouveau mot de passe doit être différent de l'ancien."
        )
    if errors:
        return PasswordChange(False, errors)

    set_password(session, account, new_password, now, ahead.new_hash if ahead is not None else None)
    if account.email:
        emails.send_password_changed(session, account.email)
    return PasswordChange(True, [])
