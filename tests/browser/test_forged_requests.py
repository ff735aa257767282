"""Issue 18's attack, in a real browser: a page served on another port of the same host (same site,
so the SameSite=Strict cookie is sent) tries the pupil password reset with school staff signed in,
the photo read and the photo replacement with the pupil signed in, and frames the dashboard: all
refused. The session cookie is HttpOnly and no token is written in the pages' state (.states) nor in
any file of the data folder (database, its WAL, logs, outbox, photos)."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import col, func, select

from cjeune_app import routes
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.photos.models import Photo
from tests.appserver import PROJECT_ROOT, free_port
from tests.browser.checks import wait_for_app
from tests.browser.families import AGENT_LOGIN, agent_account, app_db, make_youth, portrait_jpeg, sign_in

STATES = PROJECT_ROOT / ".states"
assert Partner  # every table mapped: an Account refers to a Partner


class AttackerSite:
    """Serves one page, the attacker's, on another port of 127.0.0.1."""

    def __init__(self) -> None:
        self.page = b""
        handler = self._handler()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    def _handler(self):
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(site.page)

            def log_message(self, *args):
                pass

        return Handler

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture
def attacker():
    site = AttackerSite()
    yield site
    site.stop()


def run_attack(phone, attacker: AttackerSite, script: str) -> dict:
    attacker.page = f"<!doctype html><html><body><script>window.result = (async () => {{ {script} }})();</script>" \
                    "</body></html>".encode()
    phone.goto(attacker.url)
    result = phone.evaluate("window.result")
    phone.console.errors.clear()  # the refusals the attacker's page met are the point of the test
    return result


FORGE = """
const results = {};
async function attempt(name, url, options) {
  try {
    const answer = await fetch(url, {credentials: "include", ...options});
    results[name] = {status: answer.status, body: await answer.text()};
  } catch (error) {
    results[name] = {blocked: String(error)};
  }
}
"""


def session_cookie(phone) -> dict:
    return next(c for c in phone.context.cookies() if c["name"].startswith(("cjeune_session", "__Host-")))


def test_a_sibling_page_cannot_reset_a_pupils_password(app_server, phone, attacker):
    victim = make_youth(app_server, "Garcia", "Lina", photo=None)
    school = app_server.demo["establishments"][0]
    staff = app_server.cli("create-user", "--role", "etablissement", "--establishment", school["uai"],
                           "--email", "ati-attaque@college.fr", "--first-name", "Anne", "--last-name", "Ati",
                           "--password-stdin", input="Secretariat13\n")
    assert "ati-attaque@college.fr" in staff
    sign_in(phone, app_server, "gestion", "ati-attaque@college.fr", "Secretariat13")
    with app_db(app_server) as session:
        before = session.get(Account, victim.account_id).password_hash
    reset = app_server.base_url + routes.school_password_reset(victim.pupil_id)
    results = run_attack(phone, attacker, FORGE + f"""
await attempt("cors", {reset!r}, {{method: "POST", body: new FormData()}});
await attempt("no-cors", {reset!r}, {{method: "POST", body: new FormData(), mode: "no-cors"}});
await attempt("with a guessed token", {reset!r}, {{method: "POST", headers: {{"X-CSRF-Token": "x"}}}});
return results;""")
    assert "blocked" in results["cors"] and "blocked" in results["with a guessed token"]  # nothing read
    with app_db(app_server) as session:
        account = session.get(Account, victim.account_id)
        assert account.password_hash == before and not account.must_change_password  # nothing changed
    cookie = session_cookie(phone)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_a_sibling_page_can_neither_read_nor_replace_a_photo_nor_frame_the_dashboard(app_server, phone, attacker,
                                                                                     tmp_path):
    victim = make_youth(app_server, "Roux", "Emma", photo="pending")
    sign_in(phone, app_server, "collegien", victim.login)
    with app_db(app_server) as session:
        photo_id = session.exec(select(Photo.id).where(Photo.pupil_id == victim.pupil_id)).one()
        photos_before = session.exec(select(func.count()).select_from(Photo).where(
            col(Photo.pupil_id) == victim.pupil_id)).one()
    own_photo = phone.request.get(app_server.base_url + routes.api_photo(photo_id),
                                  headers={"Sec-Fetch-Site": "same-origin"})
    assert own_photo.status == 200  # the pupil's own page shows it
    photo_url = app_server.base_url + routes.api_photo(photo_id)
    upload_url = app_server.base_url + routes.api_pupil_photo(victim.pupil_id)
    (tmp_path / "p.jpg").write_bytes(portrait_jpeg())
    results = run_attack(phone, attacker, FORGE + f"""
await attempt("read", {photo_url!r}, {{}});
results.image = await new Promise((done) => {{
  const image = new Image();
  image.onload = () => done("loaded " + image.naturalWidth);
  image.onerror = () => done("refused");
  image.src = {photo_url!r};
}});
const jpeg = await (await fetch("data:image/jpeg;base64,{_b64(portrait_jpeg())}")).blob();
const form = new FormData();
form.append("photo", jpeg, "photo.jpg");
for (const [name, value] of [["crop_x", "0.1"], ["crop_y", "0.05"], ["crop_width", "0.8"], ["crop_height", "0.7714"]])
  form.append(name, value);
await attempt("replace", {upload_url!r}, {{method: "POST", body: form, mode: "no-cors"}});
results.frame = await new Promise((done) => {{
  const frame = document.createElement("iframe");
  frame.src = {app_server.base_url + routes.DASHBOARD!r};
  frame.onload = () => {{
    try {{ done("readable " + frame.contentDocument.title); }} catch (error) {{ done("loaded, opaque"); }}
  }};
  document.body.appendChild(frame);
}});
return results;""")
    assert "blocked" in results["read"] and results["image"] == "refused"
    with app_db(app_server) as session:
        photos_after = session.exec(select(func.count()).select_from(Photo).where(
            col(Photo.pupil_id) == victim.pupil_id)).one()
    assert photos_after == photos_before  # no photo replaced
    # The framed dashboard is Chromium's error page, not the app (frame-ancestors 'none').
    frames = [frame for frame in phone.frames if frame != phone.main_frame]
    assert frames and all(frame.url == "chrome-error://chromewebdata/" for frame in frames), results["frame"]


