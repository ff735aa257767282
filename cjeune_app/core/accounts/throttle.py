"""Brakes on password guessing, kept in the `login_attempt` table (in the database, so that every
worker of every server sees the same counts).

- Per source address: the first IP_FREE_FAILURES failures in IP_WINDOW are free (a collège's
  whole class signs in from one address), then each further failure doubles the wait before
  the next try from that address, up to IP_MAX_DELAY.
- Per identifier, all sources together: past ACCOUNT_FREE_FAILURES failures in IP_WINDOW each try
  waits a little longer, never more than ACCOUNT_MAX_DELAY: guessing from many addresses is slowed
  down, and nobody can lock someone else out this way.
- Per identifier AND source: LOCK_AFTER_FAILURES failures from one address lock the identifier for
  that address only, LOCK_DURATION (replayed from the recorded attempts, whether the account
  exists or not, so that a lock never reveals an account). A right password from anywhere, or
  school staff giving a pupil a new password (`forget_failures`), starts the count again.
- The source is the peer's address; X-Forwarded-For is believed only when the peer is one of the
  configured trusted proxies (CJEUNE_TRUSTED_PROXIES), else anyone could pick their address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import random

from sqlmodel import Session, and_, col, delete, func, or_, select

from cjeune_app.core.accounts.models import AttemptOutcome, LoginAttempt
from cjeune_app.core.settings import settings

LOCK_AFTER_FAILURES = 5
LOCK_DURATION = dt.timedelta(minutes=15)

IP_WINDOW = dt.timedelta(minutes=15)
IP_FREE_FAILURES = 30
IP_MAX_DELAY = dt.timedelta(minutes=15)
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_MAX_DELAY = dt.timedelta(minutes=1)

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


def account_retry_at(session: Session, key: str, now: dt.datetime) -> dt.datetime | None:
    """When the identifier may be tried again from anywhere (the slow-down), or None when now."""
    failures, last = session.exec(
        select(func.count(), func.max(LoginAttempt.created_at)).where(
            LoginAttempt.login_key == key,
            LoginAttempt.outcome == AttemptOutcome.FAILURE,
            LoginAttempt.created_at >= now - IP_WINDOW,
        )
    ).one()
    if failures <= ACCOUNT_FREE_FAILURES:
        return None
    exponent = min(failures - ACCOUNT_FREE_FAILURES - 1, 20)
    retry_at = as_utc(last) + min(dt.timedelta(seconds=2**exponent), ACCOUNT_MAX_DELAY)
    return retry_at if retry_at > now else None


def locked_until(session: Session, key: str, source_ip: str, now: dt.datetime) -> dt.datetime | None:
    """Replays the identifier's failures from this source (a success from anywhere resets them)."""
    attempts = session.exec(
        select(LoginAttempt.created_at, LoginAttempt.outcome)
        .where(
            LoginAttempt.login_key == key,
            or_(and_(LoginAttempt.source_ip == source_ip, LoginAttempt.outcome == AttemptOutcome.FAILURE),
                LoginAttempt.outcome == AttemptOutcome.SUCCESS),
            LoginAttempt.created_at >= now - ATTEMPT_RETENTION,
        )
        .order_by(col(LoginAttempt.created_at), col(LoginAttempt.id))
    ).all()
    count, until = 0, None
    for moment, outcome in attempts:
        if outcome == AttemptOutcome.SUCCESS:
            count, until = 0, None
            continue
        count += 1
        if count >= LOCK_AFTER_FAILURES:
            until, count = as_utc(moment) + LOCK_DURATION, 0
    return until if until and until > now else None


def forget_failures(session: Session, key: str) -> None:
    """Lifts every lock of the identifier (school staff gave the pupil a new password)."""
    session.exec(delete(LoginAttempt).where(
        col(LoginAttempt.login_key) == key, col(LoginAttempt.outcome) == AttemptOutcome.FAILURE))


def client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the last address of
    X-Forwarded-For that is not itself a trusted proxy (what the nearest proxy saw)."""
    trusted = settings().trusted_proxy_networks
    if not peer or not trusted or not _is_trusted(peer, trusted):
        return peer
    chain = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(chain):
        if not _is_trusted(hop, trusted):
            return hop if _is_address(hop) else peer
    return peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def as_utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back what was stored; every timestamp we write is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
