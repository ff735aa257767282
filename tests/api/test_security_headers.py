"""Security headers on every answer of the backend: API answers (success, refusal, 404), files the
pages link to, and whatever Reflex mounts inside the API application (pages in single-port mode: see
tests/browser/test_security_headers.py for the real server)."""

from __future__ import annotations

import base64
import gzip
import hashlib

import brotli
import pytest
from fastapi.testclient import TestClient
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from cjeune_app.api import create_api
from cjeune_app.api.downloads import router as downloads_router
from cjeune_app.api.headers import content_security_policy
from cjeune_app.api.partners import router as partners_router
from cjeune_app.core.settings import Settings

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def assert_protected(answer) -> None:
    for name, value in EXPECTED.items():
        assert answer.headers.get(name) == value, (answer.request.url, name)
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "default-src 'self'" in csp
    policy = answer.headers["permissions-policy"]
    assert "camera=(self)" in policy and "geolocation=(self)" in policy


def app_with_a_mounted_backend():
    """As Reflex does: its backend (pages, websocket, uploads) is mounted inside the API app."""
    api = create_api([partners_router], site_routers=[downloads_router])
    api.mount("", Route("/{path:path}", lambda request: PlainTextResponse("page")))
    return api


@pytest.mark.parametrize("path, status", [
    ("/api/v1/health", 200),
    ("/api/v1/cards/6013000000000000", 401),  # a refusal
    ("/api/v1/payments/99999999999999", 404),
    ("/api/v1/openapi.json", 200),
    ("/api/v1/docs", 200),
    ("/espace-partenaire/releves/2026-01.csv", 401),  # a file route
    ("/espace-partenaire/encaisser", 200),  # what the mounted backend serves
    ("/", 200),
])
def test_every_answer_carries_the_security_headers(monkeypatch, path, status):
    monkeypatch.delenv("CJEUNE_PUBLIC_URL", raising=False)
    answer = TestClient(app_with_a_mounted_backend()).get(path)
    assert answer.status_code == status, answer.text
    assert_protected(answer)
    assert "strict-transport-security" not in answer.headers  # not over plain http


def test_hsts_when_the_public_url_is_https(monkeypatch):
    monkeypatch.setenv("CJEUNE_PUBLIC_URL", "https://cjeunedeprovence.fr")
    answer = TestClient(app_with_a_mounted_backend()).get("/api/v1/health")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
    assert_protected(answer)


def test_no_page_may_load_from_a_cdn():
    policy = content_security_policy(["'sha256-AAAA'"])
    assert "cdn" not in policy and "https://" not in policy.replace("https://tile.openstreetmap.org", "")


def script_src(answer) -> str:
    return next(d for d in answer.headers["content-security-policy"].split(";") if "script-src" in d)


def test_an_html_page_allows_its_own_inline_scripts_by_hash_and_nothing_else(monkeypatch):
    monkeypatch.delenv("CJEUNE_PUBLIC_URL", raising=False)
    page = ('<html><head><script>window.a = 1;</script><script type="module">import "/x.js";</script>'
            '<script src="/y.js"></script></head><body><script>\r\nwindow.b = 2;</script></body></html>')
    api = create_api()
    api.mount("", Route("/{path:path}", lambda request: HTMLResponse(page)))
    answer = TestClient(api).get("/une-page")
    expected = {"'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"
                for text in (b"window.a = 1;", b'import "/x.js";', b"\nwindow.b = 2;")}
    sources = set(script_src(answer).split()[1:])
    assert sources == {"'self'"} | expected
    assert answer.text == page  # the page itself is passed on as it was


@pytest.mark.parametrize("encoding, compress", [("gzip", gzip.compress), ("br", brotli.compress)])
def test_a_compressed_page_is_hashed_from_its_decoded_text(monkeypatch, encoding, compress):
    # Reflex serves the pages precompressed (rxconfig: brotli for the browsers that accept it, gzip).
    monkeypatch.delenv("CJEUNE_PUBLIC_URL", raising=False)
    page = b"<html><script>window.c = 3;</script></html>"
    api = create_api()
    api.mount("", Route("/{path:path}", lambda request: Response(
        compress(page), media_type="text/html", headers={"Content-Encoding": encoding})))
    answer = TestClient(api).get("/une-page")
    assert answer.content == page
    assert "'sha256-" + base64.b64encode(hashlib.sha256(b"window.c = 3;").digest()).decode() + "'" in script_src(answer)


def test_no_answer_allows_inline_scripts_or_eval(monkeypatch):
    monkeypatch.delenv("CJEUNE_PUBLIC_URL", raising=False)
    client = TestClient(app_with_a_mounted_backend())
    for path in ("/api/v1/health", "/api/v1/docs", "/espace-partenaire/encaisser"):
        policy = script_src(client.get(path))
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, (path, policy)


@pytest.mark.parametrize("public_url, origins", [
    ("https://cjeunedeprovence.fr", ["https://cjeunedeprovence.fr"]),
    ("https://www.cjeunedeprovence.fr:8443/base", ["https://www.cjeunedeprovence.fr:8443"]),
    ("http://localhost:3000", ["http://127.0.0.1:3000", "http://localhost:3000"]),
])
def test_the_site_accepts_its_own_origins_only(public_url, origins):
    assert Settings(public_url=public_url).public_origins == origins


def test_the_api_docs_are_served_from_local_files_under_a_strict_policy():
    from fastapi.testclient import TestClient

    from cjeune_app.api import create_api

    client = TestClient(create_api())
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text.replace("https://fastapi", "")  # nothing from a CDN
    script_src = next(d for d in page.headers["content-security-policy"].split(";") if "script-src" in d)
    assert "'unsafe-inline'" not in script_src and "'sha256-" in script_src and "cdn" not in script_src
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert client.get(f"/api/v1/docs/fichiers/{asset}").status_code == 200
