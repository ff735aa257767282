"""Agents preparing the same month at the same instant (real threads, each with its own transaction):
one batch, each payment claimed once. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import func, select

from cjeune_app.core.db import session_scope
from cjeune_app.core.partners.payments import take_payment
from cjeune_app.core.reimbursements.models import ReimbursementBatch, ReimbursementItem
from cjeune_app.core.use_cases import reimbursements
from tests.core.reimbursements.builders import give_bank_details
from tests.core.reimbursements.test_batches import months, paris
from tests.support.partner_world import build_partner_world


def test_the_same_month_prepared_at_once_gives_one_batch(session, agent):
    world = build_partner_world(session)
    give_bank_details(session, world.sport)
    october, november, _ = months(world)
    for day in range(1, 9):
        with session_scope() as s:
            take_payment(s, world.sport, world.card, 300, None, uuid.uuid4().hex, now=paris(october.year, 10, day))
    barrier = threading.Barrier(6)

    def prepare(index: int):
        barrier.wait(timeout=30)
        month = october if index % 2 else november  # two months raced: neither claims a payment twice
        return reimbursements.prepare_batch(agent, month.code, now=paris(october.year, 12, 2))

    results = []
    errors = []
    with ThreadPoolExecutor(6) as pool:
        for future in [pool.submit(prepare, i) for i in range(6)]:
            try:
                results.append(future.result())
            except Exception as error:  # a later month prepared first refuses October: a Refusal
                errors.append(error)
    assert len({r.id for r in results}) <= 2
    assert all(getattr(e, "code", "") == "later_batch_exists" for e in errors)
    with session_scope(read_only=True) as s:
        assert s.exec(select(func.count()).select_from(ReimbursementBatch)).one() == len({r.id for r in results})
        claimed = s.exec(select(func.count(), func.sum(ReimbursementItem.amount_cents))).one()
    assert tuple(claimed) == (8, 2_400)  # each payment once, whichever batch won
    assert reimbursements.reconcile(agent).balanced


def test_preparing_twice_at_once_gives_the_same_batch(session, agent):
    world = build_partner_world(session)
    give_bank_details(session, world.sport)
    october, _, _ = months(world)
    with session_scope() as s:
        take_payment(s, world.sport, world.card, 1_200, None, uuid.uuid4().hex, now=paris(october.year, 10, 3))
    barrier = threading.Barrier(4)

    def prepare(_index: int):
        barrier.wait(timeout=30)
        return reimbursements.prepare_batch(agent, october.code, now=paris(october.year, 11, 2))

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(prepare, range(4)))
    assert len({r.id for r in results}) == 1 and {r.total_cents for r in results} == {1_200}
