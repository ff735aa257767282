"""Builders of the guardians tests: a school, pupils, their responsables légaux."""

from __future__ import annotations

import datetime as dt

from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians.records import GuardianInput, check_guardian, set_guardians
from tests.core.accounts.builders import make_school

MOBILE = "06 12 34 56 78"
E164 = "+33612345678"


def make_family(session, mobile=MOBILE, email="marie.durand@exemple.fr",
                births=(dt.date(2013, 3, 14), dt.date(2011, 9, 2)), school=None):
    """A school (or `school`) and one pupil per birth date, each with the same guardian (mother)."""
    school = school or make_school(session)
    pupils = []
    for index, birth in enumerate(births):
        pupil = Pupil(establishment_id=school.id, last_name="Durand", first_name=["Léa", "Tom", "Zoé"][index],
                      birth_date=birth, class_name="5e B")
        session.add(pupil)
        session.flush()
        data, problems = check_guardian(GuardianInput("Durand", "Marie", "mère", mobile, email, "3 rue des Lilas 13001 Marseille"))
        assert not problems
        set_guardians(session, pupil, [data])
        pupils.append(pupil)
    return school, pupils
