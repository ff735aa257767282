"""The real server (`reflex run --env prod --single-port`): pages, API answers and files carry the
security headers, the pages still work under the policy (no console error), a page cannot be
framed, and a foreign origin is never answered with credentials."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from cjeune_app import routes
from tests.browser.checks import assert_page_healthy, wait_for_app

FOREIGN = "http://127.0.0.1:8765"


def assert_protected(answer: httpx.Response) -> None:
    assert answer.headers.get("x-frame-options") == "DENY", answer.url
    assert answer.headers.get("x-content-type-options") == "nosniff", answer.url
    assert answer.headers.get("referrer-policy") == "strict-origin-when-cross-origin", answer.url
    policy = answer.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, answer.url
    scripts = next(d for d in policy.split(";") if "script-src" in d)
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, (answer.url, scripts)
    assert "camera=(self)" in answer.headers.get("permissions-policy", ""), answer.url


@pytest.mark.parametrize("path", [routes.HOME, routes.SIGN_IN, routes.PARTNER_CHECKOUT, routes.PARTNERS_SEARCH,
                                  "/api/v1/health", "/api/v1/openapi.json", "/styles.css", "/favicon.ico",
                                  "/page-qui-n-existe-pas"])
def test_pages_api_and_files_carry_the_security_headers(app_server, path):
    answer = httpx.get(app_server.base_url + path)
    assert answer.status_code in (200, 307, 404), (path, answer.status_code)
    assert_protected(answer)


def test_pages_work_under_the_policy(app_server, phone):
    for path in (routes.HOME, routes.PARTNERS_SEARCH, routes.SIGN_IN):
        phone.goto(app_server.base_url + path)
        wait_for_app(phone)
        assert_page_healthy(phone)  # a blocked script or style is a console error


def test_a_page_cannot_be_framed(app_server, chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_content(f'<iframe id="cadre" src="{app_server.base_url}{routes.SIGN_IN}" width="400" height="400">'
                     "</iframe>")
    framed = page.frame_locator("#cadre")
    expect(framed.locator("h1")).to_contain_text("is blocked")  # Chromium's page for a refused frame
    assert [frame.url for frame in page.frames[1:]] == ["chrome-error://chromewebdata/"]
    context.close()


def test_a_foreign_origin_is_never_answered_with_credentials(app_server):
    own = app_server.base_url
    for method in ("GET", "POST"):
        answer = httpx.request(method, own + "/api/v1/health",
                               headers={"Origin": FOREIGN, "Cookie": "cjeune_session=x"})
        # Without Access-Control-Allow-Origin the browser shares nothing with the foreign page
        # (Starlette sends Allow-Credentials with every answer: alone, it grants nothing).
        assert "access-control-allow-origin" not in answer.headers, answer.headers
    preflight = httpx.options(own + routes.school_password_reset(1), headers={
        "Origin": FOREIGN, "Access-Control-Request-Method": "POST"})
    assert preflight.headers.get("access-control-allow-origin") != FOREIGN
    assert preflight.status_code >= 400
    mine = httpx.get(own + "/api/v1/health", headers={"Origin": own, "Cookie": "cjeune_session=x"})
    assert mine.headers.get("access-control-allow-origin") == own  # the site's own pages still may


def test_the_api_docs_render_from_local_files(app_server, phone):
    requested = []
    phone.on("request", lambda r: requested.append(r.url))
    phone.goto(app_server.base_url + "/api/v1/docs")
    expect(phone.locator(".swagger-ui .info .title")).to_contain_text("API CJeune de Provence")
    assert all(url.startswith(app_server.base_url) for url in requested), requested
