"""The school routes: only a school's own staff import pupils and reset their passwords; an
oversized file is refused; a bad file creates nobody."""

from __future__ import annotations

import base64
import io

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import func, select

from cjeune_app.api import create_api
from cjeune_app.api.school import router
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.pupil_import import MAX_FILE_BYTES
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.accounts.sign_in import authenticate
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Pupil
from tests.core.factories import make_pupil, make_school
from tests.support.site_client import site_client

GOOD_CSV = "nom;prénom;date de naissance;classe\nZeller;Hugo;02/02/2013;5e A\n".encode()


@pytest.fixture
def world(session):
    school, other_school = make_school(session), make_school(session)
    pupil, pupil_account, _ = make_pupil(session, "Fernandez", "Julie", school=school)
    other_pupil, _, _ = make_pupil(session, "Durand", "Paul", school=other_school)
    accounts = {
        "staff": Account(role=Role.ESTABLISHMENT, login="ati@college.fr", establishment_id=school.id),
        "agent": Account(role=Role.AGENT, login="agent@departement13.fr"),
        "pupil": pupil_account,
    }
    tokens = {}
    for who, account in accounts.items():
        account.must_change_password = False
        session.add(account)
        session.flush()
        tokens[who] = open_session(session, account, remember=False)
    session.commit()
    return {"tokens": tokens, "school_id": school.id, "pupil_id": pupil.id, "other_pupil_id": other_pupil.id}


def client(token: str | None) -> TestClient:
    return site_client(create_api(site_routers=[router]), token)


def send(token, content: bytes = GOOD_CSV):
    return client(token).post("/etablissement/import", files={"fichier": ("eleves.csv", content, "text/csv")})


def pupils_count(session, school_id: int) -> int:
    session.expire_all()
    count = session.exec(select(func.count()).select_from(Pupil).where(Pupil.establishment_id == school_id)).one()
    session.rollback()  # ends the transaction: the routes write with their own
    return count


def test_only_school_staff_may_import(world, session):
    statuses = {who: send(world["tokens"].get(who)).status_code for who in ("agent", "pupil", "signed out")}
    assert statuses == {"agent": 403, "pupil": 403, "signed out": 401}
    assert pupils_count(session, world["school_id"]) == 1
    answer = send(world["tokens"]["staff"])
    assert answer.status_code == 200 and answer.headers["cache-control"] == "private, no-store"
    [created] = answer.json()["created"]
    assert created["login"].startswith("zellerh")
    letters = PdfReader(io.BytesIO(base64.b64decode(answer.json()["letters_pdf"])))
    assert created["login"] in letters.pages[0].extract_text()
    assert pupils_count(session, world["school_id"]) == 2


def test_a_bad_row_creates_nobody_and_an_oversized_file_is_refused(world, session):
    bad = GOOD_CSV + "Zeller;Inès;31/02/2013;5e A\n".encode()
    answer = send(world["tokens"]["staff"], bad).json()
    assert answer["created"] == [] and answer["letters_pdf"] is None
    assert answer["errors"][0].startswith("Ligne 3 : la date de naissance")
    too_big = send(world["tokens"]["staff"], GOOD_CSV + b"x" * MAX_FILE_BYTES)
    assert too_big.status_code == 413 and "découpez-le" in too_big.json()["message"]
    assert pupils_count(session, world["school_id"]) == 1


def test_staff_reset_their_own_pupils_passwords_only(world, session):
    staff = client(world["tokens"]["staff"])
    refused = staff.post(f"/etablissement/eleves/{world['other_pupil_id']}/mot-de-passe")
    assert refused.status_code == 404
    answer = staff.post(f"/etablissement/eleves/{world['pupil_id']}/mot-de-passe")
    assert answer.status_code == 200
    letter = PdfReader(io.BytesIO(base64.b64decode(answer.json()["letter_pdf"]))).pages[0].extract_text()
    login = answer.json()["login"]
    temporary = letter.split("Mot de passe temporaire :")[1].split()[0]
    session.expire_all()
    outcome = authenticate(session, login, temporary, "127.0.0.1", roles=(Role.PUPIL,))
    assert outcome.ok and outcome.must_change_password
    session.commit()
    # the pupil's own session was closed by the reset
    assert client(world["tokens"]["pupil"]).post(f"/etablissement/eleves/{world['pupil_id']}/mot-de-passe"
                                                 ).status_code == 401
