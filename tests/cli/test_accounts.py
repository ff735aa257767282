"""`cjeune import-pupils` and `cjeune create-user`, run as an operator would."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlmodel import Session, func, select

from cjeune_app.cli import main
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sign_in import authenticate
from cjeune_app.core.db import engine_for
from cjeune_app.core.establishments.models import Pupil
from tests.core.accounts.builders import make_school

CSV = "nom;prénom;date de naissance;classe\nFernandez;Julie;14/03/2013;5e B\nFernandez;Jean;02/11/2012;4e A\n"


@pytest.fixture
def uai(db_url):
    with Session(engine_for(db_url)) as session:
        school = make_school(session)
        session.commit()
        return school.uai


def test_import_pupils_writes_the_letters_and_prints_no_password(db_url, uai, tmp_path):
    csv_file = tmp_path / "eleves.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    letters = tmp_path / "lettres.pdf"
    result = CliRunner().invoke(main, ["import-pupils", str(csv_file), "--establishment", uai.lower(),
                                       "--letters", str(letters), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [p["login"] for p in payload["created"]] == ["fernandezj@eduprovence.fr", "fernandezj2@eduprovence.fr"]
    assert payload["letters"] == str(letters)
    assert oct(letters.stat().st_mode & 0o777) == "0o600"
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(letters.read_bytes())).pages]
    assert len(pages) == 2 and "fernandezj2@eduprovence.fr" in pages[1]
    password = pages[0].split("Mot de passe temporaire : ")[1].split()[0]
    assert password not in result.output
    with Session(engine_for(db_url)) as session:
        assert authenticate(session, "fernandezj@eduprovence.fr", password, "127.0.0.1").must_change_password


def test_import_pupils_with_a_bad_row_creates_nothing(db_url, uai, tmp_path):
    csv_file = tmp_path / "eleves.csv"
    csv_file.write_text(CSV + "Durand;Paul;2012-13-01;4e A\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import-pupils", str(csv_file), "--establishment", uai, "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["code"] == "invalid_file"
    assert payload["errors"][0].startswith("Ligne 4 : la date de naissance « 2012-13-01 »")
    with Session(engine_for(db_url)) as session:
        assert session.exec(select(func.count()).select_from(Pupil)).one() == 0


def test_import_pupils_unknown_school(db_url, tmp_path):
    csv_file = tmp_path / "eleves.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["import-pupils", str(csv_file), "--establishment", "0999999Z"])
    assert result.exit_code == 1 and "Aucun établissement n'a le code UAI 0999999Z." in result.output


def test_create_user_prints_a_temporary_password_to_change(db_url, uai):
    result = CliRunner().invoke(main, ["create-user", "--role", "etablissement", "--email", "ATI@college.fr",
                                       "--first-name", "Nora", "--last-name", "Benali",
                                       "--establishment", uai, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["login"], payload["establishment"]) == ("ati@college.fr", uai)
    with Session(engine_for(db_url)) as session:
        outcome = authenticate(session, "ati@college.fr", payload["temporary_password"], "127.0.0.1")
        assert outcome.ok and outcome.must_change_password and outcome.account.role == "etablissement"


def test_create_user_reads_the_password_from_stdin(db_url):
    args = ["create-user", "--role", "agent", "--email", "agent@departement13.fr", "--first-name", "Marc",
            "--last-name", "Olive", "--password-stdin"]
    result = CliRunner().invoke(main, args, input="Departement13\n")
    assert result.exit_code == 0, result.output
    assert "Departement13" not in result.output and "Mot de passe temporaire" not in result.output
    with Session(engine_for(db_url)) as session:
        outcome = authenticate(session, "agent@departement13.fr", "Departement13", "127.0.0.1")
        assert outcome.ok and not outcome.must_change_password
    again = CliRunner().invoke(main, args, input="Departement13\n")
    assert again.exit_code == 1 and "Un compte utilise déjà l'adresse agent@departement13.fr." in again.output


def test_create_user_refuses_a_weak_password_and_a_school_account_without_school(db_url):
    weak = CliRunner().invoke(main, ["create-user", "--role", "agent", "--email", "a@departement13.fr",
                                     "--first-name", "A", "--last-name", "B", "--password-stdin"], input="faible\n")
    assert weak.exit_code == 1 and "au moins 8 caractères" in weak.output
    orphan = CliRunner().invoke(main, ["create-user", "--role", "etablissement", "--email", "b@college.fr",
                                       "--first-name", "A", "--last-name", "B"])
    assert orphan.exit_code == 1 and "rattaché à un établissement" in orphan.output
    with Session(engine_for(db_url)) as session:
        assert session.exec(select(func.count()).select_from(Account)).one() == 0


GUARDIANS_CSV = ("nom;prénom;date de naissance;classe;responsable 1 nom;responsable 1 prénom;responsable 1 lien;"
                 "responsable 1 mobile;responsable 1 e-mail\n"
                 "Fernandez;Julie;14/03/2013;5e B;Fernandez;Ana;mère;06 12 34 56 78;ana@exemple.fr\n")


def test_import_pupils_takes_the_guardians_columns(db_url, uai, tmp_path):
    from cjeune_app.core.guardians.models import Guardian

    csv_file = tmp_path / "eleves.csv"
    csv_file.write_text(GUARDIANS_CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["import-pupils", str(csv_file), "--establishment", uai, "--letters",
                                       str(tmp_path / "l.pdf"), "--json"])
    assert result.exit_code == 0, result.output
    with Session(engine_for(db_url)) as session:
        [guardian] = session.exec(select(Guardian)).all()
        assert (guardian.first_name, guardian.mobile, guardian.email) == ("Ana", "+33612345678", "ana@exemple.fr")


def test_import_pupils_refuses_a_malformed_guardian_mobile(db_url, uai, tmp_path):
    csv_file = tmp_path / "eleves.csv"
    csv_file.write_text(GUARDIANS_CSV.replace("06 12 34 56 78", "06 12"), encoding="utf-8")
    result = CliRunner().invoke(main, ["import-pupils", str(csv_file), "--establishment", uai, "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [
        "Ligne 2 : responsable 1, mobile : « 06 12 » n'est pas un numéro de téléphone : 10 chiffres commençant "
        "par 06 ou 07, par exemple 06 12 34 56 78."]
    with Session(engine_for(db_url)) as session:
        assert session.exec(select(func.count()).select_from(Pupil)).one() == 0
