"""Back-office accounts (agents, school staff) and what school staff do to their pupils'
accounts. Who may act is checked by the use cases (`core.use_cases.accounts`, `school`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app.core.accounts import throttle
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.letters import Letter, letters_pdf
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import (
    generate_temporary_password,
    hash_password,
)
from cjeune_app.core.accounts.sessions import revoke_all_sessions
from cjeune_app.core.accounts.sign_in import account_by_login
from cjeune_app.core.accounts.validation import email_error, name_error, password_error
from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enums import BACK_OFFICE_ROLES, Role
from cjeune_app.core.errors import Conflict, Forbidden, InvalidInput
from cjeune_app.core.establishments.models import Establishment, Pupil


class NotABackOfficeRole(InvalidInput):
    code = "not_a_back_office_role"

    def __init__(self, role: str) -> None:
        super().__init__(f"Rôle de gestion attendu ({', '.join(BACK_OFFICE_ROLES)}), reçu : {role}.")


class EmailAlreadyUsed(Conflict):
    code = "email_already_used"

    def __init__(self, email: str) -> None:
        super().__init__(f"Un compte utilise déjà l'adresse {email}.")


def create_back_office_account(
    session: Session,
    *,
    role: Role | str,
    email: str,
    first_name: str,
    last_name: str,
    establishment_id: int | None = None,
    password: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Account, str | None]:
    """An agent or a school staff account (operators' command). Without `password`, a temporary
    one is generated, returned once and must be changed at first sign-in."""
    now = now or utcnow()
    if role not in BACK_OFFICE_ROLES:
        raise NotABackOfficeRole(str(role))
    role = Role(role)
    email = normalize_email(email)
    found = {"email": email_error(email), "first_name": name_error(first_name, "prénom"),
             "last_name": name_error(last_name, "nom")}
    if role is Role.ESTABLISHMENT and establishment_id is None:
        found["establishment"] = "Un compte établissement doit être rattaché à un établissement (code UAI)."
    if password is not None:
        found["password"] = password_error(password)
    errors = {name: message for name, message in found.items() if message}
    if errors:
        raise FormErrors(errors)
    if account_by_login(session, email) is not None:
        raise EmailAlreadyUsed(email)
    temporary = None if password is not None else generate_temporary_password()
    account = Account(
        role=role, login=email, email=email, first_name=first_name.strip(), last_name=last_name.strip(),
        password_hash=hash_password(password if password is not None else temporary or ""),
        must_change_password=temporary is not None,
        establishment_id=establishment_id if role is Role.ESTABLISHMENT else None,
        email_verified_at=None, created_at=now,
    )
    session.add(account)
    session.flush()
    return account, temporary


@dataclass(frozen=True)
class PupilPasswordReset:
    login: str
    temporary_password: str  # shown once, printed on the letter
    letter_pdf: bytes


def reset_pupil_password(session: Session, pupil: Pupil) -> PupilPasswordReset:
    """A forgotten Eduprovence password: a new temporary one and a new letter.

    The pupil's sessions are closed, the lock lifted, and a new password must be chosen at the
    next sign-in.
    """
    account = session.exec(select(Account).where(Account.pupil_id == pupil.id).with_for_update()).one()
    assert account.id is not None
    password = generate_temporary_password()
    account.password_hash = hash_password(password)
    account.must_change_password = True
    account.failed_logins, account.locked_until = 0, None
    throttle.forget_failures(session, throttle.login_key(account.login))  # its locks, from every address
    revoke_all_sessions(session, account.id, now=utcnow())
    school = session.get(Establishment, pupil.establishment_id)
    if school is None:
        raise Forbidden()
    letter = Letter(pupil.first_name, pupil.last_name, pupil.class_name, school.name, account.login, password)
    return PupilPasswordReset(account.login, password, letters_pdf([letter]))


@dataclass(frozen=True)
class SchoolPupil:
    pupil_id: int
    last_name: str
    first_name: str
    class_name: str
    login: str


def pupils_of_school(session: Session, establishment_id: int) -> list[SchoolPupil]:
    """The pupils of one school, by class then name."""
    rows = session.exec(
        select(Pupil, Account.login)
        .join(Account, col(Account.pupil_id) == col(Pupil.id))
        .where(Pupil.establishment_id == establishment_id)
        .order_by(col(Pupil.class_name), col(Pupil.last_name), col(Pupil.first_name), col(Pupil.id))
    ).all()
    return [SchoolPupil(p.id, p.last_name, p.first_name, p.class_name, login) for p, login in rows if p.id]
