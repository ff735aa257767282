"""A school imports its pupils from a CSV file and prints the letters; staff reset passwords."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.password_change import change_password
from cjeune_app.core.accounts.pupil_import import import_pupils_csv
from cjeune_app.core.accounts.sessions import account_for_token, open_session
from cjeune_app.core.accounts.sign_in import authenticate
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden as PermissionDenied
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.use_cases.school import import_pupils, reset_pupil_password
from tests.core.accounts.builders import actor_for, make_school

TODAY = dt.date(2026, 9, 15)
IP = "203.0.113.7"

GOOD_CSV = (
    "\ufeffNom;Prénom;Date de naissance;Classe\n"
    "Fernandez;Julie;14/03/2013;5e B\n"
    "Martin;Léa;21/06/2014;6e C\n"
    "Fernandez;Jules;02/11/2012;4e A\n"
    "\n"
    "N'Diaye;Aminata;8/1/2013;5e A\n"
).encode("utf-8")


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, line breaks turned into spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def password_on(page_text: str) -> str:
    return re.search(r"Mot de passe temporaire :\s*(\S+)", page_text).group(1)


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def school(session):
    school = make_school(session)
    session.commit()
    return school


def test_good_file_creates_accounts_and_one_letter_per_pupil(session, school):
    result = import_pupils_csv(session, school, GOOD_CSV, today=TODAY)
    session.commit()
    assert result.ok, result.errors
    assert [(p.first_name, p.login) for p in result.created] == [
        ("Julie", "fernandezj@eduprovence.fr"),
        ("Léa", "martinl@eduprovence.fr"),
        ("Jules", "fernandezj2@eduprovence.fr"),  # homonym: numbered
        ("Aminata", "ndiayea@eduprovence.fr"),
    ]
    aminata = session.exec(select(Pupil).where(Pupil.first_name == "Aminata")).one()
    assert (aminata.birth_date, aminata.class_name) == (dt.date(2013, 1, 8), "5e A")

    pages = pdf_pages(result.letters_pdf)
    assert len(pages) == 4
    julie_page = pages[0]
    for expected in ("fernandezj@eduprovence.fr", "Julie FERNANDEZ", "Collège Sainte-Victoire", "5e B",
                     "Collégien·ne", "Au moins 8 caractères".lower(), "Pronote", "ATI"):
        assert expected in julie_page
    assert "Léa MARTIN" in pages[1] and "martinl@eduprovence.fr" in pages[1]

    # the password printed on the letter is the one that works, and must be changed
    passwords = [password_on(page) for page in pages]
    assert len(set(passwords)) == 4
    outcome = authenticate(session, "fernandezj@eduprovence.fr", passwords[0], IP)
    assert outcome.ok and outcome.must_change_password
    assert authenticate(session, "fernandezj2@eduprovence.fr", passwords[0], IP).status == "invalid"
    stored = session.exec(select(Account.password_hash)).all()
    assert all(h.startswith("$argon2id$") for h in stored) and not any(p in "".join(stored) for p in passwords)


def test_latin1_file_with_commas_and_division_column(session, school):
    content = "NOM,PRENOM,DATE DE NAISSANCE,DIVISION\nGérard,Zoé,01/02/2013,5E2\n".encode("latin-1")
    result = import_pupils_csv(session, school, content, today=TODAY)
    assert result.ok, result.errors
    assert [(p.last_name, p.first_name, p.class_name, p.login) for p in result.created] == [
        ("Gérard", "Zoé", "5E2", "gerardz@eduprovence.fr")]


def test_bad_rows_are_reported_by_line_and_nothing_is_created(session, school):
    content = (
        "nom;prénom;date de naissance;classe\n"
        "Fernandez;Julie;14/03/2013;5e B\n"
        "Martin;Léa;31/02/2014;6e C\n"
        ";Paul;02/11/2012;4e A\n"
        "Durand;Hugo;12/05/2024;6e A\n"
        "Fernandez;Julie;14/03/2013;5e B\n"
        "Rossi;Marco\n"
    ).encode()
    result = import_pupils_csv(session, school, content, today=TODAY)
    session.commit()
    assert not result.ok and result.created == [] and result.letters_pdf is None
    assert result.errors == [
        "Ligne 3 : la date de naissance « 31/02/2014 » n'est pas une date jj/mm/aaaa (exemple : 14/03/2013).",
        "Ligne 4 : le nom est vide.",
        "Ligne 5 : la date de naissance 12/05/2024 donne 2 ans, ce qui ne peut pas être celui d'un élève : "
        "vérifiez l'année.",
        "Ligne 6 : même élève que la ligne 2 (nom, prénom et date de naissance) : supprimez l'une des deux lignes.",
        "Ligne 7 : 2 colonne(s) au lieu d'au moins 4 : vérifiez le séparateur (; ou ,) et les guillemets.",
    ]
    assert count(session, Pupil) == 0 and count(session, Account) == 0


def test_missing_column_is_named(session, school):
    result = import_pupils_csv(session, school, b"nom;prenom;classe\nFernandez;Julie;5e B\n", today=TODAY)
    assert result.errors == [
        "Ligne 1 : colonne(s) manquante(s) : date de naissance. La première ligne doit nommer les colonnes : "
        "nom ; prénom ; date de naissance ; classe."]


def test_importing_the_same_list_again_creates_only_the_newcomers(session, school):
    import_pupils_csv(session, school, GOOD_CSV, today=TODAY)
    session.commit()
    again = import_pupils_csv(session, school, GOOD_CSV + b"Blanc;Tom;03/03/2014;6e A\n", today=TODAY)
    session.commit()
    assert [p.login for p in again.created] == ["blanct@eduprovence.fr"]
    assert len(again.already_known) == 4 and again.already_known[0].startswith("Ligne 2 : Julie Fernandez")
    assert len(pdf_pages(again.letters_pdf)) == 1
    assert count(session, Pupil) == 5


def test_staff_import_only_for_their_own_school(session, school):
    other = make_school(session, "0133352", "Collège du Vieux-Port", "13202")
    staff = Account(role=Role.ESTABLISHMENT, login="ati@vieux-port.fr", establishment_id=other.id)
    pupil_account = Account(role=Role.PUPIL, login="x@eduprovence.fr")
    session.add(staff)
    session.commit()
    for someone in (staff, pupil_account):
        with pytest.raises(PermissionDenied):
            import_pupils(actor_for(someone), GOOD_CSV, establishment_id=school.id, today=TODAY)
    assert import_pupils(actor_for(staff), GOOD_CSV, establishment_id=other.id, today=TODAY).ok


def test_staff_reset_a_forgotten_password(session, school):
    result = import_pupils_csv(session, school, GOOD_CSV, today=TODAY)
    julie_id = result.created[0].pupil_id
    first_password = password_on(pdf_pages(result.letters_pdf)[0])
    julie = session.exec(select(Account).where(Account.pupil_id == julie_id)).one()
    assert change_password(session, julie, first_password, "Soleil2026").ok
    token = open_session(session, julie, remember=True)
    staff = Account(role=Role.ESTABLISHMENT, login="ati@sainte-victoire.fr", establishment_id=school.id)
    session.add(staff)
    session.commit()

    reset = reset_pupil_password(actor_for(staff), julie_id)
    session.commit()
    session.expire_all()  # the use case wrote through its own transaction
    [page] = pdf_pages(reset.letter_pdf)
    assert password_on(page) == reset.temporary_password and "fernandezj@eduprovence.fr" in page
    assert account_for_token(session, token) is None
    assert authenticate(session, julie.login, "Soleil2026", IP).status == "invalid"
    assert authenticate(session, julie.login, reset.temporary_password, IP).must_change_password


def test_staff_cannot_reset_a_pupil_of_another_school(session, school):
    result = import_pupils_csv(session, school, GOOD_CSV, today=TODAY)
    other = make_school(session, "0133352", "Collège du Vieux-Port", "13202")
    outsider = Account(role=Role.ESTABLISHMENT, login="ati@vieux-port.fr", establishment_id=other.id)
    parent = Account(role=Role.PARENT, login="p@exemple.fr")
    session.add_all([outsider, parent])
    session.commit()
    for someone in (outsider, parent):
        with pytest.raises(PermissionDenied):
            reset_pupil_password(actor_for(someone), result.created[0].pupil_id)
