"""Proving to be a guardian the school knows: a one-time code sent by SMS to the mobile, then the
birth date of each child attached to that number. Shared by the auto-inscription and the first
FranceConnect visit.

The steps, each one call:
1. `send_code(session, mobile, source_ip)`: a 6-digit code, valid CODE_VALIDITY. The answer and the
   work done are the same whether a school knows the number or not (no SMS leaves for an unknown
   number, after commit, from the courier thread: no timing difference in the request).
2. `check_code(session, mobile, code, source_ip) -> proof`: MAX_WRONG_TRIES wrong tries void the
   code. The right code returns a random proof (only its hash is stored), valid PROOF_VALIDITY.
3. `children_to_verify(session, proof)` then `check_birth_dates(session, proof, dates)`:
   MAX_DATE_TRIES wrong sets void the proof (a new code is needed).
4. `verified_guardian_rows(session, proof)` (dates checked, proof not spent) and `spend_proof`.

Brakes, counted from the `phone_code` rows (so they hold across every worker and server): at most
CODES_PER_NUMBER codes per number and CODES_PER_ADDRESS per source address in CODE_WINDOW.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from cjeune_app.core.accounts.throttle import as_utc, source_key
from cjeune_app.core.db import utcnow
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians.errors import (
    CodeAlreadyUsed,
    CodeBlocked,
    CodeExpired,
    InvalidMobile,
    MalformedCode,
    MissingBirthDates,
    NoChildForNumber,
    NoCodeInProgress,
    TooManyCodesForNumber,
    TooManyCodesFromAddress,
    VerificationExpired,
    WrongBirthDates,
    WrongCode,
)
from cjeune_app.core.guardians.models import Guardian, PhoneCode
from cjeune_app.core.guardians.records import children_of_guardian, guardians_by_mobile, mobile_is_known
from cjeune_app.core.notifications.sms import queue_sms
from cjeune_app.core.phones import mobile_problem, normalize_mobile
from cjeune_app.core.settings import settings

CODE_DIGITS = 6
CODE_VALIDITY = dt.timedelta(minutes=10)
MAX_WRONG_TRIES = 3
CODE_WINDOW = dt.timedelta(hours=1)
CODES_PER_NUMBER = 3
CODES_PER_ADDRESS = 10  # a family or a small office behind one address; a flood is stopped
PROOF_VALIDITY = dt.timedelta(minutes=30)
MAX_DATE_TRIES = 3


def code_sms_text(code: str) -> str:
    minutes = int(CODE_VALIDITY.total_seconds() // 60)
    return (f"CJeune de Provence : votre code de vérification est {code}. Il est valable {minutes} minutes. "
            "Ne le communiquez à personne.")


def mobile_or_refuse(mobile: str) -> str:
    e164 = normalize_mobile(mobile)
    if e164 is None:
        problem = mobile_problem(mobile)
        raise InvalidMobile(problem[0].upper() + problem[1:] + "." if problem else None)
    return e164


def mobile_key(e164: str) -> str:
    """Keyed hash of the number: the table of codes says nothing about who asked."""
    return hmac.new(settings().phone_hash_key.encode(), e164.encode(), hashlib.sha256).hexdigest()


def _code_hash(salt: str, code: str) -> str:
    return hmac.new(salt.encode(), code.encode(), hashlib.sha256).hexdigest()


def _proof_hash(proof: str) -> str:
    return hashlib.sha256(proof.encode()).hexdigest()


@dataclass(frozen=True)
class CodeSent:
    mobile: str  # E.164
    expires_at: dt.datetime


def send_code(session: Session, mobile: str, source_ip: str | None, *, now: dt.datetime | None = None) -> CodeSent:
    """Step 1. Raises InvalidMobile, TooManyCodesFromAddress or TooManyCodesForNumber."""
    now = now or utcnow()
    e164 = mobile_or_refuse(mobile)
    source, key = source_key(source_ip), mobile_key(e164)
    _serialize(session, f"phone-source:{source}", f"phone-number:{key}")
    since = now - CODE_WINDOW
    count, first = session.exec(
        select(func.count(), func.min(PhoneCode.created_at)).where(
            PhoneCode.source_ip == source, PhoneCode.created_at >= since)
    ).one()
    if count >= CODES_PER_ADDRESS:
        raise TooManyCodesFromAddress(_seconds_until(as_utc(first) + CODE_WINDOW, now))
    count, first = session.exec(
        select(func.count(), func.min(PhoneCode.created_at)).where(
            PhoneCode.mobile_key == key, PhoneCode.created_at >= since)
    ).one()
    if count >= CODES_PER_NUMBER:
        raise TooManyCodesForNumber(CODES_PER_NUMBER, _seconds_until(as_utc(first) + CODE_WINDOW, now))
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    expires_at = now + CODE_VALIDITY
    session.add(PhoneCode(mobile_key=key, source_ip=source, code_hash=_code_hash(salt, code), salt=salt,
                          created_at=now, expires_at=expires_at))
    session.flush()
    queue_sms(session, e164, code_sms_text(code), sent=mobile_is_known(session, e164))
    return CodeSent(e164, expires_at)


def _serialize(session: Session, *names: str) -> None:
    """Requests counting the same rows wait for each other, so that two at once cannot both pass
    a limit. PostgreSQL: transaction-scoped advisory locks, always taken in this order (address,
    then number: no deadlock). SQLite: BEGIN IMMEDIATE already makes writers take turns."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in names:
        lock_id = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": lock_id})


