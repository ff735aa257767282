"""The statements the partner space links to: only with a partner's session cookie, only its own."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from cjeune_app.api import create_api
from cjeune_app.api.downloads import router
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.accounts.web import SESSION_COOKIE
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.partners.payments import take_payment
from cjeune_app.core.partners.statements import Month
from tests.support.partner_world import build_partner_world


@pytest.fixture
def world(session):
    return build_partner_world(session)


def session_cookie(role: str, partner_id: int | None) -> dict:
    with session_scope() as s:
        account = Account(role=role, login=f"{uuid.uuid4().hex}@exemple.fr", partner_id=partner_id,
                          email_verified_at=utcnow())
        s.add(account)
        s.flush()
        return {SESSION_COOKIE: open_session(s, account, remember=False)}


def test_a_partner_downloads_its_own_statements_only(world):
    with session_scope() as s:
        mine = take_payment(s, world.sport, world.card, 1_000, None, "k-1")
        theirs = take_payment(s, world.tutoring, world.card, 700, None, "k-2")
    month = Month.of(mine.created_at).code
    client = TestClient(create_api([], site_routers=[router]))
    client.cookies.update(session_cookie("partenaire", world.sport))
    csv_answer = client.get(f"/espace-partenaire/releves/{month}.csv")
    assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith("text/csv")
    assert 'releve-cjeune-' in csv_answer.headers["content-disposition"]
    assert mine.number in csv_answer.text and theirs.number not in csv_answer.text
    pdf_answer = client.get(f"/espace-partenaire/releves/{month}.pdf")
    assert pdf_answer.status_code == 200 and pdf_answer.content.startswith(b"%PDF-")
    assert client.get(f"/espace-partenaire/releves/{month}.xlsx").status_code == 404
    malformed = client.get("/espace-partenaire/releves/novembre.csv")
    assert malformed.status_code == 422 and "AAAA-MM" in malformed.json()["message"]


@pytest.mark.parametrize("who", ["nobody", "pupil", "pending partner"])
def test_no_statement_without_a_validated_partners_session(world, who):
    client = TestClient(create_api([], site_routers=[router]))
    if who == "pupil":
        client.cookies.update(session_cookie("collegien", None))
    elif who == "pending partner":
        client.cookies.update(session_cookie("partenaire", world.pending))
    answer = client.get("/espace-partenaire/releves/2026-11.csv")
    assert answer.status_code == 401 and "Connectez-vous" in answer.json()["message"]
