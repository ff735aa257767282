"""Small builders of real rows for tests (no mocks): a school, a pupil with an account, a season."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import Session

from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.checksums import uai_key
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.seasons.api import get_or_create_season

_serial = itertools.count(1)


def make_school(session: Session, commune_insee: str = "13001") -> Establishment:
    digits = f"013{next(_serial):04d}"
    school = Establishment(uai=digits + uai_key(digits), name=f"Collège n°{digits}", commune_insee=commune_insee)
    session.add(school)
    session.flush()
    return school


def make_pupil(session: Session, last_name: str = "Fernandez", first_name: str = "Julie", school=None):
    """Returns (pupil, account, temporary_password)."""
    school = school or make_school(session)
    return create_pupil_with_account(session, school, last_name, first_name, dt.date(2013, 3, 14), "5e B")


def make_season(session: Session, code: str = "2026-2027"):
    return get_or_create_season(session, code)