def _seconds_until(moment: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((moment - now).total_seconds()))


def check_code(session: Session, mobile: str, code: str, source_ip: str | None = None, *,
               now: dt.datetime | None = None) -> str:
    """Step 2: the proof (a random string, to keep server-side) once the right code is typed."""
    now = now or utcnow()
    e164 = mobile_or_refuse(mobile)
    typed = "".join((code or "").split())
    if len(typed) != CODE_DIGITS or not typed.isdigit():
        raise MalformedCode()
    row = session.exec(
        select(PhoneCode).where(PhoneCode.mobile_key == mobile_key(e164))
        .order_by(col(PhoneCode.created_at).desc(), col(PhoneCode.id).desc()).limit(1).with_for_update()
    ).first()
    if row is None:
        raise NoCodeInProgress()
    if row.verified_at is not None:
        raise CodeAlreadyUsed()
    if row.wrong_tries >= MAX_WRONG_TRIES:
        raise CodeBlocked()
    if as_utc(row.expires_at) <= now:
        raise CodeExpired()
    if not hmac.compare_digest(_code_hash(row.salt, typed), row.code_hash):
        row.wrong_tries += 1
        session.add(row)
        session.flush()
        raise WrongCode(MAX_WRONG_TRIES - row.wrong_tries)
    # The proof names the number (its holder typed it) so that it leads back to the guardian
    # rows, while the table keeps only hashes; the random part makes it unguessable.
    proof = f"{e164}.{secrets.token_urlsafe(32)}"
    row.verified_at = now
    row.proof_hash = _proof_hash(proof)
    row.proof_expires_at = now + PROOF_VALIDITY
    session.add(row)
    session.flush()
    return proof


def _live_proof(session: Session, proof: str, now: dt.datetime, *, lock: bool = True) -> PhoneCode:
    query = select(PhoneCode).where(PhoneCode.proof_hash == _proof_hash(proof or ""))
    row = session.exec(query.with_for_update() if lock else query).first() if proof else None
    if row is None or row.used_at is not None or row.proof_expires_at is None:
        raise VerificationExpired()
    if not hmac.compare_digest(row.mobile_key, mobile_key(_proof_mobile(proof))):
        raise VerificationExpired()
    if as_utc(row.proof_expires_at) <= now or row.date_tries >= MAX_DATE_TRIES:
        raise VerificationExpired()
    return row


def _proof_mobile(proof: str) -> str:
    return (proof or "").split(".", 1)[0]


def _rows_and_children(session: Session, proof: str) -> tuple[list[Guardian], list[Pupil]]:
    rows = guardians_by_mobile(session, _proof_mobile(proof))
    children = children_of_guardian(session, rows)
    if not children:
        raise NoChildForNumber()
    return rows, children


@dataclass(frozen=True)
class ChildToVerify:
    first_name: str


def children_to_verify(session: Session, proof: str, *, now: dt.datetime | None = None) -> list[ChildToVerify]:
    """Step 3a: whose birth dates to ask (first names, in the order `check_birth_dates` expects)."""
    _live_proof(session, proof, now or utcnow(), lock=False)
    _, children = _rows_and_children(session, proof)
    return [ChildToVerify(child.first_name) for child in children]


def check_birth_dates(session: Session, proof: str, birth_dates: list[dt.date | None], *,
                      now: dt.datetime | None = None) -> None:
    """Step 3b: one date per child, in the order of `children_to_verify`. Already checked: nothing to do."""
    now = now or utcnow()
    row = _live_proof(session, proof, now)
    if row.dates_verified_at is not None:
        return
    _, children = _rows_and_children(session, proof)
    if len(birth_dates) != len(children) or any(date is None for date in birth_dates):
        raise MissingBirthDates()
    if any(date != child.birth_date for date, child in zip(birth_dates, children, strict=True)):
        row.date_tries += 1
        session.add(row)
        session.flush()
        raise WrongBirthDates(MAX_DATE_TRIES - row.date_tries)
    row.dates_verified_at = now
    session.add(row)
    session.flush()


def verified_guardian_rows(session: Session, proof: str, *, now: dt.datetime | None = None) -> list[Guardian]:
    """Step 4: the guardian rows of a proof whose code and birth dates were right and which has not
    opened or linked an account yet. VerificationExpired otherwise."""
    row = _live_proof(session, proof, now or utcnow())
    if row.dates_verified_at is None:
        raise VerificationExpired()
    rows, _ = _rows_and_children(session, proof)
    return rows


def spend_proof(session: Session, proof: str, *, now: dt.datetime | None = None) -> None:
    """The proof has opened or linked an account: it cannot serve again."""
    now = now or utcnow()
    row = _live_proof(session, proof, now)
    row.used_at = now
    session.add(row)
    session.flush()
