"""The back office's files (SEPA transfer file, statistics CSV): only with an agent's session cookie."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient

from cjeune_app.api import create_api
from cjeune_app.api.back_office_files import router
from cjeune_app.core.db import session_scope
from cjeune_app.core.formats import PARIS
from cjeune_app.core.partners.payments import take_payment
from cjeune_app.core.use_cases import reimbursements
from tests.api.test_partner_downloads import session_cookie
from tests.core.partners.builders import add_agent
from tests.core.reimbursements.builders import give_bank_details, transfers, valid_pain_001
from tests.support.partner_world import build_partner_world


@pytest.fixture
def batch(session):
    world = build_partner_world(session)
    give_bank_details(session, world.sport)
    agent = add_agent(session)
    year = int(world.season_code[:4])
    with session_scope() as s:
        take_payment(s, world.sport, world.card, 1_250, None, uuid.uuid4().hex,
                     now=dt.datetime(year, 10, 9, 10, tzinfo=PARIS))
    prepared = reimbursements.prepare_batch(agent, f"{year}-10", now=dt.datetime(year, 11, 3, tzinfo=PARIS))
    return world, prepared, agent


def test_an_agent_downloads_the_sepa_file_and_the_statistics(batch):
    world, prepared, agent = batch
    client = TestClient(create_api([], site_routers=[router]))
    client.cookies.update(session_cookie("agent", None))
    assert client.get(f"/admin/remboursements/{prepared.id}/virements.xml").status_code == 409  # not generated
    reimbursements.generate_transfer(agent, prepared.id)
    answer = client.get(f"/admin/remboursements/{prepared.id}/virements.xml")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    assert f'virements-cjeune-{prepared.month.code}.xml' in answer.headers["content-disposition"]
    assert [cents for _, cents in transfers(valid_pain_001(answer.content)).values()] == [1_250]
    assert client.get("/admin/remboursements/999999/virements.xml").status_code == 404
    stats = client.get(f"/admin/statistiques/{world.season_code}/montants.csv")
    assert stats.status_code == 200 and "crédité;" in stats.content.decode("utf-8-sig")
    assert client.get(f"/admin/statistiques/{world.season_code}/inconnu.csv").status_code == 404
    assert client.get("/admin/statistiques/1999-2000/montants.csv").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("nobody", 401), ("partenaire", 403), ("etablissement", 403)])
def test_nobody_else_gets_them(batch, who, status):
    world, prepared, agent = batch
    client = TestClient(create_api([], site_routers=[router]))
    if who != "nobody":
        client.cookies.update(session_cookie(who, world.sport if who == "partenaire" else None))
    assert client.get(f"/admin/remboursements/{prepared.id}/virements.xml").status_code == status
    assert client.get(f"/admin/statistiques/{world.season_code}/montants.csv").status_code == status

