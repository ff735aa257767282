"""A pupil's record with its Eduprovence account, made by the school's import."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from cjeune_app.core.accounts.identifiers import next_free_login
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import generate_temporary_password, hash_password
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment, Pupil


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
    assert establishment.id is not None
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
        password_hash=temporary_password_hash or hash_password(password),
        must_change_password=True,
        pupil_id=pupil.id,
        establishment_id=establishment.id,
    )
    session.add(account)
    session.flush()
    return pupil, account, password
