"""Finding a beneficiary from what a family says on the phone: a name, the Eduprovence identifier,
the card number (or its last 4 digits with the name), the guardian's e-mail or mobile.

Every way is one indexed query (benchmark: bench/bench_assistance.py): names by prefix of the
lower-case last or first name (expression indexes of migration audit_assistance), the rest by
equality on an indexed column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.assistance import errors
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import NUMBER_LENGTH, mask_card_number, normalize_card_number
from cjeune_app.core.dates import format_date
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enrollment.models import Enrollment
from cjeune_app.core.enrollment.validation import PUPIL_EMAIL_DOMAIN, normalize_mobile
from cjeune_app.core.enums import CardStatus, Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.guardians.models import Guardian

MAX_HITS = 30
_LAST_DIGITS = re.compile(r"\d{4}")


@dataclass(frozen=True)
class PupilHit:
    pupil_id: int
    name: str  # "FERNANDEZ Julie"
    school: str
    class_name: str
    birth_date: str
    login: str  # Eduprovence identifier
    card: str  # masked number of the active (or last) card, "" when none


def _prefix(session: Session, column: Any, word: str) -> sa.ColumnElement[bool]:
    """`lower(column)` starts with `word` (lower case) as a range its expression index answers even
    in a prepared (generic) plan: on PostgreSQL with the byte-wise operators of text_pattern_ops
    (a LIKE with a bound pattern cannot use the index once psycopg prepares the statement)."""
    lowered = sa.func.lower(column)
    upper = word[:-1] + chr(ord(word[-1]) + 1)
    if session.get_bind().dialect.name == "postgresql":
        return sa.and_(lowered.op("~>=~")(word), lowered.op("~<~")(upper))
    return sa.and_(lowered >= word, lowered < upper)


def _name_condition(session: Session, words: list[str]) -> sa.ColumnElement[bool]:
    """Every word starts the last name or the first name (the longest word leads the index)."""
    words = sorted(words, key=len, reverse=True)
    lead = sa.or_(_prefix(session, col(Pupil.last_name), words[0]), _prefix(session, col(Pupil.first_name), words[0]))
    others = [
        sa.func.lower(col(Pupil.last_name) + " " + col(Pupil.first_name)).contains(word, autoescape=True)
        for word in words[1:]
    ]
    return sa.and_(lead, *others)


def _pupil_ids(session: Session, text: str) -> list[int]:
    cleaned = " ".join((text or "").split())
    if "@" in cleaned:
        return _by_email(session, normalize_email(cleaned))
    compact = normalize_card_number(cleaned)
    if compact.isdigit() and len(compact) == NUMBER_LENGTH:
        return list(session.exec(select(col(Card.pupil_id)).where(
            col(Card.number) == compact, col(Card.pupil_id).is_not(None))).all())  # type: ignore[arg-type]
    mobile = normalize_mobile(cleaned)
    if mobile is not None:  # a guardian's mobile, as the school gave it or as the family typed it
        ids = list(session.exec(select(col(Guardian.pupil_id)).where(col(Guardian.mobile) == mobile)).all())
        ids += session.exec(select(col(Enrollment.pupil_id)).where(col(Enrollment.mobile) == mobile)).all()
        return list(dict.fromkeys(ids))[:MAX_HITS]
    words = [w.lower() for w in re.split(r"[\s,;]+", cleaned) if w]
    digits = [w for w in words if _LAST_DIGITS.fullmatch(w)]
    names = [w.strip("-'") for w in words if not w.isdigit() and len(w.strip("-'")) >= 1]
    if digits and not names:
        raise errors.LastDigitsNeedAName()
    if not names or sum(len(w) for w in names) < 2:
        raise errors.SearchTooShort()
    query = select(col(Pupil.id)).where(_name_condition(session, names))
    if digits:
        query = query.where(sa.exists().where(
            col(Card.pupil_id) == col(Pupil.id), col(Card.number).endswith(digits[0])))
    found = list(session.exec(query.limit(MAX_HITS)).all())
    if len(names) == 1 and not digits:  # an identifier typed without "@eduprovence.fr"
        found += [i for i in _by_email(session, f"{names[0]}@{PUPIL_EMAIL_DOMAIN}") if i not in found]
    return [i for i in found if i is not None]


def _by_email(session: Session, email: str) -> list[int]:
    """The pupil whose Eduprovence identifier it is; the children of the parent account; the
    pupils whose enrollment or school record gives it as a guardian's address."""
    ids: list[int] = []
    for pupil_id in session.exec(select(col(Account.pupil_id)).where(
            col(Account.login) == email, col(Account.role) == Role.PUPIL)).all():
        ids.append(pupil_id) if pupil_id is not None else None
    ids += session.exec(
        select(col(ParentLink.pupil_id)).join(Account, col(Account.id) == col(ParentLink.parent_account_id))
        .where(col(Account.login) == email)
    ).all()
    ids += session.exec(select(col(Enrollment.pupil_id)).where(col(Enrollment.email) == email)).all()
    ids += session.exec(select(col(Guardian.pupil_id)).where(col(Guardian.email) == email)).all()
    return list(dict.fromkeys(ids))[:MAX_HITS]


def find_pupils(session: Session, text: str) -> list[PupilHit]:
    """The pupils matching what was typed, by name (at most MAX_HITS)."""
    ids = _pupil_ids(session, text)
    if not ids:
        return []
    rows = session.exec(
        select(Pupil, col(Establishment.name), col(Account.login))
        .join(Establishment, col(Establishment.id) == col(Pupil.establishment_id))
        .outerjoin(Account, col(Account.pupil_id) == col(Pupil.id))
        .where(col(Pupil.id).in_(ids))
        .order_by(col(Pupil.last_name), col(Pupil.first_name), col(Pupil.id))
    ).all()
    cards: dict[int, str] = {}
    for pupil_id, number, status in session.exec(
        select(col(Card.pupil_id), col(Card.number), col(Card.status)).where(col(Card.pupil_id).in_(ids))
        .order_by(col(Card.id))
    ).all():
        if pupil_id is not None and (status == CardStatus.ACTIVE or pupil_id not in cards):
            cards[pupil_id] = mask_card_number(number)
    return [
        PupilHit(pupil.id or 0, f"{pupil.last_name.upper()} {pupil.first_name}", school, pupil.class_name,
                 format_date(pupil.birth_date), login or "", cards.get(pupil.id or 0, ""))
        for pupil, school, login in rows
    ]
