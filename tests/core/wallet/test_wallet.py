"""Money rules of the ledger, on SQLite and PostgreSQL: balances, idempotency, refunds, expiry,
and the database's own guards (constraints and triggers) against code that would forget them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import select

from cjeune_app.core.cards import invariants, paying
from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.loss import declare_lost
from cjeune_app.core.dashboard.history import history_of_season
from cjeune_app.core.db import engine_for, is_sqlite, session_scope
from cjeune_app.core.partners.models import Payment
from cjeune_app.core.seasons.api import get_or_create_season
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import api as wallet
from cjeune_app.core.wallet import errors
from cjeune_app.core.wallet.history import spent_per_envelope
from cjeune_app.core.wallet.models import LedgerEntry, Wallet
from tests.support.money_world import build_world


def reading():
    return session_scope(read_only=True)


def key() -> str:
    return uuid.uuid4().hex


class Funded:
    """A youth whose card is associated: 100 € Sport & Culture, 50 € Soutien scolaire."""

    def __init__(self, world):
        self.world = world
        self.youth = world.youths[0]
        with session_scope() as s:
            self.card_id = associate_card(s, self.youth.parent_account_id, self.youth.pupil_id,
                                          world.cards[0], key()).card_id
        with reading() as s:
            self.sport = wallet.wallet_for(s, self.youth.pupil_id, world.season.id, "sport_culture").id
            self.tutoring = wallet.wallet_for(s, self.youth.pupil_id, world.season.id, "soutien_scolaire").id

    def balances(self):
        with reading() as s:
            return wallet.balances(s, self.youth.pupil_id, self.world.season.id)

    def debit(self, amount, idempotency_key=None, wallet_id=None, partner_id=None, **options):
        with session_scope() as s:
            return paying.debit(s, wallet_id or self.sport, amount, idempotency_key or key(),
                                partner_id or self.world.partner_id, "Paiement test", **options)

    def refund(self, debit_key, amount=None, idempotency_key=None):
        with session_scope() as s:
            return wallet.refund(s, debit_key, idempotency_key or key(), amount)

    def entries(self):
        with reading() as s:
            return s.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()

    def assert_invariants(self):
        with reading() as s:
            assert invariants.verify_invariants(s) == []


@pytest.fixture
def funded(session):
    return Funded(build_world(session))


def test_debit_takes_money_once_per_key(funded):
    first = funded.debit(2_550, "pay-1")
    assert (first.kind, first.amount_cents, first.balance_after_cents, first.replayed) == ("debit", -2_550, 7_450, False)
    retried = funded.debit(2_550, "pay-1")
    assert retried.replayed and (retried.entry_id, retried.balance_after_cents) == (first.entry_id, 7_450)
    funded.debit(450, "pay-2")
    assert funded.debit(2_550, "pay-1").balance_after_cents == 7_450  # its own result, not today's balance
    assert funded.balances() == {"sport_culture": 7_000, "soutien_scolaire": 5_000}
    assert len([e for e in funded.entries() if e.kind == "debit"]) == 2
    funded.assert_invariants()


@pytest.mark.parametrize("change", [{"amount": 100}, {"partner": "other"}, {"wallet": "tutoring"}])
def test_a_key_reused_for_another_movement_is_refused(funded, change):
    funded.debit(2_000, "pay-1")
    with pytest.raises(errors.IdempotencyKeyReused) as refusal:
        funded.debit(
            change.get("amount", 2_000), "pay-1",
            wallet_id=funded.tutoring if "wallet" in change else None,
            partner_id=funded.world.other_partner_id if "partner" in change else None,
        )
    assert refusal.value.code == "idempotency_conflict" and "nouvelle clé" in refusal.value.message
    assert funded.balances() == {"sport_culture": 8_000, "soutien_scolaire": 5_000}


def test_debit_never_overdraws(funded):
    funded.debit(9_000)
    with pytest.raises(errors.InsufficientBalance) as refusal:
        funded.debit(1_001)
    assert refusal.value.message.startswith(
        "Le solde de l'enveloppe Sport & Culture de cette carte ne permet pas ce paiement."
    )
    assert "10,00" not in refusal.value.message
    assert funded.debit(1_000).balance_after_cents == 0
    assert funded.balances()["sport_culture"] == 0


@pytest.mark.parametrize("amount", [0, -500, 12.5, True, "100", 1_000_001])
def test_amount_must_be_positive_whole_cents(funded, amount):
    with pytest.raises(errors.InvalidAmount):
        funded.debit(amount)
    assert funded.balances()["sport_culture"] == 10_000


@pytest.mark.parametrize("bad_key", ["", "k" * 129, None])
def test_every_movement_needs_a_key(funded, bad_key):
    with pytest.raises(errors.InvalidIdempotencyKey), session_scope() as s:
        paying.debit(s, funded.sport, 100, bad_key, funded.world.partner_id)


def test_debit_only_within_the_season_dates(funded):
    season = funded.world.season
    for day in (season.starts_on - dt.timedelta(days=1), season.ends_on + dt.timedelta(days=1)):
        with pytest.raises(errors.SeasonNotOpen) as refusal:
            funded.debit(100, today=day)
    assert season.code in refusal.value.message and season.ends_on.strftime("%d/%m/%Y") in refusal.value.message
    assert funded.debit(100, today=season.ends_on).balance_after_cents == 9_900


def test_debit_belongs_to_the_caller_s_transaction(funded):
    """A payment that fails after its debit leaves no movement behind."""
    with pytest.raises(RuntimeError), session_scope() as s:
        paying.debit(s, funded.sport, 4_000, "pay-rolled-back", funded.world.partner_id)
        raise RuntimeError("the partner's payment failed after the debit")
    assert funded.balances()["sport_culture"] == 10_000
    assert funded.debit(4_000, "pay-rolled-back").replayed is False


def test_debit_records_the_payment_and_the_card(funded):
    with session_scope() as s:
        payment = Payment(partner_id=funded.world.partner_id, card_id=funded.card_id, wallet_id=funded.sport,
                          envelope="sport_culture", amount_cents=1_500, idempotency_key="p1")
        s.add(payment)
        s.flush()
        moved = paying.debit(s, funded.sport, 1_500, f"payment:{payment.id}", funded.world.partner_id,
                             payment_id=payment.id)
    entry = next(e for e in funded.entries() if e.id == moved.entry_id)
    assert (entry.payment_id, entry.card_id, entry.partner_id) == (payment.id, funded.card_id, funded.world.partner_id)


def test_refunds_never_exceed_the_payment(funded):
    funded.debit(3_000, "pay-1")
    partial = funded.refund("pay-1", 1_000, "refund-1")
    assert (partial.kind, partial.amount_cents, partial.balance_after_cents) == ("refund", 1_000, 8_000)
    assert funded.refund("pay-1", 1_000, "refund-1").replayed
    with pytest.raises(errors.IdempotencyKeyReused):
        funded.refund("pay-1", 500, "refund-1")
    with pytest.raises(errors.RefundTooLarge) as refusal:
        funded.refund("pay-1", 2_001)
    assert "20,00 €" in refusal.value.message
    assert funded.refund("pay-1").amount_cents == 2_000  # the rest, by default
    with pytest.raises(errors.RefundTooLarge):
        funded.refund("pay-1")
    with pytest.raises(errors.DebitNotFound):
        funded.refund("no-such-payment")
    assert funded.balances()["sport_culture"] == 10_000
    funded.assert_invariants()


def test_refund_reaches_a_blocked_card_s_wallet(funded):
    funded.debit(3_000, "pay-1")
    with session_scope() as s:
        declare_lost(s, funded.youth.account_id, funded.youth.pupil_id, funded.card_id, "perte")
    assert funded.refund("pay-1").balance_after_cents == 10_000


def test_a_wallet_is_credited_once_whatever_the_key(funded):
    with pytest.raises(errors.AlreadyCredited), session_scope() as s:
        wallet.credit(s, funded.sport, 10_000, "another-credit-key")
    with session_scope() as s:
        assert wallet.credit_season(s, funded.youth.pupil_id, funded.world.season) == 0
    with pytest.raises(sa.exc.IntegrityError), session_scope() as s:  # and the database agrees
        s.add(LedgerEntry(wallet_id=funded.sport, kind="credit", amount_cents=10_000, idempotency_key="sneaky"))
        s.flush()
    assert funded.balances() == {"sport_culture": 10_000, "soutien_scolaire": 5_000}


# --- the database's own guards -------------------------------------------------------------------

def raw(db_url, sql, **params):
    with engine_for(db_url).begin() as conn:
        conn.execute(sa.text(sql), params)


def test_database_refuses_a_negative_balance(db_url, funded):
    with pytest.raises(sa.exc.IntegrityError):
        raw(db_url, "UPDATE wallet SET balance_cents = -1 WHERE id = :id", id=funded.sport)
    # an entry that overdraws: the trigger applies it and the CHECK constraint refuses the result
    with pytest.raises(sa.exc.IntegrityError, match="balance_not_negative"):
        raw(db_url, "INSERT INTO ledger_entry (wallet_id, kind, amount_cents, idempotency_key, label, created_at)"
                    " VALUES (:id, 'debit', -10001, 'overdraw', '', CURRENT_TIMESTAMP)", id=funded.sport)
    assert funded.balances()["sport_culture"] == 10_000


def test_database_keeps_the_balance_equal_to_the_ledger(db_url, funded):
    with pytest.raises(sa.exc.IntegrityError):
        raw(db_url, "UPDATE wallet SET balance_cents = balance_cents + 500 WHERE id = :id", id=funded.sport)
    with pytest.raises(sa.exc.IntegrityError):
        raw(db_url, "INSERT INTO wallet (pupil_id, season_id, envelope, balance_cents, created_at)"
                    " SELECT pupil_id, season_id, 'autre', 500, created_at FROM wallet WHERE id = :id", id=funded.sport)
    # a plain entry written by hand is applied to the balance by the database itself
    raw(db_url, "INSERT INTO ledger_entry (wallet_id, kind, amount_cents, idempotency_key, label, created_at)"
                " VALUES (:id, 'debit', -700, 'by-hand', '', CURRENT_TIMESTAMP)", id=funded.sport)
    assert funded.balances()["sport_culture"] == 9_300
    funded.assert_invariants()


def test_ledger_entries_cannot_be_changed_nor_deleted(db_url, funded):
    for statement in ("UPDATE ledger_entry SET amount_cents = 99999 WHERE kind = 'credit'",
                      "UPDATE ledger_entry SET label = 'x'",
                      "DELETE FROM ledger_entry"):
        with pytest.raises(sa.exc.DatabaseError):
            raw(db_url, statement)
    assert funded.balances() == {"sport_culture": 10_000, "soutien_scolaire": 5_000}


def test_verify_invariants_reports_a_corrupted_wallet(db_url, funded):
    """Simulates what the triggers prevent, to prove that the checker sees it."""
    engine = engine_for(db_url)
    with engine.begin() as conn:
        if is_sqlite(engine):
            conn.execute(sa.text("DROP TRIGGER wallet_balance_matches_ledger"))
        else:
            conn.execute(sa.text("ALTER TABLE wallet DISABLE TRIGGER wallet_balance_matches_ledger"))
        conn.execute(sa.text("UPDATE wallet SET balance_cents = 12345 WHERE id = :id"), {"id": funded.sport})
    with reading() as s:
        assert invariants.verify_invariants(s) == [f"wallet {funded.sport}: balance 12345 != sum of entries 10000"]


# --- reading -------------------------------------------------------------------------------------

def test_history_and_spending_per_envelope(funded):
    funded.debit(2_500, "judo")
    funded.debit(1_200, "cours", wallet_id=funded.tutoring, partner_id=funded.world.other_partner_id)
    funded.refund("judo", 500)
    with reading() as s:
        lines = history_of_season(s, funded.youth.pupil_id, funded.world.season)
        spent = spent_per_envelope(s, funded.youth.pupil_id, funded.world.season.id)
    assert [(line.label, line.amount_cents) for line in lines] == [
        ("Remboursement — Judo Club Aix", 500),
        ("Paiement — Cours Réussite Marseille", -1_200),
        ("Paiement — Judo Club Aix", -2_500),
        ("Crédit de la saison " + funded.world.season.code, 5_000),
        ("Crédit de la saison " + funded.world.season.code, 10_000),
    ]
    assert [line.envelope for line in lines[-2:]] == ["soutien_scolaire", "sport_culture"]
    assert spent == {"sport_culture": 2_000, "soutien_scolaire": 1_200}


# --- end of season -------------------------------------------------------------------------------

def close(season, today=None):
    with session_scope() as s:
        return wallet.expire_season(s, season.id, today=today or season.ends_on + dt.timedelta(days=1))


def test_a_season_closes_only_once_finished(funded):
    season = funded.world.season
    with pytest.raises(errors.SeasonNotFinished) as refusal:
        close(season, today=season.ends_on)
    assert refusal.value.message == (
        f"La saison {season.code} n'est pas terminée (dernier jour : {season.ends_on:%d/%m/%Y}). "
        "Ses crédits ne pourront expirer qu'à partir du lendemain."
    )
    assert funded.balances()["sport_culture"] == 10_000


def test_closing_a_season_expires_what_is_left_through_the_ledger(funded, session):
    world = funded.world
    with session_scope() as s:  # a second youth, credited without spending
        associate_card(s, world.youths[1].account_id, world.youths[1].pupil_id, world.cards[1], key())
    funded.debit(2_500, "judo")
    report = close(world.season)
    assert (report.wallets_expired, report.expired_cents, report.closed_now) == (4, 7_500 + 5_000 + 15_000, True)
    assert funded.balances() == {"sport_culture": 0, "soutien_scolaire": 0}
    entries = funded.entries()
    assert len(entries) == 4 + 1 + 4  # credits, the payment, expiries: nothing deleted
    assert sorted(e.amount_cents for e in entries if e.kind == "expiry") == [-10_000, -7_500, -5_000, -5_000]
    again = close(world.season)
    assert (again.wallets_expired, again.expired_cents, again.closed_now) == (0, 0, False)
    with reading() as s:
        assert s.get(Season, world.season.id).closed_at is not None
        lines = history_of_season(s, funded.youth.pupil_id, world.season)
    assert lines[0].label == f"Fin de la saison {world.season.code} : crédits expirés"

    with pytest.raises(errors.SeasonClosed) as refusal:
        funded.debit(100)
    assert refusal.value.message.startswith(f"La saison {world.season.code} est close")
    with pytest.raises(errors.SeasonClosed):
        funded.refund("judo")
    with pytest.raises(errors.SeasonClosed), session_scope() as s:
        wallet.credit_season(s, world.youths[2].pupil_id, world.season)
    funded.assert_invariants()


def test_closing_leaves_other_seasons_alone(funded):
    with session_scope() as s:
        past = get_or_create_season(s, "2019-2020")
    report = close(past)
    assert (report.season_code, report.wallets_expired) == ("2019-2020", 0)
    assert funded.balances()["sport_culture"] == 10_000
    with reading() as s:
        assert s.exec(select(Wallet).where(Wallet.season_id == past.id)).all() == []
        assert s.get(Season, funded.world.season.id).closed_at is None
