"""The partners' HTTP API: every endpoint and error, French messages, and what a partner never sees."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from cjeune_app.api import create_api
from cjeune_app.api.deps import rate_limiter
from cjeune_app.api.partners import router as partners_router
from cjeune_app.api.ratelimit import RateLimiter
from cjeune_app.core.db import session_scope
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import paris_today
from cjeune_app.core.partners.api_keys import create_api_key, revoke_api_key
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.throttles import open_storage
from cjeune_app.core.wallet import api as wallet
from tests.support.partner_world import build_partner_world


class Api:
    def __init__(self, world, limiter=None):
        self.world = world
        app = create_api([partners_router])
        limiter = limiter or RateLimiter(10_000, 10_000)
        app.dependency_overrides[rate_limiter] = lambda: limiter
        self.client = TestClient(app)
        self.keys = {}
        with session_scope() as s:
            for name in ("sport", "tutoring", "both"):
                self.keys[name] = create_api_key(s, getattr(world, name), name)[1]

    def headers(self, partner="sport", **extra):
        return {"Authorization": f"Bearer {self.keys[partner]}", **extra}

    def get(self, path, partner="sport", **options):
        return self.client.get(f"/api/v1{path}", headers=self.headers(partner), **options)

    def pay(self, body, key="k-1", partner="sport"):
        return self.client.post("/api/v1/payments", json=body, headers=self.headers(partner, **{"Idempotency-Key": key}))

    def post(self, path, partner="sport", **options):
        return self.client.post(f"/api/v1{path}", headers=self.headers(partner), **options)

    def patch(self, path, partner="sport", **options):
        return self.client.patch(f"/api/v1{path}", headers=self.headers(partner), **options)


@pytest.fixture
def world(session):
    return build_partner_world(session)


@pytest.fixture
def api(world):
    return Api(world)


def balance(world, envelope="sport_culture"):
    with session_scope(read_only=True) as s:
        return wallet.balances(s, world.pupil_id, world.season_id)[envelope]


def assert_error(response, status, code, *words):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    for word in words:
        assert word in body["message"]
    return body


# --- authentication and limits -------------------------------------------------------------------

def test_no_key_a_wrong_key_or_a_revoked_key_get_401(api, world):
    no_key = api.client.get(f"/api/v1/cards/{world.card}")
    assert_error(no_key, 401, "unauthorized", "Authorization: Bearer")
    assert no_key.headers["WWW-Authenticate"].startswith("Bearer")
    for header in ("Bearer cjp_aaaaaaaaaaaa.wrong", f"Basic {api.keys['sport']}", f"Bearer {api.keys['sport']}x"):
        answer = api.client.get(f"/api/v1/cards/{world.card}", headers={"Authorization": header})
        assert answer.status_code == 401, header
    with session_scope() as s:
        view, secret = create_api_key(s, world.sport, "à révoquer")
    assert api.client.get("/api/v1/offers", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with session_scope() as s:
        revoke_api_key(s, world.sport, view.id)
    revoked = api.client.get("/api/v1/offers", headers={"Authorization": f"Bearer {secret}"})
    assert_error(revoked, 401, "invalid_api_key", "révoquée")


def test_the_key_of_a_structure_no_longer_validated_gets_403(api, world):
    with session_scope() as s:
        s.get(Partner, world.tutoring).status = "rejected"
    assert_error(api.get(f"/cards/{world.card}", "tutoring"), 403,
                 "partner_not_validated", "validée")


def test_a_key_that_floods_gets_429_and_the_others_go_on(world):
    api = Api(world, RateLimiter(per_minute_allowed=3, burst=3, storage=open_storage("memory://", "test")))
    for _ in range(3):
        assert api.get("/offers").status_code == 200
    flooded = api.get("/offers")
    assert_error(flooded, 429, "too_many_requests", "réessayez")
    assert int(flooded.headers["Retry-After"]) >= 1
    assert api.get("/offers", "tutoring").status_code == 200


def test_openapi_documents_the_bearer_scheme_and_every_route(api):
    spec = api.client.get("/api/v1/openapi.json").json()
    assert spec["components"]["securitySchemes"]["cleApi"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["cleApi"]["description"]}
    for path, method in [("/api/v1/cards/{number}", "get"), ("/api/v1/payments", "post"), ("/api/v1/payments", "get"),
                         ("/api/v1/payments/{payment_id}/cancel", "post"), ("/api/v1/offers", "get"),
                         ("/api/v1/offers", "post"), ("/api/v1/offers/{offer_id}", "patch")]:
        operation = spec["paths"][path][method]
        assert operation["security"] == [{"cleApi": []}]
        assert {"401", "422", "429"} <= set(operation["responses"])
    assert "Idempotency-Key" in json.dumps(spec["paths"]["/api/v1/payments"]["post"]["parameters"])


# --- cards ---------------------------------------------------------------------------------------

def test_a_card_shows_which_envelopes_can_be_debited_and_the_first_name_only(api, world):
    answer = api.get(f"/cards/{world.card}", "both")
    assert answer.status_code == 200
    assert answer.json() == {
        "card_last_digits": world.card[-4:], "first_name": "Test", "can_debit": True, "refusal": None,
        "envelopes": [
            {"envelope": "sport_culture", "label": "Sport & Culture", "can_debit": True},
            {"envelope": "soutien_scolaire", "label": "Soutien scolaire", "can_debit": True},
        ],
    }
    blocked = api.get(f"/cards/{world.blocked_card}").json()
    assert (blocked["can_debit"], blocked["first_name"], blocked["refusal"]["code"]) == (False, None, "card_blocked")
    assert_error(api.get("/cards/6013000000000000"), 422, "card_number_invalid", "16 chiffres")
    from cjeune_app.core.cards.numbers import generate_card_number

    assert_error(api.get(f"/cards/{generate_card_number()}"), 404, "card_unknown", "Aucune carte")


# --- payments ------------------------------------------------------------------------------------

def test_a_payment_is_created_once_per_idempotency_key(api, world):
    body = {"card_number": world.card, "amount_cents": 2_350}
    first = api.pay(body, "caisse-1")
    assert first.status_code == 201, first.text
    payment = first.json()
    assert (payment["amount_cents"], payment["envelope"], payment["status"], payment["first_name"]) == (
        2_350, "sport_culture", "accepted", "Test")
    assert payment["reference"] == f"CJP-{payment['id']:08d}" and payment["partner_name"] == "Judo Club d'Aix"
    again = api.pay(body, "caisse-1")
    assert again.status_code == 200 and again.json() == payment
    assert again.headers["Idempotent-Replayed"] == "true"
    assert balance(world) == 7_650
    conflict = api.pay({"card_number": world.card, "amount_cents": 2_000}, "caisse-1")
    assert_error(conflict, 409, "idempotency_conflict", "nouvelle clé")
    assert balance(world) == 7_650


@pytest.mark.parametrize("body, headers, field", [
    ({"card_number": "x", "amount_cents": 100}, {}, "Idempotency-Key"),
    ({"amount_cents": 100}, {"Idempotency-Key": "k"}, "card_number"),
    ({"card_number": "x", "amount_cents": "100"}, {"Idempotency-Key": "k"}, "amount_cents"),
    ({"card_number": "x", "amount_cents": 12.5}, {"Idempotency-Key": "k"}, "amount_cents"),
    ({"card_number": "x", "amount_cents": True}, {"Idempotency-Key": "k"}, "amount_cents"),
    ({"card_number": "x", "amount_cents": 100, "envelope": "cinema"}, {"Idempotency-Key": "k"}, "envelope"),
    ({"card_number": "x", "amount_cents": 100, "balance": 1}, {"Idempotency-Key": "k"}, "balance"),
])
def test_malformed_payments_get_422_in_french(api, body, headers, field):
    answer = api.client.post("/api/v1/payments", json=body, headers={**api.headers(), **headers})
    error = assert_error(answer, 422, "invalid_request", "Requête invalide", field)
    assert field in error["fields"]


def test_payment_refusals_say_why(api, world):
    assert_error(api.pay({"card_number": world.card, "amount_cents": 0}), 422, "amount_invalid", "12,50")
    assert_error(api.pay({"card_number": world.card, "amount_cents": 100}, "a key with spaces"), 422,
                 "idempotency_key_invalid", "Idempotency-Key")
    assert_error(api.pay({"card_number": world.card, "amount_cents": 10_001}), 409,
                 "balance_insufficient", "Le solde de l'enveloppe Sport & Culture de cette carte ne permet pas")
    assert_error(api.pay({"card_number": world.blocked_card, "amount_cents": 100}, "k-2"), 409, "card_blocked")
    assert_error(api.pay({"card_number": world.stock_card, "amount_cents": 100}, "k-3"), 409, "card_not_active")
    assert_error(api.pay({"card_number": world.card, "amount_cents": 100}, "k-4", "both"), 422,
                 "envelope_required", "choisissez")
    assert_error(api.pay({"card_number": world.card, "amount_cents": 100, "envelope": "soutien_scolaire"}, "k-5"),
                 422, "envelope_not_allowed", "Sport & Culture")
    assert balance(world) == 10_000


def test_cancel_list_and_read_payments(api, world):
    paid = api.pay({"card_number": world.card, "amount_cents": 1_200}).json()
    api.pay({"card_number": world.card, "amount_cents": 800}, "k-2", "tutoring")
    assert api.get(f"/payments/{paid['id']}").json() == paid
    cancelled = api.post(f"/payments/{paid['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert balance(world) == 10_000
    twice = api.post(f"/payments/{paid['id']}/cancel")
    assert twice.status_code == 200 and twice.json() == cancelled.json()
    assert balance(world) == 10_000
    today = paris_today().isoformat()
    listed = api.get("/payments", params={"from": today, "to": today}).json()
    assert (listed["count"], listed["accepted_total_cents"]) == (1, 0)
    assert [p["id"] for p in listed["payments"]] == [paid["id"]]  # not the other partner's
    default = api.get("/payments").json()
    assert default["date_to"] == today and default["count"] == 1
    assert_error(api.get("/payments", params={"from": today, "to": "2020-01-01"}), 422, "period_invalid", "précéder")
    assert_error(api.get("/payments", params={"from": "demain"}), 422, "invalid_request", "from")
    assert_error(api.get("/payments", params={"to": "0001-01-01"}), 422, "period_invalid", "2000")


def test_another_partners_payment_is_404(api, world):
    paid = api.pay({"card_number": world.card, "amount_cents": 1_200}).json()
    assert_error(api.get(f"/payments/{paid['id']}", "tutoring"), 404, "payment_unknown", "introuvable")
    assert_error(api.post(f"/payments/{paid['id']}/cancel", "tutoring"), 404, "payment_unknown")
    assert_error(api.post("/payments/999999/cancel"), 404, "payment_unknown")
    assert_error(api.post(f"/payments/{2**40}/cancel"), 404, "not_found")  # beyond any id
    assert balance(world) == 8_800


def numbers_in(value) -> list:
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers_in(item)]
    if isinstance(value, list):
        return [n for item in value for n in numbers_in(item)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []


def test_no_answer_carries_personal_data_beyond_the_first_name(api, world):
    with session_scope() as s:
        pupil = s.get(Pupil, world.pupil_id)
        pupil.first_name, pupil.last_name = "Julie", "Fernandez-Unique"
        birth = pupil.birth_date.isoformat()
    check = api.get(f"/cards/{world.card}").json()
    paid = api.pay({"card_number": world.card, "amount_cents": 1_000}).json()
    receipts = [paid, api.get("/payments").json(), api.get(f"/payments/{paid['id']}").json(),
                api.post(f"/payments/{paid['id']}/cancel").json()]
    joined = json.dumps([check, *receipts], ensure_ascii=False)
    assert "Julie" in joined
    for secret in ("Fernandez-Unique", birth, world.card, "balance", "pupil", "last_name"):
        assert secret not in joined, secret
    # receipts never tell what is left on the card (9 000 after the payment, 10 000 after cancelling)
    assert not {9_000, 10_000} & set(numbers_in(receipts))
    assert set(paid) == {"id", "reference", "created_at", "amount_cents", "envelope", "envelope_label", "status",
                         "cancelled_at", "cancellable_until", "first_name", "partner_name", "card_last_digits"}


def test_no_partner_facing_answer_tells_a_balance(api, world):
    """Partners see the first name, never the balance (privacy policy): not in the card check, not
    in a refused payment, not in the checkout's preview, whatever is left (something, or nothing)."""
    from cjeune_app.core.partners.payments import preview_payment

    assert api.pay({"card_number": world.card, "amount_cents": 6_789}, "odd-1").status_code == 201
    assert api.pay({"card_number": world.card, "amount_cents": 1_234}, "odd-2", "tutoring").status_code == 201
    left = {balance(world), balance(world, "soutien_scolaire")}
    assert left == {3_211, 3_766}
    answers = [api.get(f"/cards/{world.card}", partner).json() for partner in ("sport", "tutoring", "both")]
    refused = api.pay({"card_number": world.card, "amount_cents": 3_212}, "too-much-1")
    assert refused.status_code == 409
    answers.append(refused.json())
    with session_scope(read_only=True) as s, pytest.raises(Exception) as preview:
        preview_payment(s, world.sport, world.card, 3_212, None)  # what the checkout page shows
    answers.append(preview.value.as_dict())
    assert api.pay({"card_number": world.card, "amount_cents": 3_211}, "all-of-it").status_code == 201
    answers.append(api.get(f"/cards/{world.card}").json())  # nothing left: no payment possible
    answers.append(api.pay({"card_number": world.card, "amount_cents": 1}, "too-much-2").json())
    with session_scope(read_only=True) as s, pytest.raises(Exception) as empty_preview:
        preview_payment(s, world.sport, world.card, 1, None)
    answers.append(empty_preview.value.as_dict())

    assert {a["code"] for a in answers[3:] if "code" in a} == {"balance_insufficient"}
    joined = json.dumps(answers, ensure_ascii=False)
    for amount in (*left, 0):
        for shown in (f"{amount // 100},{amount % 100:02d}", f"{amount // 100}.{amount % 100:02d}", str(amount)):
            if amount or shown != "0":
                assert shown not in joined, shown
    assert "€" not in joined and "available" not in joined
    assert not set(left) & set(numbers_in(answers))


