"""The session cookie and forged requests, at the HTTP level: the ticket exchanged for an HttpOnly
SameSite=Strict cookie (`__Host-` and Secure over https); a changing route refused without the site's
Origin or without the session's CSRF token; a private read refused when another page asked; the
websocket's handshake refused from another origin and its cookie reduced to the token's digest."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from cjeune_app import routes
from cjeune_app.api import create_api
from cjeune_app.api.photos import router as photos_router
from cjeune_app.api.school import router as school_router
from cjeune_app.api.session_cookie import HandshakeFilter
from cjeune_app.api.session_cookie import router as session_router
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sessions import digest, open_session
from cjeune_app.core.accounts.tickets import issue_ticket
from cjeune_app.core.accounts.web import CSRF_HEADER, HANDSHAKE_MARK, csrf_token, digest_from_handshake
from cjeune_app.core.enums import Role
from cjeune_app.core.settings import reload_settings
from cjeune_app.core.use_cases import sessions
from tests.core.factories import make_pupil, make_school
from tests.support.site_client import page_headers, site_client, site_origin

SIBLING = "http://127.0.0.1:8765"  # another port of the same site: the cookie is sent


@pytest.fixture
def world(session):
    school = make_school(session)
    pupil, pupil_account, _ = make_pupil(session, "Fernandez", "Julie", school=school)
    staff = Account(role=Role.ESTABLISHMENT, login="ati@college.fr", establishment_id=school.id,
                    must_change_password=False)
    pupil_account.must_change_password = False
    session.add_all([staff, pupil_account])
    session.flush()
    tokens = {"staff": open_session(session, staff, remember=False),
              "pupil": open_session(session, pupil_account, remember=False)}
    ticket = issue_ticket(session, staff, remember=True)
    session.commit()
    return {"tokens": tokens, "pupil_id": pupil.id, "ticket": ticket, "staff_id": staff.id}


def api():
    return create_api([photos_router], site_routers=[school_router, session_router])


def set_cookie_of(answer) -> str:
    return "\n".join(answer.headers.get_list("set-cookie"))


def test_the_ticket_becomes_an_httponly_strict_cookie_once(world):
    client = TestClient(api(), headers=page_headers(None), follow_redirects=False)
    answer = client.post(routes.SESSION_OPEN, data={routes.SESSION_TICKET_FIELD: world["ticket"]})
    assert answer.status_code == 303 and answer.headers["location"] == routes.DASHBOARD
    cookie = set_cookie_of(answer)
    assert "cjeune_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/" in cookie and "Max-Age=2592000" in cookie and "Secure" not in cookie  # http: no Secure
    token = client.cookies["cjeune_session"]
    assert sessions.actor_for_session(token).account_id == world["staff_id"]
    again = TestClient(api(), headers=page_headers(None), follow_redirects=False).post(
        routes.SESSION_OPEN, data={routes.SESSION_TICKET_FIELD: world["ticket"]})
    assert again.status_code == 303 and again.headers["location"] == routes.SIGN_IN
    assert "cjeune_session=" not in set_cookie_of(again).replace('cjeune_session=""', "")


def test_over_https_the_cookie_is_secure_and_host_prefixed(world, monkeypatch, session):
    monkeypatch.setenv("CJEUNE_PUBLIC_URL", "https://cjeune.example.fr")
    reload_settings()
    staff = session.get(Account, world["staff_id"])
    ticket = issue_ticket(session, staff, remember=False)
    session.commit()
    client = TestClient(api(), base_url="https://cjeune.example.fr", follow_redirects=False,
                        headers={"Origin": "https://cjeune.example.fr"})
    answer = client.post(routes.SESSION_OPEN, data={routes.SESSION_TICKET_FIELD: ticket})
    cookie = set_cookie_of(answer)
    assert "__Host-cjeune_session_tab=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    assert "Max-Age=2592000" not in cookie.split("__Host-cjeune_session_tab=")[1]  # gone with the browser
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_a_ticket_from_another_page_is_refused(world):
    answer = TestClient(api(), headers={"Origin": SIBLING}, follow_redirects=False).post(
        routes.SESSION_OPEN, data={routes.SESSION_TICKET_FIELD: world["ticket"]})
    assert answer.status_code == 403 and answer.json()["code"] == "foreign_origin"
    assert "set-cookie" not in answer.headers


@pytest.mark.parametrize("headers", [
    {"Origin": SIBLING},  # another port of the same site
    {"Sec-Fetch-Site": "same-site"},  # no Origin, but the browser says another page asked
    {},  # neither: not a page of the site
    {"Origin": "null"},
])
def test_the_password_reset_from_another_page_is_refused(world, headers):
    token = world["tokens"]["staff"]
    forged = TestClient(api(), cookies={"cjeune_session_tab": token},
                        headers={**headers, CSRF_HEADER: csrf_token(digest(token))})
    answer = forged.post(routes.school_password_reset(world["pupil_id"]))
    assert answer.status_code == 403 and answer.json()["code"] == "foreign_origin"
    assert "letter_pdf" not in answer.text


def test_the_site_origin_without_the_sessions_csrf_token_is_refused(world):
    token, other = world["tokens"]["staff"], world["tokens"]["pupil"]
    right = csrf_token(digest(token))
    one_digit_off = right[:-1] + ("1" if right[-1] == "0" else "0")
    for csrf in (None, "", csrf_token(digest(other)), one_digit_off):
        headers = {"Origin": site_origin(), **({CSRF_HEADER: csrf} if csrf is not None else {})}
        answer = TestClient(api(), cookies={"cjeune_session_tab": token}, headers=headers).post(
            routes.school_password_reset(world["pupil_id"]))
        assert answer.status_code == 403 and answer.json()["code"] == "csrf_token_invalid", csrf
    mine = site_client(api(), token).post(routes.school_password_reset(world["pupil_id"]))
    assert mine.status_code == 200 and mine.json()["letter_pdf"]


def test_the_photo_replacement_and_read_from_another_page_are_refused(world):
    from tests.core.photos.builders import jpeg

    token = world["tokens"]["pupil"]
    crop = {"crop_x": "0.1", "crop_y": "0.05", "crop_width": "0.8", "crop_height": "0.7714"}
    path = routes.api_pupil_photo(world["pupil_id"])
    forged = TestClient(api(), cookies={"cjeune_session_tab": token}, headers={"Origin": SIBLING})
    refused = forged.post(path, data=crop, files={"photo": ("p.jpg", jpeg(), "image/jpeg")})
    assert refused.status_code == 403
    no_token = TestClient(api(), cookies={"cjeune_session_tab": token}, headers={"Origin": site_origin()})
    assert no_token.post(path, data=crop, files={"photo": ("p.jpg", jpeg(), "image/jpeg")}).status_code == 403
    sent = site_client(api(), token).post(path, data=crop, files={"photo": ("p.jpg", jpeg(), "image/jpeg")})
    assert sent.status_code == 201
    photo = routes.api_photo(sent.json()["photo_id"])
    for fetch_site in ("same-site", "cross-site"):
        read = TestClient(api(), cookies={"cjeune_session_tab": token}, headers={"Sec-Fetch-Site": fetch_site})
        assert read.get(photo).status_code == 403
    assert TestClient(api(), cookies={"cjeune_session_tab": token}, headers={"Origin": SIBLING}).get(
        photo).status_code == 403
    own = TestClient(api(), cookies={"cjeune_session_tab": token}, headers={"Sec-Fetch-Site": "same-origin"})
    assert own.get(photo).status_code == 200


def handshake(headers: dict[str, str], kind: str = "websocket") -> tuple[list[dict], dict | None]:
    """Runs the filter over a handshake of Reflex's websocket; returns what it sent and the scope passed on."""
    passed: dict = {}
    sent: list[dict] = []

    async def inner(scope, receive, send):
        passed.update(scope)

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    scope = {"type": kind, "path": "/_event/", "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(HandshakeFilter(inner)(scope, receive, send))
    return sent, (passed or None)


def test_the_websocket_refuses_another_origin_and_never_sees_the_token():
    token = "un-jeton-de-session-secret"
    for origin in (SIBLING, "https://exemple.org"):
        sent, passed = handshake({"Origin": origin, "Cookie": f"cjeune_session={token}"})
        assert passed is None and sent == [{"type": "websocket.close", "code": 1008}]
    sent, passed = handshake({"Origin": SIBLING}, kind="http")  # socket.io's polling transport
    assert passed is None and sent[0]["status"] == 403
    sent, passed = handshake({"Origin": site_origin(), "Cookie": f"theme=clair; cjeune_session={token}"})
    cookie = dict(passed["headers"])[b"cookie"].decode()
    assert token not in cookie and cookie == f"theme=clair; cjeune_session={HANDSHAKE_MARK}{digest(token)}"
    assert digest_from_handshake(cookie) == digest(token)
    # a page cannot pass a digest off as a handshake's: a cookie already marked is dropped
    _, passed = handshake({"Origin": site_origin(), "Cookie": f"cjeune_session={HANDSHAKE_MARK}{digest(token)}"})
    assert dict(passed["headers"])[b"cookie"] == b""


def test_the_session_of_the_handshake_resolves_the_pages_actor(world, session):
    token = world["tokens"]["pupil"]
    _, passed = handshake({"Origin": site_origin(), "Cookie": f"cjeune_session_tab={token}"})
    token_hash = digest_from_handshake(dict(passed["headers"])[b"cookie"].decode())
    actor = sessions.actor_for_digest(token_hash)
    assert actor is not None and actor.pupil_id == world["pupil_id"]
    pupil = session.exec(select(Account).where(Account.pupil_id == world["pupil_id"])).one()
    assert actor.account_id == pupil.id


def test_another_site_sending_the_browser_to_the_end_of_session_clears_nothing(db_url):
    """FranceConnect's end of session comes back to /session/fin from its own site: the browser lands
    on the sign-in page, and a foreign page cannot clear anyone's cookie."""
    client = TestClient(api(), follow_redirects=False)
    answer = client.get("/session/fin", headers={"Sec-Fetch-Site": "cross-site"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/connexion"
    assert "set-cookie" not in answer.headers
    own = client.get("/session/fin", headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    assert own.status_code == 303 and "max-age=0" in own.headers["set-cookie"].lower()