OPEN_SOCKET = """(url) => new Promise((done) => {
  const socket = new WebSocket(url);
  socket.onopen = () => { done("open"); socket.close(); };
  socket.onerror = () => done("refused");
  socket.onclose = () => done("refused");
})"""


def test_a_sibling_page_cannot_open_the_pages_websocket(app_server, phone, attacker):
    """Page events travel on Reflex's websocket, which no CORS rule protects: the handshake's Origin
    is what refuses a sibling page, although the browser sends the victim's SameSite=Strict cookie
    with it. Two locks check it, each enough alone: api.session_cookie.HandshakeFilter and Reflex's
    socket.io server (rxconfig's cors_allowed_origins); with neither, this test sees "open"."""
    victim = make_youth(app_server, "Petit", "Jade", photo=None)
    sign_in(phone, app_server, "collegien", victim.login)
    socket_url = app_server.base_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    assert phone.evaluate(OPEN_SOCKET, socket_url) == "open"  # the site's own page may
    results = run_attack(phone, attacker, f"return {{socket: await ({OPEN_SOCKET})({socket_url!r})}};")
    assert results["socket"] == "refused"


def written_states_since(moment: float) -> list[Path]:
    """The state files Reflex wrote since `moment` (it writes them a moment after the events)."""
    for _ in range(60):
        written = [path for path in STATES.rglob("*") if path.is_file() and path.stat().st_mtime >= moment]
        if written:
            time.sleep(2)  # let the write queue finish the rest
            return [path for path in STATES.rglob("*") if path.is_file() and path.stat().st_mtime >= moment]
        time.sleep(0.5)
    raise AssertionError("Reflex wrote no state on disk")


def test_no_session_token_is_kept_in_the_pages_state(app_server, phone, chromium):
    started = time.time() - 1
    pupil = make_youth(app_server, "Blanc", "Hugo", photo=None)
    sign_in(phone, app_server, "collegien", pupil.login)
    phone.goto(app_server.base_url + routes.DASHBOARD)
    wait_for_app(phone)
    expect(phone.locator("#bonjour")).to_contain_text("Blanc")
    tokens = [session_cookie(phone)["value"]]
    agent_context = chromium.new_context()
    agent_page = agent_context.new_page()
    with app_db(app_server) as session:
        agent_account(session)
    sign_in(agent_page, app_server, "gestion", AGENT_LOGIN)
    agent_page.goto(app_server.base_url + routes.ADMIN_PHOTOS)
    wait_for_app(agent_page)
    expect(agent_page.locator("h1")).to_be_visible()
    tokens.append(session_cookie(agent_page)["value"])
    agent_context.close()
    assert all(len(token) >= 40 for token in tokens)
    stored = written_states_since(started)
    data_files = [path for path in app_server.data_dir.rglob("*") if path.is_file()]
    assert any(path.name.startswith("cjeune.db") for path in data_files)
    for path in [*stored, *data_files]:
        content = path.read_bytes()
        for token in tokens:
            assert token.encode() not in content, path


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()

