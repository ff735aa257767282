"""Real rows for the téléservices tests: a school with staff, a parent with a child, an agent."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import Session

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.dates import PARIS
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.use_cases.sessions import actor_of
from tests.core.factories import make_pupil, make_school

_serial = itertools.count(1)


def paris(year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> dt.datetime:
    """A Paris wall-clock moment, as the aware UTC moment core receives."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=PARIS).astimezone(dt.UTC)


def staff_of(session: Session, school: Establishment, name: str = "Claire"):
    account = Account(role=Role.ESTABLISHMENT, login=f"staff{next(_serial)}@college.fr", first_name=name,
                      establishment_id=school.id)
    session.add(account)
    session.flush()
    return actor_of(session, account)


def agent(session: Session):
    account = Account(role=Role.AGENT, login=f"agent{next(_serial)}@departement13.fr", first_name="Agnès")
    session.add(account)
    session.flush()
    return actor_of(session, account)


def parent_with_child(session: Session, school: Establishment | None = None,
                      email: str | None = None) -> tuple[object, Pupil]:
    school = school or make_school(session)
    pupil, _, _ = make_pupil(session, "Martin", "Léa", school=school)
    parent = Account(role=Role.PARENT, login=email or f"parent{next(_serial)}@exemple.fr",
                     email=email or f"parent{next(_serial)}@exemple.fr", first_name="Sofia")
    session.add(parent)
    session.flush()
    session.add(ParentLink(parent_account_id=parent.id, pupil_id=pupil.id))
    session.flush()
    return actor_of(session, parent), pupil


HOUSEHOLD = {"guardians": "Sofia Martin", "dependent_children": "2"}
RESOURCES = {"rfr_euros": "11 000", "avis_year": "2026"}
