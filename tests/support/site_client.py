"""A client of the site's cookie routes as the site's own page calls them: the session cookie, the
site's Origin and the session's CSRF token (api.csrf)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cjeune_app.core.accounts.sessions import digest
from cjeune_app.core.accounts.web import CSRF_HEADER, cookie_name, csrf_token
from cjeune_app.core.settings import settings


def site_origin() -> str:
    return settings().public_origins[0]


def page_headers(token: str | None) -> dict[str, str]:
    headers = {"Origin": site_origin(), "Sec-Fetch-Site": "same-origin"}
    if token:
        headers[CSRF_HEADER] = csrf_token(digest(token))
    return headers


def site_client(api, token: str | None, *, remember: bool = False) -> TestClient:
    return TestClient(api, cookies={cookie_name(remember): token} if token else None, headers=page_headers(token))
