"""Operators see what happens: one JSON log line per HTTP answer with its request id, the same id on the
lines of what the request did (a money movement, a refused key, a refusal), sign-in failures; never a
password, a token, a key or a photo. /metrics exists only with its token and requires it."""

from __future__ import annotations

import json

import pytest

from cjeune_app.core.enums import Role
from cjeune_app.core.settings import reload_settings
from cjeune_app.core.telemetry import log
from cjeune_app.core.use_cases import accounts
from tests.api.test_partner_api import Api
from tests.core.accounts.builders import make_pupil, make_school
from tests.support.partner_world import build_partner_world


def json_lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


@pytest.fixture
def world(session):
    return build_partner_world(session)


def test_a_payment_and_a_refused_key_leave_lines_with_their_request_id_and_no_secret(world, capsys):
    api = Api(world)
    capsys.readouterr()
    assert api.pay({"card_number": world.card, "amount_cents": 1_250}, "caisse-log").status_code == 201
    forged = "cjp_" + "Zx9" * 12
    assert api.client.get("/api/v1/offers", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    out = capsys.readouterr().err
    lines = json_lines(out)
    money = next(line for line in lines if line["event"] == "money_movement")
    assert (money["kind"], money["amount_cents"]) == ("debit", -1_250)
    pay_request = next(line for line in lines if line["event"] == "http_request" and line["path"] == "/api/v1/payments")
    assert pay_request["status"] == 201 and money["request_id"] == pay_request["request_id"]
    refused = next(line for line in lines if line["event"] == "api_key_refused")
    answer = next(line for line in lines if line["event"] == "http_request" and line["status"] == 401)
    assert refused["request_id"] == answer["request_id"] != pay_request["request_id"]
    assert forged not in out and api.keys["sport"] not in out


def test_a_failed_sign_in_is_logged_without_the_password_nor_the_identifier(session, capsys):
    _, account = make_pupil(session, make_school(session))
    session.commit()
    capsys.readouterr()
    step = accounts.check_password(account.login, "Mauvais-Secret-97", "203.0.113.7", (Role.PUPIL,))
    assert not step.ok
    out = capsys.readouterr().err
    failed = next(line for line in json_lines(out) if line["event"] == "sign_in_failed")
    assert failed["source_ip"] == "203.0.113.7" and failed["level"] == "warning"
    assert "Mauvais-Secret-97" not in out and account.login not in out


def test_secrets_passed_by_mistake_are_blanked(capsys):
    log.info("oops", password="hunter2-secret", photo=b"\xff\xd8jpeg", session_token="abc",
             note="clé cjp_AbCdEfGh12345678 collée", upload=b"\x89PNG")
    line = json_lines(capsys.readouterr().err)[-1]
    assert line["password"] == line["photo"] == line["session_token"] == "[masqué]"
    assert line["note"] == "clé [masqué] collée" and line["upload"] == "[4 octets]"


def test_metrics_need_their_token(world, monkeypatch):
    api = Api(world)
    assert api.client.get("/metrics").status_code == 404  # no token set: no page
    monkeypatch.setenv("CJEUNE_METRICS_TOKEN", "jeton-de-supervision")
    reload_settings()
    assert api.client.get("/metrics").status_code == 401
    assert api.client.get("/metrics", headers={"Authorization": "Bearer faux"}).status_code == 401
    api.pay({"card_number": world.card, "amount_cents": 500}, "caisse-metrics")
    page = api.client.get("/metrics", headers={"Authorization": "Bearer jeton-de-supervision"})
    assert page.status_code == 200
    for name in ("cjeune_http_requests_total", "cjeune_http_request_seconds_bucket", "cjeune_money_movements_total",
                 "cjeune_db_connections_in_use", "cjeune_events_total", "cjeune_refusals_total",
                 "cjeune_redis_round_trips_total"):
        assert name in page.text


def test_every_screen_event_is_counted_by_kind_and_gets_an_event_id(capsys):
    import asyncio

    import structlog
    from prometheus_client import REGISTRY
    from reflex.event import Event

    from cjeune_app.ui.telemetry import EventTelemetry

    kind = {"kind": "search_state.set_q"}
    before = REGISTRY.get_sample_value("cjeune_events_total", kind) or 0
    event = Event(name="reflex___state____state.search_state.set_q", payload={"value": "judo"})

    timed_before = REGISTRY.get_sample_value("cjeune_event_seconds_count", kind) or 0

    async def handled():  # the event's handler runs in the context preprocess bound, in its own task
        await EventTelemetry().preprocess(None, None, event)
        return structlog.contextvars.get_contextvars()

    async def event_task():  # as Reflex runs each event: one task, timed when it ends
        bound = await asyncio.create_task(handled())
        await asyncio.sleep(0)  # the task's done callbacks run on the next turn of the loop
        return bound

    bound = asyncio.run(event_task())
    assert REGISTRY.get_sample_value("cjeune_events_total", kind) == before + 1
    assert REGISTRY.get_sample_value("cjeune_event_seconds_count", kind) == timed_before + 1
    assert bound["event_kind"] == "search_state.set_q" and len(bound["event_id"]) == 16
