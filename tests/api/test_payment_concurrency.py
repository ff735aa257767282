"""50 payments at once on one card, through the real API served by granian (as in production),
on SQLite and PostgreSQL: never more than the balance, the others refused cleanly, ledger sound."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from cjeune_app.core.cards import invariants
from cjeune_app.core.db import session_scope
from cjeune_app.core.partners.api_keys import create_api_key
from cjeune_app.core.partners.models import Payment
from cjeune_app.core.wallet import api as wallet
from cjeune_app.core.wallet.models import LedgerEntry
from tests.appserver import PROJECT_ROOT, free_port, reflex_environment
from tests.support.partner_world import build_partner_world

CONCURRENT = 50
AMOUNT = 700  # 14 of them fit in 100,00 €; the 15th would overdraw


@pytest.fixture
def api_server(db_url, tmp_path):
    """The /api/v1 app in its own granian process, on this test's database."""
    port = free_port()
    env = reflex_environment(tmp_path, db_url, {"CJEUNE_API_REQUESTS_PER_MINUTE": "100000",
                                                "CJEUNE_API_BURST": "100000"})
    log = (tmp_path / "granian.log").open("wb")
    process = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "granian"), "--interface", "asgi", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "tests.api.partner_api_app:app"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(Path(tmp_path / "granian.log").read_text())
        time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fire_together(count: int, request) -> list[httpx.Response]:
    """`count` requests released at the same instant, each from its own thread and connection."""
    barrier = threading.Barrier(count)

    def one(index):
        with httpx.Client(timeout=60) as client:
            barrier.wait(timeout=30)
            return request(client, index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_fifty_payments_at_once_never_take_more_than_the_balance(session, api_server, request):
    world = build_partner_world(session)
    with session_scope() as s:
        secret = create_api_key(s, world.sport)[1]
        before = wallet.balances(s, world.pupil_id, world.season_id)["sport_culture"]
    headers = {"Authorization": f"Bearer {secret}"}

    answers = fire_together(CONCURRENT, lambda client, i: client.post(
        f"{api_server}/api/v1/payments", json={"card_number": world.card, "amount_cents": AMOUNT},
        headers={**headers, "Idempotency-Key": f"concurrent-{i}-{uuid.uuid4().hex}"}))

    statuses = [a.status_code for a in answers]
    accepted = [a.json() for a in answers if a.status_code == 201]
    refused = [a.json() for a in answers if a.status_code != 201]
    print(f"\n[{request.node.callspec.id}] payments tried={CONCURRENT} accepted={len(accepted)} "
          f"refused={len(refused)} statuses={sorted(set(statuses))}")
    assert all(status in (201, 409) for status in statuses), statuses  # no 5xx, no other answer
    assert sum(p["amount_cents"] for p in accepted) <= before
    assert len(accepted) == before // AMOUNT  # every payment that fitted went through
    assert {r["code"] for r in refused} == {"balance_insufficient"}
    assert all(r["message"].startswith("Le solde de l'enveloppe Sport & Culture de cette carte ne permet pas")
               and "€" not in r["message"] for r in refused)
    assert len({p["id"] for p in accepted}) == len(accepted)
    with session_scope(read_only=True) as s:
        assert invariants.verify_invariants(s) == []
        assert wallet.balances(s, world.pupil_id, world.season_id)["sport_culture"] == before - AMOUNT * len(accepted)
        assert s.exec(select(func.count()).select_from(Payment)).one() == len(accepted)
        assert s.exec(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "debit")).one() == len(accepted)


def test_the_same_request_sent_twenty_times_at_once_is_one_payment(session, api_server):
    world = build_partner_world(session)
    with session_scope() as s:
        secret = create_api_key(s, world.sport)[1]
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "caisse-3-ticket-881"}

    answers = fire_together(20, lambda client, i: client.post(
        f"{api_server}/api/v1/payments", json={"card_number": world.card, "amount_cents": 1_500}, headers=headers))

    assert sorted({a.status_code for a in answers}) in ([200, 201], [201])
    assert [a.status_code for a in answers].count(201) == 1
    assert len({a.json()["id"] for a in answers}) == 1
    with session_scope(read_only=True) as s:
        assert wallet.balances(s, world.pupil_id, world.season_id)["sport_culture"] == 8_500
        assert s.exec(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "debit")).one() == 1
        assert invariants.verify_invariants(s) == []
