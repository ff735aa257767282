"""Schools and the pupil records they import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from cjeune_app.core.accounts.api import revoke_all_sessions
from cjeune_app.core.accounts.identifiers import next_free_login
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import generate_temporary_password, hash_temporary_password
from cjeune_app.core.accounts.permissions import require_pupil_access, require_role
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.letters import Letter, letters_pdf
from cjeune_app.core.establishments.models import Establishment, Pupil


def establishment_by_uai(session: Session, uai: str) -> Establishment | None:
    return session.exec(select(Establishment).where(Establishment.uai == uai.strip().upper())).first()


def create_pupil_with_account(
    session: Session,
    establishment: Establishment,
    last_name: str,
    first_name: str,
    birth_date: dt.date,
    class_name: str,
    temporary_password: str | None = None,
    temporary_password_hash: str | None = None,
) -> tuple[Pupil, Account, str]:
    """Pupil record + Eduprovence account with a temporary password (returned once, for the letter).

    `temporary_password_hash`: the password's hash when already computed (batch imports hash
    them in parallel).
    """
    pupil = Pupil(
        establishment_id=establishment.id,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        birth_date=birth_date,
        class_name=class_name.strip(),
    )
    session.add(pupil)
    session.flush()
    password = temporary_password or generate_temporary_password()
    account = Account(
        role=Role.PUPIL,
        login=next_free_login(session, last_name, first_name),
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        password_hash=temporary_password_hash or hash_temporary_password(password),
        must_change_password=True,
        pupil_id=pupil.id,
        establishment_id=establishment.id,
    )
    session.add(account)
    session.flush()
    return pupil, account, password


@dataclass(frozen=True)
class PupilPasswordReset:
    login: str
    temporary_password: str  # shown once, printed on the letter
    letter_pdf: bytes


def reset_pupil_password(session: Session, staff: Account, pupil_id: int) -> PupilPasswordReset:
    """A forgotten Eduprovence password: a new temporary one and a new letter.

    School staff reset their own pupils only (agents, any pupil). The pupil's sessions are
    closed, the lock lifted, and a new password must be chosen at the next sign-in.
    """
    require_role(staff, Role.ESTABLISHMENT, Role.AGENT)
    pupil = require_pupil_access(session, staff, pupil_id)
    account = session.exec(select(Account).where(Account.pupil_id == pupil.id).with_for_update()).one()
    password = generate_temporary_password()
    account.password_hash = hash_temporary_password(password)
    account.must_change_password = True
    account.failed_logins, account.locked_until = 0, None
    revoke_all_sessions(session, account.id, now=utcnow())
    school = session.get(Establishment, pupil.establishment_id)
    letter = Letter(pupil.first_name, pupil.last_name, pupil.class_name, school.name, account.login, password)
    return PupilPasswordReset(account.login, password, letters_pdf([letter]))


@dataclass(frozen=True)
class SchoolPupil:
    pupil_id: int
    last_name: str
    first_name: str
    class_name: str
    login: str


def pupils_of_school(session: Session, staff: Account) -> list[SchoolPupil]:
    """The pupils of the staff member's own school, by class then name."""
    require_role(staff, Role.ESTABLISHMENT)
    rows = session.exec(
        select(Pupil, Account.login)
        .join(Account, Account.pupil_id == Pupil.id)
        .where(Pupil.establishment_id == staff.establishment_id)
        .order_by(Pupil.class_name, Pupil.last_name, Pupil.first_name, Pupil.id)
    ).all()
    return [SchoolPupil(p.id, p.last_name, p.first_name, p.class_name, login) for p, login in rows]
