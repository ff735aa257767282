"""FranceConnect's HTTP routes against the local OpenID Connect provider: the start sets the
browser-binding cookie (HttpOnly, only for the return route) and redirects; the return signs a
linked Parent in with the session cookie, and any bad answer lands on the Parent door with its
reason, never an error status."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from cjeune_app.api import create_api
from cjeune_app.api.franceconnect import router
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.web import SESSION_COOKIE
from cjeune_app.core.enums import Role
from cjeune_app.core.franceconnect import identities
from cjeune_app.core.franceconnect.web import ARRIVAL_COOKIE, LOGIN_COOKIE
from cjeune_app.core.use_cases import sessions
from tests.support.oidc_provider import OidcProvider

logging.getLogger("werkzeug").setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def provider():
    server = OidcProvider().start()
    yield server
    server.stop()


@pytest.fixture
def client(db_url, provider, monkeypatch):
    for name, value in provider.settings_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CJEUNE_PUBLIC_URL", "http://testserver")
    return TestClient(create_api(site_routers=[router]), follow_redirects=False)


def _start(client) -> str:
    response = client.get("/franceconnect/connexion")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert f"{LOGIN_COOKIE}=" in cookie and "HttpOnly" in cookie and "Path=/franceconnect/retour" in cookie
    assert "samesite=lax" in cookie.lower()
    return response.headers["location"]


def _return(client, provider, url: str, sub: str):
    answer = provider.authorize(url, sub)
    return client.get("/franceconnect/retour", params=answer)


def test_a_first_visit_goes_to_its_page_and_a_linked_parent_to_the_dashboard(client, provider, session):
    provider.add_person("fc-route", "Ana", "Lopez")
    first = _return(client, provider, _start(client), "fc-route")
    assert first.status_code == 303 and first.headers["location"] == "/connexion/parent/franceconnect"
    assert f"{ARRIVAL_COOKIE}=" in first.headers["set-cookie"] and "HttpOnly" in first.headers["set-cookie"]

    parent = Account(role=Role.PARENT, login="ana.lopez@exemple.fr", email="ana.lopez@exemple.fr", password_hash="x")
    session.add(parent)
    session.flush()
    identities.link(session, "fc-route", parent)
    session.commit()
    again = _return(client, provider, _start(client), "fc-route")
    assert again.status_code == 303 and again.headers["location"] == "/tableau-de-bord"
    token = again.cookies.get(SESSION_COOKIE)
    assert sessions.actor_for_session(token).account_id == parent.id


@pytest.mark.parametrize("query", [
    {}, {"state": "forge", "code": "forge"}, {"error": "access_denied"}, {"state": "x" * 5000},
    {"error": "server_error", "error_description": "<script>"},
])
def test_any_bad_answer_lands_on_the_parent_door_with_its_reason(client, query):
    response = client.get("/franceconnect/retour", params=query)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/connexion/parent"
    assert parse_qs(location.query)["franceconnect"][0] in {"franceconnect_login_expired", "franceconnect_refused"}


def test_without_settings_the_start_goes_back_to_the_parent_door(client, monkeypatch):
    monkeypatch.delenv("CJEUNE_FRANCECONNECT_ISSUER")
    response = client.get("/franceconnect/connexion")
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion/parent?franceconnect=franceconnect_unavailable"