# --- offers --------------------------------------------------------------------------------------

def offer_body(**changes):
    today = paris_today()
    body = {"title": "Stage de judo des vacances", "category": "sport", "discount_text": "-20 %",
            "starts_on": today.isoformat(), "expires_on": (today + dt.timedelta(days=10)).isoformat()}
    body.update(changes)
    return body


def test_offers_are_created_listed_edited_and_unpublished(api, world):
    created = api.post("/offers", json=offer_body())
    assert created.status_code == 201, created.text
    offer = created.json()
    assert (offer["state"], offer["commune_insee"], offer["published"]) == ("en cours", "13001", True)
    assert api.get("/offers").json() == [offer]
    assert api.get(f"/offers/{offer['id']}").json() == offer
    edited = api.patch(f"/offers/{offer['id']}", json={"title": "Stage de karaté"})
    assert edited.status_code == 200 and edited.json()["title"] == "Stage de karaté"
    hidden = api.patch(f"/offers/{offer['id']}", json={"published": False}).json()
    assert (hidden["published"], hidden["state"]) == (False, "dépublié")
    assert api.get("/offers", "tutoring").json() == []
    assert_error(api.get(f"/offers/{offer['id']}", "tutoring"), 404, "offer_unknown")
    assert_error(api.patch(f"/offers/{offer['id']}", "tutoring", json={"title": "Pris"}), 404, "offer_unknown")


