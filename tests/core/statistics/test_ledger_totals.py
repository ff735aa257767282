"""The statistics' monthly totals folded from the ledger by id watermark equal a direct aggregate of
the ledger: after folds, between folds, while payments are taken and cancelled at the same time, and
when an entry with a smaller id commits after a larger one was folded. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from cjeune_app.core.db import get_engine, session_scope
from cjeune_app.core.partners.payments import cancel_payment, take_payment
from cjeune_app.core.statistics import ledger_totals
from cjeune_app.core.statistics.ledger_totals import MonthTotal
from cjeune_app.core.statistics.models import LedgerFold, LedgerFoldGap, LedgerMonthTotal
from cjeune_app.core.use_cases import statistics
from tests.support.partner_world import build_partner_world


def _read(season_id: int) -> tuple[list[MonthTotal], list[MonthTotal], list[MonthTotal]]:
    """(what the statistics read, the ledger aggregated directly, the folded totals alone), in one
    snapshot (PostgreSQL: REPEATABLE READ; SQLite: a read transaction is one)."""
    engine = get_engine().execution_options(read_only=True)
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(engine) as s, s.begin():
        folded = sorted((MonthTotal(t.month, t.envelope, t.kind, t.partner_id, t.entries, t.cents) for t in s.exec(
            select(LedgerMonthTotal).where(LedgerMonthTotal.season_id == season_id)).all()),
                        key=lambda t: (t.month, t.envelope, t.kind, t.partner_id))
        return ledger_totals.season_totals(s, season_id), ledger_totals.direct_totals(s, season_id), folded


def _fold() -> int:
    with session_scope() as s:
        return ledger_totals.fold(s)


def _pay(partner: int, card: str, cents: int) -> int:
    with session_scope() as s:
        return take_payment(s, partner, card, cents, None, uuid.uuid4().hex).payment_id


def test_folded_totals_equal_the_ledger(session, agent):
    world = build_partner_world(session)
    paid = [_pay(world.sport, world.card, 700), _pay(world.sport, world.second_card, 300)]
    read, direct, folded = _read(world.season_id)
    assert read == direct and folded == [] and {t.kind for t in direct} == {"credit", "debit"}
    assert _fold() == 8  # 6 credits, 2 debits
    read, direct, folded = _read(world.season_id)
    assert read == direct == folded
    _pay(world.tutoring, world.card, 200)
    with session_scope() as s:
        cancel_payment(s, world.sport, paid[0])
    read, direct, folded = _read(world.season_id)
    assert read == direct != folded  # the two new entries are read from the ledger itself
    assert _fold() == 2 and _fold() == 0
    read, direct, folded = _read(world.season_id)
    assert read == direct == folded
    money = statistics.statistics_page(agent).statistics.money
    assert (money.credited_cents, money.spent_cents) == (45_000, 500)


def test_folds_while_payments_are_taken_and_cancelled(session):
    world = build_partner_world(session)
    done = threading.Event()
    folds: list[int] = []

    def pay(card: str) -> None:
        for n in range(12):
            payment_id = _pay(world.sport, card, 100 + n)
            if n % 4 == 0:
                with session_scope() as s:
                    cancel_payment(s, world.sport, payment_id)

    def fold_again_and_again() -> None:
        while not done.is_set():
            folds.append(_fold())
            read, direct, _ = _read(world.season_id)
            assert read == direct

    with ThreadPoolExecutor(3) as pool:
        folding = pool.submit(fold_again_and_again)
        payers = [pool.submit(pay, card) for card in (world.card, world.second_card)]
        for payer in payers:
            payer.result()
        done.set()
        folding.result()
    _fold()
    read, direct, folded = _read(world.season_id)
    assert read == direct == folded
    assert sum(t.entries for t in direct if t.kind == "debit") == 24
    assert sum(t.entries for t in direct if t.kind == "refund") == 6
    assert len(folds) >= 1


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_an_entry_committed_after_a_larger_id_was_folded_is_folded_once(session):
    """PostgreSQL hands ids out before commit (SQLite has one writer at a time: this cannot happen)."""
    world = build_partner_world(session)
    _fold()
    late = session_scope()
    late_session = late.__enter__()
    take_payment(late_session, world.sport, world.card, 400, None, uuid.uuid4().hex)  # smaller id, not committed
    _pay(world.sport, world.second_card, 600)
    _fold()
    with session_scope(read_only=True) as s:
        gaps = list(s.exec(select(LedgerFoldGap.entry_id)).all())
        watermark = s.exec(select(LedgerFold.last_entry_id)).one()
    assert len(gaps) == 1 and gaps[0] < watermark
    read, direct, folded = _read(world.season_id)
    assert read == direct == folded  # the payment in flight is in neither
    late.__exit__(None, None, None)  # it commits now, below the watermark
    read, direct, folded = _read(world.season_id)
    assert read == direct != folded  # read from the ledger as a gap that appeared
    assert _fold() == 1
    read, direct, folded = _read(world.season_id)
    assert read == direct == folded
    with session_scope(read_only=True) as s:
        assert s.exec(select(LedgerFoldGap.entry_id)).all() == []


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_the_id_of_a_rolled_back_entry_is_forgotten(session):
    world = build_partner_world(session)
    aborted = session_scope()
    aborted_session = aborted.__enter__()
    take_payment(aborted_session, world.sport, world.card, 400, None, uuid.uuid4().hex)
    _pay(world.sport, world.second_card, 600)
    _fold()  # the aborted payment's id is a gap: its transaction is still running
    with session_scope(read_only=True) as s:
        assert len(s.exec(select(LedgerFoldGap.entry_id)).all()) == 1
    aborted.__exit__(RuntimeError, RuntimeError("abandoned"), None)
    assert _fold() == 0  # no writer left: the gap can never appear, it is dropped
    with session_scope(read_only=True) as s:
        assert s.exec(select(LedgerFoldGap.entry_id)).all() == []
    read, direct, folded = _read(world.season_id)
    assert read == direct == folded


def test_the_operators_command_folds_what_is_new(session):
    import json

    from click.testing import CliRunner

    from cjeune_app.cli import main

    world = build_partner_world(session)
    _pay(world.sport, world.card, 700)
    first = CliRunner().invoke(main, ["fold-ledger", "--json"])
    again = CliRunner().invoke(main, ["fold-ledger"])
    assert first.exit_code == 0 and json.loads(first.output) == {"folded": 7}  # 6 credits, 1 debit
    assert again.exit_code == 0 and "repliées dans les totaux des statistiques : 0." in again.output
    read, direct, folded = _read(world.season_id)
    assert read == direct == folded
