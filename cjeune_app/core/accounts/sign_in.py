"""Signing in: an identifier and a password checked against the brakes on guessing (a lock per
account, a throttle per source address), in constant time whatever the account.

Functions that check a secret *return* an outcome instead of raising, so that the failure they
record (counters, lock, throttle) is committed with the answer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import sqlalchemy as sa
from sqlmodel import Session, select

from cjeune_app.core.accounts import throttle
from cjeune_app.core.accounts.models import Account, AttemptOutcome
from cjeune_app.core.accounts.passwords import HashedAhead, hash_password, needs_rehash, verify_password
from cjeune_app.core.accounts.tokens import VERIFICATION_RESEND_AFTER, resend_verification_if_due
from cjeune_app.core.accounts.validation import normalize_login
from cjeune_app.core.dates import format_hour_not_before
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import BACK_OFFICE_ROLES, ROLE_LABELS, Role
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE

# Between the right password and the "Rester connecté ?" answer.
PENDING_SIGN_IN_LIMIT = dt.timedelta(minutes=10)

INVALID_CREDENTIALS = (
    "Identifiant ou mot de passe incorrect. Vérifiez votre saisie (attention aux majuscules) "
    "et réessayez."
)
ASSISTANCE = f"l'assistance au {ASSISTANCE_PHONE} ou à {ASSISTANCE_EMAIL}"


class SignInStatus(StrEnum):
    """How a sign-in attempt ends. INVALID: unknown identifier or wrong password (one message for
    both). Only once the password was right: UNVERIFIED, PENDING, REJECTED, INACTIVE, WRONG_DOOR
    (the account belongs to another "Qui suis-je ?" choice)."""

    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    THROTTLED = "throttled"
    UNVERIFIED = "unverified"
    PENDING = "pending"
    REJECTED = "rejected"
    INACTIVE = "inactive"
    WRONG_DOOR = "wrong_door"


@dataclass(frozen=True)
class AuthOutcome:
    """What a sign-in attempt gives. `account` is set only when `status` is OK."""

    status: SignInStatus
    message: str | None = None
    account: Account | None = None
    must_change_password: bool = False
    retry_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status is SignInStatus.OK


def locked_message(until: dt.datetime) -> str:
    return (f"Compte verrouillé après {throttle.LOCK_AFTER_FAILURES} mots de passe erronés : "
            f"réessayez à {format_hour_not_before(until)}.")


def throttled_message(until: dt.datetime, now: dt.datetime) -> str:
    when = "dans une minute" if until - now < dt.timedelta(minutes=1) else f"à {format_hour_not_before(until)}"
    return ("Trop de tentatives de connexion depuis votre connexion internet : "
            f"réessayez {when}.")


UNVERIFIED_MESSAGE = (
    "Confirmez d'abord votre adresse e-mail : cliquez sur le lien que nous vous avons "
    "envoyé (pensez à regarder dans les courriers indésirables). Un nouveau lien vous "
    f"est envoyé si le précédent a plus de {VERIFICATION_RESEND_AFTER.seconds // 60} minutes."
)


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """A hash nobody knows the password of, for identifiers without account."""
    return hash_password(secrets.token_urlsafe(24))


def _verify_in_constant_time(password_hash: str | None, password: str) -> bool:
    """One argon2 verification whatever the account (every password has the same cost): response
    times then tell neither whether the identifier exists nor whether its password is still the
    temporary one. (A hash of an earlier cost, rehashed at its owner's next sign-in, is verified at
    that cost.)"""
    ok = verify_password(password_hash or _decoy_hash(), password)
    return ok and bool(password_hash)


def account_by_login(session: Session, login: str, for_update: bool = False) -> Account | None:
    query = select(Account).where(Account.login == login)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def lock_of(account: Account, now: dt.datetime) -> dt.datetime | None:
    return account.locked_until if account.locked_until and account.locked_until > now else None


def count_failure(account: Account, now: dt.datetime) -> dt.datetime | None:
    """Adds a failure; returns the end of the lock when this failure locks the account."""
    account.failed_logins += 1
    if account.failed_logins >= throttle.LOCK_AFTER_FAILURES:
        account.failed_logins = 0
        account.locked_until = now + throttle.LOCK_DURATION
        return account.locked_until
    return None


def authenticate(
    session: Session,
    login: str,
    password: str,
    source_ip: str | None,
    *,
    roles: tuple[Role, ...] | None = None,
    now: dt.datetime | None = None,
) -> AuthOutcome:
    """Checks an identifier and a password. `roles`: the account types this sign-in page admits.

    Opens no session: the caller asks "Rester connecté ?" then calls `open_session`, or, when
    `must_change_password`, has the user choose a password with `change_password` first.
    """
    now = now or utcnow()
    login = normalize_login(login)
    key, source = throttle.login_key(login), throttle.source_key(source_ip)
    early = _verify_before_locking(session, login, key, source, password or "", now)

    retry_at = throttle.source_retry_at(session, source, now) or throttle.account_retry_at(session, key, now)
    if retry_at:
        throttle.record_attempt(session, source, key, AttemptOutcome.THROTTLED, now)
        return AuthOutcome(SignInStatus.THROTTLED, throttled_message(retry_at, now), retry_at=retry_at)

    account = account_by_login(session, login, for_update=True) if login else None
    locked_until = throttle.locked_until(session, key, source, now)
    if locked_until:
        throttle.record_attempt(session, source, key, AttemptOutcome.LOCKED, now)
        return AuthOutcome(SignInStatus.LOCKED, locked_message(locked_until), retry_at=locked_until)

    current_hash = account.password_hash if account else None
    if early is not None and early.checked_hash == current_hash:
        password_ok = early.current_ok
    else:  # the hash changed meanwhile, or the early look saw a lock that is gone: verify now
        early, password_ok = None, _verify_in_constant_time(current_hash, password or "")
    if account is None or not password_ok:
        throttle.record_attempt(session, source, key, AttemptOutcome.FAILURE, now)
        locked_until = throttle.locked_until(session, key, source, now)
        if locked_until:
            return AuthOutcome(SignInStatus.LOCKED, locked_message(locked_until), retry_at=locked_until)
        return AuthOutcome(SignInStatus.INVALID, INVALID_CREDENTIALS)

    throttle.record_attempt(session, source, key, AttemptOutcome.SUCCESS, now)
    account.failed_logins, account.locked_until = 0, None
    if not account.must_change_password and account.password_hash and needs_rehash(account.password_hash):
        account.password_hash = early.new_hash if early is not None and early.new_hash else hash_password(password)
    refusal = _refusal_after_right_password(session, account, roles, now)
    if refusal:
        return refusal
    return AuthOutcome(SignInStatus.OK, account=account, must_change_password=account.must_change_password)


@contextlib.contextmanager
def _reader(session: Session) -> Iterator[Session]:
    """A read-only session on the same database (SQLite: deferred BEGIN, so no write lock)."""
    bind = session.get_bind()
    if not isinstance(bind, sa.Engine):
        yield session
        return
    with Session(bind.execution_options(read_only=True)) as reader:
        yield reader


def _verify_before_locking(
    session: Session, login: str, key: str, source: str, password: str, now: dt.datetime
) -> HashedAhead | None:
    """The argon2 work, done before the writing transaction starts: on SQLite that transaction holds
    the database's write lock, and sign-ins would otherwise queue behind each other's hashing.
    Returns the hash verified and the result (and the rehash a right password of an earlier cost
    gets), or None when the address is braked or the identifier locked (then no hashing at all).
    The writing phase decides; this only saves time."""
    with _reader(session) as reader:
        if throttle.source_retry_at(reader, source, now) or throttle.account_retry_at(reader, key, now):
            return None
        if throttle.locked_until(reader, key, source, now):
            return None
        password_hash = reader.exec(select(Account.password_hash).where(Account.login == login)).first()
    ok = _verify_in_constant_time(password_hash, password)
    rehashed = hash_password(password) if ok and password_hash and needs_rehash(password_hash) else None
    return HashedAhead(password_hash, ok, rehashed)


def _refusal_after_right_password(
    session: Session, account: Account, roles: tuple[Role, ...] | None, now: dt.datetime
) -> AuthOutcome | None:
    """Reasons to refuse a sign-in that may be said, since the password proved who is asking."""
    if not account.is_active:
        return AuthOutcome(SignInStatus.INACTIVE, f"Ce compte est désactivé. Contactez {ASSISTANCE}.")
    if roles is not None and account.role not in roles:
        return AuthOutcome(SignInStatus.WRONG_DOOR, _wrong_door_message(account))
    # A Parent with an identifier (m.durand) who gave an address at the first sign-in of a school's
    # letter confirms it first (the activation link); the stepper's Parents sign in with their address.
    unconfirmed_parent = (account.role == Role.PARENT and account.email is not None
                          and account.email != account.login and not account.must_change_password)
    if (account.role in (Role.YOUTH, Role.PARTNER) or unconfirmed_parent) and account.email_verified_at is None:
        resend_verification_if_due(session, account, now)
        return AuthOutcome(SignInStatus.UNVERIFIED, UNVERIFIED_MESSAGE)
    return None


def _wrong_door_message(account: Account) -> str:
    if account.role in BACK_OFFICE_ROLES:
        return ("Cet identifiant est celui d'un compte de gestion : connectez-vous depuis la page "
                "réservée aux agents et aux établissements.")
    label = ROLE_LABELS[Role(account.role)]
    return f"Cet identifiant est celui d'un compte « {label} » : revenez à « Qui suis-je ? » et choisissez « {label} »."
