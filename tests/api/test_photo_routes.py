"""The photo routes: who may send and see a photo, what is refused (in French), and an oversized
upload stopped before it is read in full."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import select

from cjeune_app.api import create_api
from cjeune_app.api.csrf import site_change_actor
from cjeune_app.api.photos import router
from cjeune_app.api.uploads import ENVELOPE_BYTES
from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.accounts.web import REMEMBERED_COOKIE, SESSION_COOKIE
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.photos.api import photo_directory, photo_state
from cjeune_app.core.photos.errors import MESSAGES
from cjeune_app.core.photos.models import Photo
from cjeune_app.core.photos.processing import MAX_UPLOAD_BYTES
from cjeune_app.core.use_cases.sessions import actor_of
from tests.core.factories import make_pupil, make_school
from tests.core.photos.builders import jpeg, png
from tests.support.site_client import page_headers, site_client

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 2000
# A 35:45 frame on the 900×1200 test photo: 720×926 px.
CROP = {"crop_x": "0.1", "crop_y": "0.05", "crop_width": "0.8", "crop_height": "0.7714"}


@dataclass
class World:
    pupil_id: int
    tokens: dict[str, str | None]  # who → session token


def _signed_in(session, account: Account) -> str:
    account.must_change_password = False
    session.add(account)
    session.flush()
    return open_session(session, account, remember=False)


def _parent_of(session, pupil_id: int, email: str) -> Account:
    parent = Account(role=Role.PARENT, login=email, email=email, first_name="Sofia", last_name="Martin")
    session.add(parent)
    session.flush()
    session.add(ParentLink(parent_account_id=parent.id, pupil_id=pupil_id))
    return parent


@pytest.fixture
def world(session) -> World:
    school = make_school(session)
    julie, julie_account, _ = make_pupil(session, "Fernandez", "Julie", school=school)
    paul, paul_account, _ = make_pupil(session, "Durand", "Paul", school=school)
    partner = Partner(name="Judo Club Aix", kind="association", siret="73282932000074", commune_insee="13001",
                      status="validated")
    session.add(partner)
    session.flush()
    accounts = {
        "pupil": julie_account,
        "other pupil": paul_account,
        "parent": _parent_of(session, julie.id, "sofia.martin@exemple.fr"),
        "parent of another child": _parent_of(session, paul.id, "marc.durand@exemple.fr"),
        "agent": Account(role=Role.AGENT, login="agent@departement13.fr", email="agent@departement13.fr"),
        "partner": Account(role=Role.PARTNER, login="judo@exemple.fr", partner_id=partner.id),
        "school staff": Account(role=Role.ESTABLISHMENT, login="ati@exemple.fr", establishment_id=school.id),
    }
    tokens = {who: _signed_in(session, account) for who, account in accounts.items()}
    tokens["signed out"] = None
    session.commit()
    return World(julie.id, tokens)


@pytest.fixture
def api():
    return create_api([router])


def client_for(api, token: str | None, cookie: str = SESSION_COOKIE) -> TestClient:
    return site_client(api, token, remember=cookie == REMEMBERED_COOKIE)


def upload(client: TestClient, pupil_id: int, data: bytes, filename="photo.jpg", fields=CROP,
           content_type="image/jpeg"):
    return client.post(f"/api/v1/pupils/{pupil_id}/photo", data=fields,
                       files={"photo": (filename, data, content_type)})


# ---------------------------------------------------------------------------------------------
# Authorization


def test_the_pupil_and_their_parent_may_send_the_photo_nobody_else(api, world, session):
    expected = {"pupil": 201, "parent": 201, "other pupil": 404, "parent of another child": 404,
                "agent": 404, "partner": 404, "school staff": 404, "signed out": 401}
    answers = {who: upload(client_for(api, world.tokens[who]), world.pupil_id, jpeg())
               for who in expected}
    assert {who: answer.status_code for who, answer in answers.items()} == expected
    assert answers["signed out"].json()["message"].startswith("Votre session a expiré")
    assert answers["agent"].json() == {"code": "not_found", "message": "Ressource introuvable."}
    # two photos were accepted, the parent's being the current one
    accepted = session.exec(select(Photo).where(Photo.pupil_id == world.pupil_id)).all()
    assert len(accepted) == 2
    assert photo_state(session, world.pupil_id).photo_id == answers["parent"].json()["photo_id"]


def test_the_photo_is_shown_to_the_pupil_their_parent_and_agents_only(api, world):
    sent = upload(client_for(api, world.tokens["pupil"]), world.pupil_id, jpeg())
    assert sent.status_code == 201
    url = sent.json()["url"]
    assert url == f"/api/v1/photos/{sent.json()['photo_id']}"
    expected = {"pupil": 200, "parent": 200, "agent": 200, "other pupil": 404,
                "parent of another child": 404, "partner": 404, "school staff": 404, "signed out": 404}
    answers = {who: client_for(api, world.tokens[who]).get(url) for who in expected}
    assert {who: a.status_code for who, a in answers.items()} == expected
    shown = answers["parent"]
    assert shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["cache-control"] == "private, no-store"
    assert Image.open(io.BytesIO(shown.content)).size == (413, 531)
    # a refusal looks the same as a photo that does not exist
    missing = client_for(api, world.tokens["parent"]).get("/api/v1/photos/999999")
    assert missing.status_code == 404 and missing.json() == answers["partner"].json()


def test_the_caller_comes_from_the_site_change_dependency(api, world, session):
    pupil = actor_of(session, session.exec(select(Account).where(Account.pupil_id == world.pupil_id)).one())
    session.rollback()  # nothing written: the route's own transaction must not wait on this one
    api.dependency_overrides[site_change_actor] = lambda: pupil
    assert upload(client_for(api, None), world.pupil_id, jpeg()).status_code == 201
    api.dependency_overrides[site_change_actor] = lambda: None
    assert upload(client_for(api, world.tokens["pupil"]), world.pupil_id, jpeg()).status_code == 401


def test_the_remembered_session_cookie_works_too_and_a_forged_one_does_not(api, world):
    assert upload(client_for(api, world.tokens["pupil"], REMEMBERED_COOKIE), world.pupil_id,
                  jpeg()).status_code == 201
    assert upload(client_for(api, "forged-token"), world.pupil_id, jpeg()).status_code == 401


def test_a_replaced_photo_is_no_longer_shown_to_the_family(api, world):
    family = client_for(api, world.tokens["parent"])
    first = upload(family, world.pupil_id, jpeg(colour=(20, 20, 20))).json()
    second = upload(family, world.pupil_id, jpeg(colour=(240, 240, 240))).json()
    assert family.get(first["url"]).status_code == 404
    assert family.get(second["url"]).status_code == 200
    assert client_for(api, world.tokens["agent"]).get(first["url"]).status_code == 200


# ---------------------------------------------------------------------------------------------
# What is kept


def test_only_the_processed_photo_is_stored_without_metadata(api, world, session):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # taken sideways
    original = jpeg(1200, 900, exif=exif.tobytes())
    sent = upload(client_for(api, world.tokens["pupil"]), world.pupil_id, original)
    assert sent.status_code == 201
    assert sent.json()["state"] == "pending"
    assert sent.json()["label"] == "Photo en cours de vérification"
    files = list(photo_directory().iterdir())
    assert len(files) == 1  # no copy of the original, no temporary file left
    stored = files[0].read_bytes()
    assert stored != original and b"PhoneMaker" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.size == (413, 531) and not image.getexif()


# ---------------------------------------------------------------------------------------------
# Refusals, each with the sentence that says what is accepted


@pytest.mark.parametrize(("data", "filename", "status", "code"), [
    (png(), "photo.png", 415, "not_jpeg"),
    (png(), "photo.jpg", 415, "not_jpeg"),  # renamed: the bytes decide
    (PDF, "photo.pdf", 415, "not_jpeg"),
    (HEIC, "IMG_0001.HEIC", 415, "not_jpeg"),
    (jpeg()[:3000], "photo.jpg", 422, "corrupt"),  # truncated
    (jpeg(20, 30), "photo.jpg", 422, "too_small"),
], ids=["png", "png-renamed-jpg", "pdf", "heic", "truncated", "tiny"])
def test_refused_files(api, world, session, data, filename, status, code):
    answer = upload(client_for(api, world.tokens["parent"]), world.pupil_id, data, filename,
                    fields={} if code == "too_small" else CROP)
    assert answer.status_code == status
    assert answer.json() == {"code": code, "message": MESSAGES[code]}
    assert photo_state(session, world.pupil_id).state == "missing"
    assert not photo_directory().exists() or not list(photo_directory().iterdir())


def test_refused_forms(api, world):
    family = client_for(api, world.tokens["parent"])
    url = f"/api/v1/pupils/{world.pupil_id}/photo"
    bad_crop = upload(family, world.pupil_id, jpeg(), fields={**CROP, "crop_width": "beaucoup"})
    assert (bad_crop.status_code, bad_crop.json()["message"]) == (422, MESSAGES["bad_crop"])
    outside = upload(family, world.pupil_id, jpeg(), fields={**CROP, "crop_x": "0.9"})
    assert (outside.status_code, outside.json()["code"]) == (422, "bad_crop")
    no_photo = family.post(url, data=CROP, files={"autre": ("a.txt", b"x", "text/plain")})
    assert no_photo.status_code == 422
    assert no_photo.json()["message"].startswith("Aucune photo reçue : choisissez une photo au format JPEG")
    as_json = family.post(url, json={"photo": "..."})
    assert as_json.status_code == 415
    assert "multipart/form-data" in as_json.json()["message"]
    too_large = upload(family, world.pupil_id, b"\xff\xd8\xff\xe0" + b"\x00" * (MAX_UPLOAD_BYTES + 1))
    assert too_large.status_code == 413
    assert too_large.json() == {"code": "too_large", "message": MESSAGES["too_large"]}
    assert "10 Mo" in too_large.json()["message"]


# ---------------------------------------------------------------------------------------------
# An oversized upload is cut short


def _post_in_chunks(api, path: str, token: str, chunks, headers: dict) -> tuple[int, int]:
    """Runs the ASGI app on a body sent chunk by chunk; (status, bytes the app asked for)."""
    consumed = 0
    chunks = iter(chunks)
    sent: list[dict] = []

    async def receive():
        nonlocal consumed
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        consumed += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    raw_headers = [(k.lower().encode(), v.encode()) for k, v in
                   {**headers, **page_headers(token), "cookie": f"{SESSION_COOKIE}={token}"}.items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": b"", "headers": raw_headers, "server": ("test", 80),
             "client": ("127.0.0.1", 50000)}
    asyncio.run(api(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], consumed


def _endless_photo(total: int, chunk: int = 64 * 1024):
    head = (b"--B\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\n"
            b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0")
    yield head
    for _ in range(total // chunk):
        yield b"\x00" * chunk


def test_an_oversized_upload_is_refused_without_being_read(api, world):
    path = f"/api/v1/pupils/{world.pupil_id}/photo"
    content_type = {"content-type": "multipart/form-data; boundary=B"}
    thirty_mb = 30 * 1024 * 1024
    # announced too large: not one byte of the body is read
    status, consumed = _post_in_chunks(api, path, world.tokens["parent"], _endless_photo(thirty_mb),
                                       {**content_type, "content-length": str(thirty_mb)})
    assert (status, consumed) == (413, 0)
    # not announced (chunked) or understated: reading stops just past the limit
    for headers in (content_type, {**content_type, "content-length": "1000"}):
        status, consumed = _post_in_chunks(api, path, world.tokens["parent"], _endless_photo(thirty_mb),
                                           headers)
        assert status == 413
        assert MAX_UPLOAD_BYTES < consumed <= MAX_UPLOAD_BYTES + ENVELOPE_BYTES + 64 * 1024


def test_a_signed_out_upload_is_refused_before_its_body_is_read(api, world):
    status, consumed = _post_in_chunks(
        api, f"/api/v1/pupils/{world.pupil_id}/photo", "not-a-session",
        _endless_photo(5 * 1024 * 1024), {"content-type": "multipart/form-data; boundary=B"})
    assert (status, consumed) == (401, 0)
