"""Brakes on password guessing, kept in the `login_attempt` table.

- Per source address: the first IP_FREE_FAILURES failures in IP_WINDOW are free (a collège's
  whole class signs in from one address), then each further failure doubles the wait before
  the next try from that address, up to IP_MAX_DELAY.
- Per identifier: real accounts count their failures on the account row; identifiers without
  an account are locked by replaying their recorded failures with the same rule, so that
  "Compte verrouillé" appears after 5 failures whether the account exists or not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from sqlmodel import Session, col, delete, func, select

from cjeune_app.core.accounts.models import AttemptOutcome, LoginAttempt

LOCK_AFTER_FAILURES = 5
LOCK_DURATION = dt.timedelta(minutes=15)

IP_WINDOW = dt.timedelta(minutes=15)
IP_FREE_FAILURES = 30
IP_MAX_DELAY = dt.timedelta(minutes=15)

ATTEMPT_RETENTION = dt.timedelta(hours=24)
UNKNOWN_SOURCE = "inconnue"


def login_key(normalized_login: str) -> str:
    """The identifier is kept hashed: the table says nothing about who tried to sign in."""
    return hashlib.sha256(normalized_login.encode()).hexdigest()


def source_key(source_ip: str | None) -> str:
    return (source_ip or "").strip()[:45] or UNKNOWN_SOURCE


def record_attempt(session: Session, source_ip: str, key: str, outcome: AttemptOutcome, now: dt.datetime) -> None:
    session.add(LoginAttempt(source_ip=source_ip, login_key=key, outcome=outcome, created_at=now))
    session.flush()
    if random.random() < 0.01:  # an occasional sweep keeps the table to a day of history
        purge_old_attempts(session, now)


def purge_old_attempts(session: Session, now: dt.datetime) -> int:
    result = session.exec(delete(LoginAttempt).where(col(LoginAttempt.created_at) < now - ATTEMPT_RETENTION))
    return result.rowcount or 0


def source_retry_at(session: Session, source_ip: str, now: dt.datetime) -> dt.datetime | None:
    """When the address may try again, or None when it may try now."""
    failures, last = session.exec(
        select(func.count(), func.max(LoginAttempt.created_at)).where(
            LoginAttempt.source_ip == source_ip,
            LoginAttempt.outcome == AttemptOutcome.FAILURE,
            LoginAttempt.created_at >= now - IP_WINDOW,
        )
    ).one()
    if failures <= IP_FREE_FAILURES:
        return None
    exponent = min(failures - IP_FREE_FAILURES - 1, 20)  # 1 s, 2 s, 4 s...
    delay = min(dt.timedelta(seconds=2**exponent), IP_MAX_DELAY)
    retry_at = as_utc(last) + delay
    return retry_at if retry_at > now else None


def unknown_login_locked_until(session: Session, key: str, now: dt.datetime) -> dt.datetime | None:
    """Replays the recorded failures of an identifier without account through the lock rule."""
    failures = session.exec(
        select(LoginAttempt.created_at)
        .where(
            LoginAttempt.login_key == key,
            LoginAttempt.outcome == AttemptOutcome.FAILURE,
            LoginAttempt.created_at >= now - ATTEMPT_RETENTION,
        )
        .order_by(col(LoginAttempt.created_at), col(LoginAttempt.id))
    ).all()
    count, locked_until = 0, None
    for moment in map(as_utc, failures):
        count += 1
        if count >= LOCK_AFTER_FAILURES:
            locked_until, count = moment + LOCK_DURATION, 0
    return locked_until if locked_until and locked_until > now else None


def as_utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back what was stored; every timestamp we write is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
