"""Ids out of the range of the database's ids answer 404 (a malformed id 422), never 500, on every
route of the app that takes an id in its path, for a caller who may use the route: PostgreSQL
refuses an INTEGER beyond 2**31 - 1 and SQLite's driver cannot send one beyond 2**63 - 1."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from cjeune_app.api import create_api
from cjeune_app.api.app import API_PREFIX
from cjeune_app.api.card_batches import router as card_batches_router
from cjeune_app.api.downloads import router as downloads_router
from cjeune_app.api.partners import router as partners_router
from cjeune_app.api.photos import router as photos_router
from cjeune_app.api.school import router as school_router
from cjeune_app.api.search import router as search_router
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.api_keys import create_api_key
from cjeune_app.routes import MAX_ROW_ID, row_id
from tests.core.factories import make_school
from tests.support.partner_world import build_partner_world
from tests.support.site_client import site_client

OUT_OF_RANGE = [2**31, 2**63, 2**64, 10**30, 0, -1, -(2**63) - 1]


API_ROUTERS = [search_router, partners_router, photos_router, card_batches_router]
SITE_ROUTERS = [downloads_router, school_router]


def app_api():
    """The API exactly as the app mounts it (cjeune_app.py)."""
    return create_api(API_ROUTERS, site_routers=SITE_ROUTERS)


def routes_with_ids() -> list[tuple[str, str]]:
    mounted = [(API_PREFIX, r) for r in API_ROUTERS] + [("", r) for r in SITE_ROUTERS]
    found = [(method, prefix + route.path) for prefix, router in mounted for route in router.routes
             if isinstance(route, APIRoute) and re.search(r"\{\w+_id\}", route.path)
             for method in sorted(route.methods)]
    return sorted(found)


@pytest.fixture
def callers(session):
    world = build_partner_world(session)
    school = make_school(session)
    tokens = {}
    for role, login, school_id in ((Role.AGENT, "agent@departement13.fr", None),
                                   (Role.ESTABLISHMENT, "ati@college.fr", school.id)):
        account = Account(role=role, login=login, establishment_id=school_id, must_change_password=False)
        session.add(account)
        session.flush()
        tokens[role] = open_session(session, account, remember=False)
    session.commit()
    with session_scope() as s:
        key = create_api_key(s, world.both, "ids")[1]
    return {"key": key, "tokens": tokens}


def client_for(api, path: str, callers) -> TestClient:
    """A caller allowed on the route: the partner's key, the school's staff, else an agent."""
    role = Role.ESTABLISHMENT if path.startswith("/etablissement") else Role.AGENT
    client = site_client(api, callers["tokens"][role])
    client.headers["Authorization"] = f"Bearer {callers['key']}"
    return client


def test_every_route_with_an_id_is_listed():
    paths = {path for _, path in routes_with_ids()}
    assert {"/api/v1/payments/{payment_id}", "/api/v1/payments/{payment_id}/cancel", "/api/v1/offers/{offer_id}",
            "/api/v1/pupils/{pupil_id}/photo", "/api/v1/photos/{photo_id}",
            "/etablissement/eleves/{pupil_id}/mot-de-passe"} <= paths
    assert any("batch_id" in path for path in paths)


def test_ids_out_of_range_are_404_never_500(db_url, callers):
    api = app_api()
    tried = 0
    for method, path in routes_with_ids():
        client = client_for(api, path, callers)
        for value in OUT_OF_RANGE:
            url = re.sub(r"\{\w+_id\}", str(value), path)
            answer = client.request(method, url, json={}, headers={"Idempotency-Key": "k-ids"})
            assert answer.status_code == 404, (method, url, answer.status_code, answer.text)
            assert answer.json()["code"] == "not_found"
            tried += 1
        malformed = client.request(method, re.sub(r"\{\w+_id\}", "douze", path), json={})
        assert malformed.status_code == 422, (method, path, malformed.status_code)
    assert tried >= 6 * len(OUT_OF_RANGE)


@pytest.mark.parametrize("text, expected", [
    ("42", 42), (" 7 ", 7), (str(MAX_ROW_ID), MAX_ROW_ID), (str(MAX_ROW_ID + 1), None), (str(2**64), None),
    ("0", None), ("-3", None), ("douze", None), ("", None), ("١٢", None), ("1e3", None),
])
def test_a_page_reads_only_ids_that_can_name_a_row(text, expected):
    """The partner page (/partenaires/<id>) reads its id this way: a huge one is "introuvable"."""
    assert row_id(text) == expected
