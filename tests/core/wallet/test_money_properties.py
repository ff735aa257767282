"""Random sequences of associate / credit / debit / refund / lose / replace / close-season, checked
against a model of the expected balances and against the ledger's invariants after every step.

Each example runs on a fresh database copied from a migrated template (SQLite file copy,
PostgreSQL CREATE DATABASE ... TEMPLATE), so that examples never see each other's money."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import Session, select

from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards import invariants, paying
from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.loss import declare_lost
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import generate_card_number
from cjeune_app.core.db import engine_for, session_scope
from cjeune_app.core.errors import Refusal
from cjeune_app.core.migrations import upgrade_schema
from cjeune_app.core.settings import reload_settings
from cjeune_app.core.wallet import api as wallet
from cjeune_app.core.wallet import errors as wallet_errors
from cjeune_app.core.wallet.models import LedgerEntry, Wallet
from tests.support.money_world import build_world

ENVELOPES = ["sport_culture", "soutien_scolaire"]
AMOUNTS = {"sport_culture": 10_000, "soutien_scolaire": 5_000}


def outcome(operation):
    """("ok", result) or ("refused", the refusal's exact class)."""
    try:
        with session_scope() as session:
            result = "ok", operation(session)
    except Refusal as refusal:
        result = "refused", type(refusal)
    event(f"{operation.__qualname__.split('.')[1]}: {result[0]} {getattr(result[1], '__name__', '')}")
    return result


class LedgerMachine(RuleBasedStateMachine):
    new_database = None  # set by each test: () -> (url, cleanup)

    def __init__(self):
        super().__init__()
        self.url, self.cleanup = type(self).new_database()
        self.previous_url = os.environ.get("REFLEX_DB_URL")
        os.environ["REFLEX_DB_URL"] = self.url
        reload_settings()
        with Session(engine_for(self.url), expire_on_commit=False) as session:
            self.world = build_world(session, youths=3, cards=7)
        self.youths = self.world.youths
        self.card_owner = dict.fromkeys(self.world.cards)
        self.card_status = dict.fromkeys(self.world.cards, "stock")
        self.card_ids = {}
        self.credited = {y.pupil_id: False for y in self.youths}
        self.balance = {(y.pupil_id, e): 0 for y in self.youths for e in ENVELOPES}
        self.wrong_numbers = {}
        self.debits = []  # [key, pupil, envelope, amount, refunded]
        self.closed = False

    def teardown(self):
        if self.previous_url is None:
            os.environ.pop("REFLEX_DB_URL", None)
        else:
            os.environ["REFLEX_DB_URL"] = self.previous_url
        reload_settings()
        self.cleanup()

    # --- expectations --------------------------------------------------------------------------

    def active_card_of(self, pupil_id):
        return next((n for n, p in self.card_owner.items() if p == pupil_id and self.card_status[n] == "active"), None)

    def expect_credit(self, pupil_id):
        """What crediting the season now does: None (fine) or the refusal class."""
        if not self.credited[pupil_id] and self.closed:
            return wallet_errors.SeasonClosed
        return None

    def apply_credit(self, pupil_id):
        if not self.credited[pupil_id]:
            self.credited[pupil_id] = True
            for envelope in ENVELOPES:
                self.balance[(pupil_id, envelope)] += AMOUNTS[envelope]

    # --- rules ---------------------------------------------------------------------------------

    @initialize(first_cards=st.lists(st.integers(0, 6), min_size=2, max_size=3, unique=True))
    def youths_associate_their_first_cards(self, first_cards):
        for who, card in enumerate(first_cards):
            self.associate(who, card, unknown=False, own_account=False)

    @rule(who=st.integers(0, 2), card=st.integers(0, 6), unknown=st.sampled_from([False] * 4 + [True]),
          own_account=st.booleans())
    def associate(self, who, card, unknown, own_account):
        youth = self.youths[who]
        account = youth.account_id if own_account else youth.parent_account_id
        number = generate_card_number() if unknown else self.world.cards[card]
        status, result = outcome(lambda s: associate_card(s, account, youth.pupil_id, number, uuid.uuid4().hex))

        owner = None if unknown else self.card_owner[number]
        state = None if unknown else self.card_status[number]
        if self.wrong_numbers.get(account, 0) >= 5:
            expected = card_errors.WrongNumbersThrottled
        elif unknown:
            expected = card_errors.CardNotFound
        elif owner is not None and owner != youth.pupil_id:
            expected = card_errors.CardHeldByAnotherAccount
        elif state == "blocked":
            expected = card_errors.OwnCardBlocked
        elif state == "stock" and self.active_card_of(youth.pupil_id) is not None:
            expected = card_errors.AnotherCardActive
        else:
            expected = self.expect_credit(youth.pupil_id)
        if expected in (card_errors.CardNotFound, card_errors.CardHeldByAnotherAccount):
            self.wrong_numbers[account] = self.wrong_numbers.get(account, 0) + 1

        if expected is None:
            assert status == "ok", result
            newly = 0 if self.credited[youth.pupil_id] else 15_000
            assert result.credited_cents == newly and result.was_already_associated == (state == "active")
            self.apply_credit(youth.pupil_id)
            self.card_owner[number], self.card_status[number] = youth.pupil_id, "active"
            self.card_ids[number] = result.card_id
        else:
            assert (status, result) == ("refused", expected)

    @rule(who=st.integers(0, 2))
    def credit(self, who):
        pupil_id = self.youths[who].pupil_id
        status, result = outcome(lambda s: wallet.credit_season(s, pupil_id, self.world.season))
        expected = self.expect_credit(pupil_id)
        if expected is None:
            assert (status, result) == ("ok", 0 if self.credited[pupil_id] else 15_000)
            self.apply_credit(pupil_id)
        else:
            assert (status, result) == ("refused", expected)

    @rule(who=st.integers(0, 2), envelope=st.sampled_from(ENVELOPES), data=st.data())
    def debit(self, who, envelope, data):
        self.pay(who, envelope, data)

    @rule(who=st.integers(0, 2), data=st.data())
    def debit_sport_culture(self, who, data):  # payments are the commonest step
        self.pay(who, "sport_culture", data)

    def pay(self, who, envelope, data):
        pupil_id = self.youths[who].pupil_id
        if not self.credited[pupil_id]:
            return  # no wallet to pay from yet
        left = self.balance[(pupil_id, envelope)]
        amount = data.draw(st.one_of(st.integers(1, 12_000), st.sampled_from([max(left, 1), left + 1])))
        key = f"pay:{uuid.uuid4().hex}"

        def take(session):
            target = wallet.wallet_for(session, pupil_id, self.world.season.id, envelope)
            return paying.debit(session, target, amount, key, self.world.partner_id, "Achat")

        status, result = outcome(take)
        if self.active_card_of(pupil_id) is None:
            owned = [n for n, p in self.card_owner.items() if p == pupil_id]
            expected = wallet_errors.CardBlocked if owned else wallet_errors.CardNotActive
        elif self.closed:
            expected = wallet_errors.SeasonClosed
        elif self.balance[(pupil_id, envelope)] < amount:
            expected = wallet_errors.InsufficientBalance
        else:
            expected = None
        if expected is None:
            self.balance[(pupil_id, envelope)] -= amount
            assert status == "ok" and result.balance_after_cents == self.balance[(pupil_id, envelope)]
            self.debits.append([key, pupil_id, envelope, amount, 0])
        else:
            assert (status, result) == ("refused", expected)

    @rule(data=st.data(), same=st.booleans())
    def retry_debit(self, data, same):
        if not self.debits:
            return
        key, pupil_id, envelope, amount, _ = data.draw(st.sampled_from(self.debits))
        status, result = outcome(lambda s: paying.debit(
            s, wallet.wallet_for(s, pupil_id, self.world.season.id, envelope),
            amount if same else amount + 1, key, self.world.partner_id))
        if same:
            assert status == "ok" and result.replayed
        else:
            assert (status, result) == ("refused", wallet_errors.IdempotencyKeyReused)

    @rule(data=st.data())
    def refund(self, data):
        if not self.debits:
            return
        paid = data.draw(st.sampled_from(self.debits))
        key, pupil_id, envelope, paid_amount, refunded = paid
        left = paid_amount - refunded
        amount = data.draw(st.one_of(st.none(), st.integers(1, paid_amount), st.sampled_from([max(left, 1), left + 1])))
        status, result = outcome(lambda s: wallet.refund(s, key, uuid.uuid4().hex, amount))
        refundable = paid_amount - refunded
        if self.closed:
            expected = wallet_errors.SeasonClosed
        elif (refundable if amount is None else amount) > refundable or refundable == 0:
            expected = wallet_errors.RefundTooLarge
        else:
            expected = None
        if expected is None:
            given = refundable if amount is None else amount
            assert status == "ok" and result.amount_cents == given
            paid[4] += given
            self.balance[(pupil_id, envelope)] += given
        else:
            assert (status, result) == ("refused", expected)

    @rule(who=st.integers(0, 2), card=st.integers(0, 6), pick_active=st.booleans())
    def lose(self, who, card, pick_active):
        youth = self.youths[who]
        number = (self.active_card_of(youth.pupil_id) if pick_active else None) or self.world.cards[card]
        card_id = self.card_ids.get(number) or self._card_id(number)
        status, result = outcome(lambda s: declare_lost(s, youth.parent_account_id, youth.pupil_id, card_id, "perte"))
        if self.card_owner[number] != youth.pupil_id:
            assert (status, result) == ("refused", card_errors.OnlyActiveCardDeclaredLost)
        else:
            assert status == "ok" and result.status == "blocked"
            self.card_status[number] = "blocked"

    def _card_id(self, number):
        with session_scope(read_only=True) as session:
            return session.exec(select(Card.id).where(Card.number == number)).one()

    @precondition(lambda self: len(self.debits) >= 3)
    @rule()
    def close_season(self):
        season = self.world.season
        status, report = outcome(lambda s: wallet.expire_season(s, season.id, today=season.ends_on + dt.timedelta(days=1)))
        assert status == "ok"
        assert report.expired_cents == sum(self.balance.values()) and report.closed_now == (not self.closed)
        self.balance = dict.fromkeys(self.balance, 0)
        self.closed = True

    # --- after every step ----------------------------------------------------------------------

    @invariant()
    def ledger_matches_the_model(self):
        with session_scope(read_only=True) as session:
            assert invariants.verify_invariants(session) == []
            for youth in self.youths:
                balances = wallet.balances(session, youth.pupil_id, self.world.season.id)
                assert balances == {e: self.balance[(youth.pupil_id, e)] for e in ENVELOPES}
            credits = session.exec(
                select(Wallet.pupil_id, sa.func.count()).join(LedgerEntry, LedgerEntry.wallet_id == Wallet.id)
                .where(LedgerEntry.kind == "credit").group_by(Wallet.pupil_id)
            ).all()
            assert dict(credits) == {p: 2 for p, done in self.credited.items() if done}
            cards = session.exec(select(Card.number, Card.status, Card.pupil_id).where(
                Card.number.in_(self.world.cards))).all()
            assert {n: (s, p) for n, s, p in cards} == {
                n: (self.card_status[n], self.card_owner[n]) for n in self.world.cards}


PROFILE = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def run_machine(new_database, max_examples, steps):
    machine = type("Ledger", (LedgerMachine,), {"new_database": staticmethod(new_database)})
    run_state_machine_as_test(machine, settings=settings(max_examples=max_examples, stateful_step_count=steps, **PROFILE))


def test_random_sequences_on_sqlite(tmp_path):
    template = tmp_path / "template.db"
    upgrade_schema(f"sqlite:///{template}")
    engine_for(f"sqlite:///{template}").dispose()
    copies = iter(range(10**6))

    def new_database():
        path = tmp_path / f"example-{next(copies)}.db"
        shutil.copy(template, path)
        url = f"sqlite:///{path}"

        def cleanup():
            engine_for(url).dispose()
            path.unlink()
        return url, cleanup

    run_machine(new_database, max_examples=25, steps=30)


@pytest.mark.postgres
def test_random_sequences_on_postgresql(postgres_server):
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    base = postgres_server.rsplit("/", 1)[0]
    template = f"cjeune_tmpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{template}"'))
    upgrade_schema(f"{base}/{template}")
    engine_for(f"{base}/{template}").dispose()

    def new_database():
        name = f"cjeune_ex_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = f"{base}/{name}"

        def cleanup():
            engine_for(url).dispose()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return url, cleanup

    try:
        run_machine(new_database, max_examples=8, steps=25)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
        admin.dispose()
