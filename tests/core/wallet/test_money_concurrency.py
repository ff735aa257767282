"""Money under real parallel transactions (threads and processes, each with its own connection),
and a process killed in the middle of an association. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlmodel import func, select

from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards import invariants, paying
from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.models import Card, CardAssociationAttempt
from cjeune_app.core.db import session_scope
from cjeune_app.core.errors import Refusal
from cjeune_app.core.wallet import api as wallet
from cjeune_app.core.wallet import errors as wallet_errors
from cjeune_app.core.wallet.models import LedgerEntry, Wallet
from tests.support.money_world import build_world

from .money_workers import associate_in_process


def key() -> str:
    return uuid.uuid4().hex


def run_together(count: int, task) -> list[tuple[str, object]]:
    """Runs task(i) in `count` threads released at the same instant; each opens its own session."""
    barrier = threading.Barrier(count)

    def guarded(index):
        barrier.wait(timeout=30)
        try:
            return ("ok", task(index))
        except Refusal as refusal:
            return ("refused", refusal)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(guarded, range(count)))


def credits_of(pupil_id: int) -> list[int]:
    with session_scope(read_only=True) as s:
        return sorted(s.exec(
            select(LedgerEntry.amount_cents).join(Wallet, Wallet.id == LedgerEntry.wallet_id)
            .where(Wallet.pupil_id == pupil_id, LedgerEntry.kind == "credit")
        ).all())


def assert_invariants() -> None:
    with session_scope(read_only=True) as s:
        assert invariants.verify_invariants(s) == []


@pytest.fixture
def world(session):
    return build_world(session, youths=4, cards=12)


def associate(youth, number, idempotency_key=None, account_id=None):
    with session_scope() as s:
        return associate_card(s, account_id or youth.parent_account_id, youth.pupil_id, number,
                              idempotency_key or key())


# --- association ---------------------------------------------------------------------------------

def test_two_tabs_associating_the_same_card_at_once_credit_once(world):
    for index, youth in enumerate(world.youths):  # several rounds: the race is not always the same
        accounts = [youth.parent_account_id, youth.account_id]
        outcomes = run_together(2, lambda i, youth=youth, card=world.cards[index], accounts=accounts:
                                associate(youth, card, account_id=accounts[i]))
        assert [status for status, _ in outcomes] == ["ok", "ok"]
        assert sorted(result.credited_cents for _, result in outcomes) == [0, 15_000]
        assert len({result.card_id for _, result in outcomes}) == 1
        assert credits_of(youth.pupil_id) == [5_000, 10_000]
    assert_invariants()


def test_a_double_click_returns_one_result_to_every_request(world):
    youth, same_key = world.youths[0], key()
    outcomes = run_together(4, lambda i: associate(youth, world.cards[0], same_key))
    results = [result for _, result in outcomes]
    assert all(status == "ok" for status, _ in outcomes)
    assert all(result == results[0] for result in results) and results[0].credited_cents == 15_000
    assert credits_of(youth.pupil_id) == [5_000, 10_000]


def test_two_cards_at_once_for_one_youth_make_one_active_card(world):
    youth = world.youths[0]
    outcomes = run_together(2, lambda i: associate(youth, world.cards[i]))
    statuses = sorted(status for status, _ in outcomes)
    assert statuses == ["ok", "refused"]
    assert isinstance(next(r for s, r in outcomes if s == "refused"), card_errors.AnotherCardActive)
    with session_scope(read_only=True) as s:
        assert s.exec(select(func.count()).select_from(Card).where(
            Card.pupil_id == youth.pupil_id, Card.status == "active")).one() == 1
    assert credits_of(youth.pupil_id) == [5_000, 10_000]


def test_processes_associating_at_the_same_moment_credit_once(db_url, world):
    youth = world.youths[0]
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(4, mp_context=context) as pool:
        barrier = manager.Barrier(4)
        futures = [pool.submit(associate_in_process, db_url, youth.parent_account_id, youth.pupil_id,
                               world.cards[0], key(), barrier) for _ in range(4)]
        outcomes = sorted(f.result(timeout=120) for f in futures)
    assert outcomes == [("ok", 0), ("ok", 0), ("ok", 0), ("ok", 15_000)]
    assert credits_of(youth.pupil_id) == [5_000, 10_000]
    assert_invariants()


@pytest.mark.parametrize("point", ["after_card_update", "before_commit"])
def test_a_process_killed_in_the_middle_leaves_nothing_and_a_retry_credits_once(db_url, world, tmp_path, point):
    youth, same_key, marker = world.youths[0], key(), tmp_path / "marker"
    script = Path(__file__).with_name("associate_and_hang.py")
    process = subprocess.Popen(
        [sys.executable, str(script), db_url, str(youth.parent_account_id), str(youth.pupil_id),
         world.cards[0], same_key, point, str(marker)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])},
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists() and marker.read_text() == point, "the association never reached its pause"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()

    with session_scope(read_only=True) as s:  # nothing half-done
        card = s.exec(select(Card).where(Card.number == world.cards[0])).one()
        assert (card.status, card.pupil_id) == ("stock", None)
        assert s.exec(select(func.count()).select_from(LedgerEntry)).one() == 0
        assert s.exec(select(func.count()).select_from(Wallet)).one() == 0
        assert s.exec(select(func.count()).select_from(CardAssociationAttempt)).one() == 0

    retried = associate(youth, world.cards[0], same_key)
    assert retried.credited_cents == 15_000
    assert associate(youth, world.cards[0], same_key) == retried
    assert credits_of(youth.pupil_id) == [5_000, 10_000]
    assert_invariants()


# --- payments ------------------------------------------------------------------------------------

@pytest.fixture
def funded(world):
    youth = world.youths[0]
    card = associate(youth, world.cards[0])
    with session_scope(read_only=True) as s:
        sport = wallet.wallet_for(s, youth.pupil_id, world.season.id, "sport_culture").id
    return world, youth, card, sport


def debit(sport, partner_id, amount, idempotency_key=None):
    with session_scope() as s:
        return paying.debit(s, sport, amount, idempotency_key or key(), partner_id, "Paiement")


def balance(wallet_id):
    with session_scope(read_only=True) as s:
        return s.get(Wallet, wallet_id).balance_cents


def test_parallel_debits_never_overdraw(funded):
    world, _, _, sport = funded
    outcomes = run_together(8, lambda i: [_try(lambda: debit(sport, world.partner_id, 1_000)) for _ in range(3)])
    results = [r for _, batch in outcomes for r in batch]
    passed = [r for r in results if isinstance(r, wallet.Movement)]
    refused = [r for r in results if isinstance(r, wallet_errors.InsufficientBalance)]
    assert (len(passed), len(refused)) == (10, 14)
    assert sorted(m.balance_after_cents for m in passed) == list(range(0, 10_000, 1_000))
    assert balance(sport) == 0
    assert_invariants()


def _try(operation):
    try:
        return operation()
    except Refusal as refusal:
        return refusal


def test_parallel_retries_of_one_payment_move_money_once(funded):
    world, _, _, sport = funded
    outcomes = run_together(6, lambda i: debit(sport, world.partner_id, 2_500, "payment-42"))
    movements = [m for _, m in outcomes]
    assert len({m.entry_id for m in movements}) == 1
    assert sorted(m.replayed for m in movements) == [False] + [True] * 5
    assert {m.balance_after_cents for m in movements} == {7_500}
    assert balance(sport) == 7_500


def test_parallel_refunds_never_exceed_the_payment(funded):
    world, _, _, sport = funded
    debit(sport, world.partner_id, 3_000, "payment-1")

    def refund(_):
        with session_scope() as s:
            return wallet.refund(s, "payment-1", key(), 1_000)

    outcomes = run_together(6, refund)
    assert sorted(status for status, _ in outcomes) == ["ok"] * 3 + ["refused"] * 3
    assert balance(sport) == 10_000
    assert_invariants()


def test_closing_the_season_while_refunds_run_leaves_nothing_behind(funded):
    world, _, _, sport = funded
    for number in range(4):
        debit(sport, world.partner_id, 2_000, f"payment-{number}")
    after_end = world.season.ends_on + dt.timedelta(days=1)

    def task(index):
        with session_scope() as s:
            if index == 0:
                return wallet.expire_season(s, world.season.id, today=after_end)
            return wallet.refund(s, f"payment-{index - 1}", key())

    outcomes = run_together(5, task)
    refused = [r for status, r in outcomes if status == "refused"]
    assert all(isinstance(r, wallet_errors.SeasonClosed) for r in refused)
    assert outcomes[0][0] == "ok"
    assert balance(sport) == 0  # refunds that passed before the closing were expired with the rest
    assert_invariants()


def test_a_lost_card_stops_payments_at_once(funded):
    world, youth, card, sport = funded
    from cjeune_app.core.cards.loss import declare_lost

    def task(index):
        if index == 0:
            with session_scope() as s:
                return declare_lost(s, youth.account_id, youth.pupil_id, card.card_id, "vol").blocked_at
        return [_try(lambda: debit(sport, world.partner_id, 100)) for _ in range(5)]

    outcomes = run_together(4, task)
    assert outcomes[0][0] == "ok"
    with pytest.raises(wallet_errors.CardBlocked):
        debit(sport, world.partner_id, 100)
    with session_scope(read_only=True) as s:
        debits = s.exec(select(LedgerEntry).where(LedgerEntry.kind == "debit")).all()
        blocked_at = s.get(Card, card.card_id).blocked_at
    # every payment that passed was written before the card was blocked
    assert all(entry.created_at <= blocked_at for entry in debits)
    assert balance(sport) == 10_000 - 100 * len(debits)
    assert_invariants()