def test_offer_mistakes_get_422_in_french(api):
    assert_error(api.post("/offers", json=offer_body(category="soutien_scolaire")), 422, "invalid_form",
                 "catégorie de votre structure")
    assert_error(api.post("/offers", json=offer_body(expires_on="2020-01-01", starts_on="2019-12-01")), 422,
                 "invalid_form", "déjà passée")
    assert_error(api.post("/offers", json=offer_body(discount_text="")), 422, "invalid_form", "ou le prix")
    assert_error(api.post("/offers", json=offer_body(category="cinema")), 422, "invalid_request", "category")
    assert_error(api.post("/offers", json=offer_body(starts_on="01/10/2026")), 422, "invalid_request", "starts_on")
    created = api.post("/offers", json=offer_body()).json()
    assert_error(api.patch(f"/offers/{created['id']}", json={"title": None}), 422, "invalid_form", "title")
    assert_error(api.patch(f"/offers/{created['id']}", json={"expires_on": "2020-01-01"}), 422, "invalid_form",
                 "date d'expiration")


def test_every_refusal_body_is_code_and_french_message(api, world):
    """A sample of refusals: each has exactly a code and a French sentence."""
    answers = [
        api.client.get("/api/v1/offers"),
        api.get("/cards/1"),
        api.pay({"card_number": world.card, "amount_cents": 99_999}),
        api.post("/payments/12345/cancel"),
    ]
    for answer in answers:
        body = answer.json()
        assert set(body) == {"code", "message"} and body["message"][-1] in ".)", body
