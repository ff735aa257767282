"""The school's CSV takes the guardian columns (all or nothing, "Ligne N : ..."), and staff edit a
pupil's guardians on their page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians.errors import GuardianFormErrors
from cjeune_app.core.guardians.models import Guardian, GuardianRelation
from cjeune_app.core.guardians.records import GuardianInput, guardians_of_pupil
from cjeune_app.core.use_cases import guardians
from cjeune_app.core.use_cases.school import import_pupils
from tests.core.accounts.builders import actor_for, make_school

TODAY = dt.date(2026, 9, 15)
HEADER = ("Nom;Prénom;Date de naissance;Classe;Responsable 1 nom;Responsable 1 prénom;Responsable 1 lien;"
          "Responsable 1 mobile;Responsable 1 e-mail;Responsable 1 adresse;Responsable 2 nom;Responsable 2 prénom;"
          "Responsable 2 lien;Responsable 2 mobile;Responsable 2 e-mail;Responsable 2 adresse\n")
GOOD = (HEADER
        + "Durand;Léa;14/03/2013;5e B;Durand;Marie;Mère;06 12 34 56 78;marie.durand@exemple.fr;3 rue des Lilas 13001 Marseille;"
          "Durand;Paul;père;+33 6 98 76 54 32;;3 rue des Lilas 13001 Marseille\n"
        + "Durand;Tom;02/09/2011;3e A;Durand;Marie;mere;0612345678;;;;;;;;\n"
        + "Martin;Zoé;01/01/2013;5e B;;;;;;;;;;;;\n")


def pupil_id_of(session, first_name) -> int:
    pupil_id = session.exec(select(Pupil.id).where(Pupil.first_name == first_name)).one()
    session.rollback()  # the test's read ends before the use case writes (SQLite has one writer)
    return pupil_id


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def staff(session):
    school = make_school(session)
    account = Account(role=Role.ESTABLISHMENT, login="ati@sainte-victoire.fr", establishment_id=school.id)
    session.add(account)
    session.commit()
    return actor_for(account)


def test_the_csv_brings_the_guardians_with_normalised_mobiles(session, staff):
    result = import_pupils(staff, GOOD.encode(), today=TODAY)
    assert result.ok, result.errors
    lea = session.exec(select(Pupil).where(Pupil.first_name == "Léa")).one()
    marie, paul = guardians_of_pupil(session, lea.id)
    assert (marie.first_name, marie.relation, marie.mobile, marie.email) == (
        "Marie", GuardianRelation.MOTHER, "+33612345678", "marie.durand@exemple.fr")
    assert (paul.rank, paul.relation, paul.mobile, paul.email) == (2, GuardianRelation.FATHER, "+33698765432", None)
    assert count(session, Guardian) == 3  # Zoé has none


def test_a_malformed_mobile_refuses_the_whole_file_with_its_line(session, staff):
    bad = GOOD.replace("0612345678", "06 12 34").replace("Mère", "cousine")
    result = import_pupils(staff, bad.encode(), today=TODAY)
    assert not result.ok
    assert result.errors == [
        "Ligne 2 : responsable 1, lien : le lien « cousine » n'est pas reconnu (mère, père, tuteur ou autre).",
        "Ligne 3 : responsable 1, mobile : « 06 12 34 » n'est pas un numéro de téléphone : 10 chiffres "
        "commençant par 06 ou 07, par exemple 06 12 34 56 78.",
    ]
    assert count(session, Pupil) == 0 and count(session, Guardian) == 0


def test_pupil_and_guardian_errors_are_listed_together_by_line(session, staff):
    bad = GOOD.replace("02/09/2011", "31/02/2011").replace("06 12 34 56 78", "04 91 00 00 00")
    result = import_pupils(staff, bad.encode(), today=TODAY)
    assert [e.split(" :")[0] for e in result.errors] == ["Ligne 2", "Ligne 3"]
    assert "n'est pas un numéro de mobile" in result.errors[0]
    assert count(session, Pupil) == 0


def test_a_file_without_guardian_columns_keeps_the_recorded_guardians(session, staff):
    import_pupils(staff, GOOD.encode(), today=TODAY)
    again = import_pupils(staff, "Nom;Prénom;Date de naissance;Classe\nDurand;Léa;14/03/2013;5e B\n".encode(), today=TODAY)
    assert again.ok and again.already_known
    assert count(session, Guardian) == 3


def test_staff_edit_a_pupil_s_guardians(session, staff):
    import_pupils(staff, GOOD.encode(), today=TODAY)
    zoe_id = pupil_id_of(session, "Zoé")
    saved = guardians.save_pupil_guardians(staff, zoe_id, [
        GuardianInput("Martin", "Anne", "tutrice", "07 81 23 45 67", "", "1 place Jean Jaurès 13005 Marseille"),
        GuardianInput(),
    ])
    assert [(g.first_name, g.relation, g.mobile) for g in saved.guardians] == [("Anne", GuardianRelation.TUTOR, "+33781234567")]
    assert guardians.pupil_guardians(staff, zoe_id).guardians == saved.guardians


def test_bad_guardian_fields_are_refused_by_field_and_nothing_is_saved(session, staff):
    import_pupils(staff, GOOD.encode(), today=TODAY)
    zoe_id = pupil_id_of(session, "Zoé")
    with pytest.raises(GuardianFormErrors) as refused:
        guardians.save_pupil_guardians(staff, zoe_id, [
            GuardianInput("Martin", "Anne", "tutrice", "07 81 23 45 67", "", ""),
            GuardianInput("Martin", "", "père", "01 23 45 67 89", "", ""),
        ])
    assert set(refused.value.fields) == {"g2_first_name", "g2_mobile"}
    assert refused.value.fields["g2_mobile"].startswith("« 01 23 45 67 89 » n'est pas un numéro de mobile")
    assert guardians.pupil_guardians(staff, zoe_id).guardians == []


def test_staff_of_another_school_cannot_see_or_edit(session, staff):
    import_pupils(staff, GOOD.encode(), today=TODAY)
    lea_id = pupil_id_of(session, "Léa")
    other = make_school(session, digits="0131802", name="Collège du Vieux-Port")
    intruder = Account(role=Role.ESTABLISHMENT, login="ati@vieux-port.fr", establishment_id=other.id)
    session.add(intruder)
    session.commit()
    with pytest.raises(Forbidden):
        guardians.pupil_guardians(actor_for(intruder), lea_id)
    with pytest.raises(Forbidden):
        guardians.save_pupil_guardians(actor_for(intruder), lea_id, [GuardianInput("X", "Y", "", "06 12 34 56 78")])
