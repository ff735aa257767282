"""The téléservices routes: the avis is posted by the child's parent only, while the service is
open, as a PDF or JPEG within the size limit; the receipt and the CSV go to their owners only."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from cjeune_app.api import create_api
from cjeune_app.api.teleservices import router
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.accounts.web import SESSION_COOKIE
from cjeune_app.core.dates import format_date, paris_today
from cjeune_app.core.seasons.api import season_code_for
from cjeune_app.core.teleservices.avis import MAX_AVIS_BYTES
from cjeune_app.core.use_cases import teleservices as tele
from tests.core.factories import make_school
from tests.core.photos.builders import png
from tests.core.teleservices.builders import HOUSEHOLD, agent, parent_with_child, staff_of

PDF = b"%PDF-1.4\n%avis\n"


@pytest.fixture
def world(session):
    school = make_school(session)
    staff = staff_of(session, school)
    parent, child = parent_with_child(session, school)
    _other_parent, other_child = parent_with_child(session, make_school(session))
    today = paris_today()
    season_code = season_code_for(today)
    session.commit()
    tele.set_campaign_window(_agent(session), "bourse_college", season_code,
                             format_date(today - dt.timedelta(days=1)), format_date(today + dt.timedelta(days=1)))
    tele.set_school_service(staff, "bourse_college", True)
    tokens = {}
    for who, actor in (("parent", parent), ("staff", staff)):
        account = session.get(Account, actor.account_id)
        tokens[who] = open_session(session, account, remember=False)
    session.commit()
    return {"tokens": tokens, "child": child.id, "other_child": other_child.id, "parent": parent, "staff": staff}


def _agent(session):
    actor = agent(session)
    session.commit()
    return actor


def client(token: str | None) -> TestClient:
    return TestClient(create_api(site_routers=[router]), cookies={SESSION_COOKIE: token} if token else None)


def post_avis(token, pupil_id, content: bytes, name: str = "avis.pdf"):
    return client(token).post(f"/services-en-ligne/bourse/{pupil_id}/avis", files={"avis": (name, content, "x/y")})


def test_the_avis_goes_to_the_parents_own_child_as_a_pdf_or_jpeg_within_the_limit(world):
    token, child = world["tokens"]["parent"], world["child"]
    assert post_avis(None, child, PDF).status_code == 401
    assert post_avis(world["tokens"]["staff"], child, PDF).status_code == 403
    assert post_avis(token, world["other_child"], PDF).status_code == 403
    refused = post_avis(token, child, png(), "avis.pdf")  # the name says PDF, the bytes do not
    assert refused.status_code == 422 and refused.json()["code"] == "avis_refused"
    assert post_avis(token, child, b"%PDF-" + b"0" * MAX_AVIS_BYTES).status_code == 422
    answer = post_avis(token, child, PDF)
    assert answer.status_code == 200 and answer.json() == {"avis": "Avis d'imposition joint (PDF)"}
    assert answer.headers["cache-control"] == "private, no-store"


def test_the_avis_is_refused_once_the_school_closed_the_service(world):
    tele.set_school_service(world["staff"], "bourse_college", False)
    closed = post_avis(world["tokens"]["parent"], world["child"], PDF)
    assert closed.status_code == 409 and "Fermé par l'établissement" in closed.json()["message"]


def test_receipt_and_csv_go_to_their_owners_only(world):
    parent, child = world["parent"], world["child"]
    tele.save_bourse_step(parent, child, 1, HOUSEHOLD)
    tele.save_bourse_step(parent, child, 2, {"rfr_euros": "11000", "avis_year": str(paris_today().year)})
    tele.send_bourse(parent, child, True)
    receipt = client(world["tokens"]["parent"]).get(f"/services-en-ligne/bourse/{child}/accuse-reception.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert client(world["tokens"]["staff"]).get(f"/services-en-ligne/bourse/{child}/accuse-reception.pdf"
                                                ).status_code == 403
    csv = client(world["tokens"]["staff"]).get("/etablissement/teleservices/bourses.csv?statut=a_instruire")
    assert csv.status_code == 200 and "Martin Léa" in csv.content.decode("utf-8-sig")
    assert client(world["tokens"]["parent"]).get("/etablissement/teleservices/bourses.csv").status_code == 403


def test_the_school_opens_the_avis_of_its_own_requests_only(world, session):
    parent, child = world["parent"], world["child"]
    tele.save_bourse_step(parent, child, 1, HOUSEHOLD)
    tele.save_bourse_step(parent, child, 2, {"rfr_euros": "11000", "avis_year": str(paris_today().year)})
    assert post_avis(world["tokens"]["parent"], child, PDF).status_code == 200
    tele.send_bourse(parent, child, True)
    [row] = tele.school_teleservices(world["staff"]).requests
    assert row.has_avis
    url = f"/etablissement/teleservices/bourses/{row.request_id}/avis"
    opened = client(world["tokens"]["staff"]).get(url)
    assert opened.status_code == 200 and opened.content == PDF
    assert opened.headers["content-type"] == "application/pdf" and "no-store" in opened.headers["cache-control"]
    assert client(world["tokens"]["parent"]).get(url).status_code == 403  # not staff
    other_staff = staff_of(session, make_school(session), "Marc")
    account = session.get(Account, other_staff.account_id)
    other_token = open_session(session, account, remember=False)
    session.commit()
    refused = client(other_token).get(url)  # another school: as if it did not exist
    assert refused.status_code == 404 and "Martin" not in refused.text
    assert client(world["tokens"]["staff"]).get(f"/etablissement/teleservices/bourses/{2**31}/avis").status_code == 404
