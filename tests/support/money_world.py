"""A small world for the money tests: a current season, a school, youths with accounts, card stock,
a partner. Built with the real tables (no mocks); accounts get no password (no hashing cost)."""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass, field

from sqlmodel import Session

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.cards.printing import issue_cards
from cjeune_app.core.checksums import uai_key
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.models import Enrollment
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.formats import paris_today
from cjeune_app.core.photos.models import Photo
from cjeune_app.core.seasons.api import get_or_create_season, season_code_for
from cjeune_app.core.seasons.models import Season
from tests.core.partners.builders import add_partner

_serial = itertools.count(1)


@dataclass
class Youth:
    pupil_id: int
    account_id: int
    parent_account_id: int


@dataclass
class World:
    season: Season
    uai: str
    youths: list[Youth]
    cards: list[str]  # numbers in stock
    partner_id: int
    other_partner_id: int
    spare: list[str] = field(default_factory=list)


def add_youth(session: Session, school: Establishment, season: Season, *, enrolled=True, photo="pending") -> Youth:
    n = next(_serial)
    pupil = Pupil(establishment_id=school.id, last_name=f"Élève{n}", first_name="Test",
                  birth_date=paris_today().replace(year=2013), class_name="5e A")
    session.add(pupil)
    session.flush()
    account = Account(role=Role.PUPIL, login=f"eleve{n}-{random.random()}@eduprovence.fr", pupil_id=pupil.id)
    parent = Account(role=Role.PARENT, login=f"parent{n}-{random.random()}@exemple.fr")
    session.add_all([account, parent])
    session.flush()
    session.add(ParentLink(parent_account_id=parent.id, pupil_id=pupil.id))
    if enrolled:
        session.add(Enrollment(pupil_id=pupil.id, season_id=season.id, status="completed", completed_at=utcnow()))
    if photo:
        session.add(Photo(storage_key=uuid.uuid4().hex, pupil_id=pupil.id, status=photo))
    session.flush()
    return Youth(pupil.id, account.id, parent.id)


def build_world(session: Session, youths: int = 3, cards: int = 10, season_code: str | None = None) -> World:
    season = get_or_create_season(session, season_code or season_code_for(paris_today()))
    digits = f"{random.randrange(10**6, 10**7):07d}"
    school = Establishment(uai=digits + uai_key(digits), name="Collège Test", commune_insee="13001")
    session.add(school)
    session.flush()
    people = [add_youth(session, school, season) for _ in range(youths)]
    batch = issue_cards(session, school.uai, cards)
    partner = add_partner(session, "Judo Club Aix", ()).id
    other = add_partner(session, "Cours Réussite Marseille", ()).id
    session.commit()
    return World(season, school.uai, people, list(batch.numbers), partner, other)
