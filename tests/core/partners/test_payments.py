"""Encaisser, annuler, consulter une carte: every refusal and rule, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from sqlmodel import select

from cjeune_app.api.errors import status_of
from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards import invariants
from cjeune_app.core.cards.loss import declare_lost
from cjeune_app.core.cards.models import Card
from cjeune_app.core.dashboard.history import history_of_season
from cjeune_app.core.db import session_scope
from cjeune_app.core.formats import paris_today
from cjeune_app.core.partners import errors
from cjeune_app.core.partners import payment_errors as pay_errors
from cjeune_app.core.partners.models import Payment
from cjeune_app.core.partners.payment_lists import payments_of
from cjeune_app.core.partners.payments import (
    cancel_payment,
    card_check,
    payment_of,
    take_payment,
)
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import api as wallet
from cjeune_app.core.wallet import errors as wallet_errors
from cjeune_app.core.wallet.models import LedgerEntry
from tests.support.partner_world import build_partner_world


@pytest.fixture
def world(session):
    return build_partner_world(session)


def key() -> str:
    return uuid.uuid4().hex


def pay(partner_id, card, amount, envelope=None, idempotency_key=None, **options):
    with session_scope() as s:
        return take_payment(s, partner_id, card, amount, envelope, idempotency_key or key(), **options)


def cancel(partner_id, payment_id, **options):
    with session_scope() as s:
        return cancel_payment(s, partner_id, payment_id, **options)


def balances(world, pupil_id=None):
    with session_scope(read_only=True) as s:
        return wallet.balances(s, pupil_id or world.pupil_id, world.season_id)


def entries():
    with session_scope(read_only=True) as s:
        return s.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()


def assert_ledger_sound():
    with session_scope(read_only=True) as s:
        assert invariants.verify_invariants(s) == []


def test_a_payment_debits_the_envelope_of_the_partner_and_gives_a_receipt(world):
    receipt = pay(world.sport, world.card, 2_350)
    assert receipt.number == f"CJP-{receipt.payment_id:08d}"
    assert (receipt.amount_cents, receipt.envelope, receipt.envelope_label) == (2_350, "sport_culture", "Sport & Culture")
    assert (receipt.partner_name, receipt.first_name, receipt.status) == ("Judo Club d'Aix", "Test", "accepted")
    assert receipt.card_last_digits == world.card[-4:]
    assert receipt.cancellable_until - receipt.created_at == dt.timedelta(days=30)
    # what is left on the card is the youth's business, not the partner's
    assert not any("balance" in name for name in (f.name for f in dataclasses.fields(receipt)))
    assert balances(world) == {"sport_culture": 7_650, "soutien_scolaire": 5_000}
    debit = [e for e in entries() if e.kind == "debit"]
    assert [(e.amount_cents, e.payment_id, e.partner_id) for e in debit] == [(-2_350, receipt.payment_id, world.sport)]
    with session_scope(read_only=True) as s:
        season = s.get(Season, world.season_id)
        line = history_of_season(s, world.pupil_id, season)[0]
    assert (line.label, line.amount_cents) == ("Paiement — Judo Club d'Aix", -2_350)
    assert_ledger_sound()


def test_a_tutoring_partner_debits_soutien_scolaire(world):
    receipt = pay(world.tutoring, world.card, 3_000)
    assert receipt.envelope == "soutien_scolaire"
    assert balances(world) == {"sport_culture": 10_000, "soutien_scolaire": 2_000}


def test_the_same_key_again_returns_the_first_payment_and_moves_nothing(world):
    first = pay(world.sport, world.card, 1_000, idempotency_key="caisse-1-0001")
    spaced = " ".join(world.card[i:i + 4] for i in range(0, 16, 4))  # typed with spaces: same card
    again = pay(world.sport, spaced, 1_000, idempotency_key="caisse-1-0001")
    assert again.replayed and not first.replayed
    assert (again.payment_id, again.number, again.amount_cents) == (first.payment_id, first.number, 1_000)
    assert balances(world)["sport_culture"] == 9_000
    assert len([e for e in entries() if e.kind == "debit"]) == 1


@pytest.mark.parametrize("change", ["amount", "card", "envelope"])
def test_the_same_key_for_another_request_is_refused(world, change):
    pay(world.both, world.card, 1_000, "sport_culture", idempotency_key="k-1")
    other = dict(card=world.card, amount=1_000, envelope="sport_culture")
    other.update({"amount": {"amount": 1_500}, "card": {"card": world.second_card},
                  "envelope": {"envelope": "soutien_scolaire"}}[change])
    with pytest.raises(wallet_errors.IdempotencyKeyReused) as refusal:
        pay(world.both, other["card"], other["amount"], other["envelope"], idempotency_key="k-1")
    assert status_of(refusal.value) == 409 and "nouvelle clé" in refusal.value.message
    assert balances(world) == {"sport_culture": 9_000, "soutien_scolaire": 5_000}
    assert balances(world, world.second_pupil_id) == {"sport_culture": 10_000, "soutien_scolaire": 5_000}


def test_keys_belong_to_each_partner(world):
    pay(world.sport, world.card, 1_000, idempotency_key="ticket-42")
    pay(world.tutoring, world.card, 700, idempotency_key="ticket-42")
    assert balances(world) == {"sport_culture": 9_000, "soutien_scolaire": 4_300}


def test_insufficient_balance_is_refused_without_telling_the_balance(world):
    pay(world.sport, world.card, 7_650)
    with pytest.raises(wallet_errors.InsufficientBalance) as refusal:
        pay(world.sport, world.card, 2_351)
    assert refusal.value.message.startswith(
        "Le solde de l'enveloppe Sport & Culture de cette carte ne permet pas ce paiement.")
    assert "23,50" not in refusal.value.message and "€" not in refusal.value.message
    assert status_of(refusal.value) == 409 and refusal.value.details == {}
    with session_scope(read_only=True) as s:
        assert len(s.exec(select(Payment)).all()) == 1  # the refused payment left no row
    pay(world.sport, world.card, 2_350)
    with pytest.raises(wallet_errors.InsufficientBalance) as empty:
        pay(world.sport, world.card, 1)
    assert empty.value.message == refusal.value.message  # an empty envelope is told the same way
    assert balances(world)["sport_culture"] == 0
    assert_ledger_sound()


@pytest.mark.parametrize("typed, error", [
    ("6013 0000 0000 0000", card_errors.InvalidCardNumber),  # wrong check digit
    ("1234", card_errors.InvalidCardNumber),
    ("", card_errors.InvalidCardNumber),
])
def test_a_mistyped_number_is_caught_before_anything(world, typed, error):
    with pytest.raises(error) as refusal:
        pay(world.sport, typed, 1_000)
    assert status_of(refusal.value) == 422 and "16 chiffres" in refusal.value.message


def test_unknown_stock_and_blocked_cards_are_refused(world):
    from cjeune_app.core.cards.numbers import generate_card_number

    with pytest.raises(card_errors.CardNotFound) as unknown:
        pay(world.sport, generate_card_number(), 1_000)
    assert status_of(unknown.value) == 404 and "Aucune carte" in unknown.value.message
    with pytest.raises(wallet_errors.CardNotActive) as stock:
        pay(world.sport, world.stock_card, 1_000)
    assert "Associer une carte" in stock.value.message
    with pytest.raises(wallet_errors.CardBlocked) as blocked:
        pay(world.sport, world.blocked_card, 1_000)
    assert "perdue ou volée" in blocked.value.message
    assert [e for e in entries() if e.kind == "debit"] == []


def test_envelopes_follow_the_partner_categories(world):
    with pytest.raises(pay_errors.EnvelopeNotAllowed) as not_allowed:
        pay(world.sport, world.card, 1_000, "soutien_scolaire")
    assert not_allowed.value.message == (
        "Votre structure ne peut pas débiter l'enveloppe Soutien scolaire : ses catégories (Sport) "
        "donnent accès à l'enveloppe Sport & Culture.")
    with pytest.raises(pay_errors.EnvelopeRequired) as choose:
        pay(world.both, world.card, 1_000)
    assert "choisissez celle à débiter" in choose.value.message
    with pytest.raises(pay_errors.UnknownEnvelope):
        pay(world.both, world.card, 1_000, "cinema")
    assert pay(world.both, world.card, 1_000, "soutien_scolaire").envelope == "soutien_scolaire"
    assert pay(world.both, world.card, 500, "sport_culture").envelope == "sport_culture"
    assert pay(world.sport, world.card, 500, "sport_culture").envelope == "sport_culture"
    assert balances(world) == {"sport_culture": 9_000, "soutien_scolaire": 4_000}


def test_a_partner_not_validated_cannot_take_nor_look(world):
    with pytest.raises(errors.PartnerNotValidated) as refusal:
        pay(world.pending, world.card, 1_000)
    assert status_of(refusal.value) == 403
    with pytest.raises(errors.PartnerNotValidated), session_scope(read_only=True) as s:
        card_check(s, world.pending, world.card)
    assert balances(world)["sport_culture"] == 10_000


@pytest.mark.parametrize("amount", [0, -100, 12.5, True, "1000", None, 1_000_001])
def test_amount_must_be_whole_positive_cents(world, amount):
    with pytest.raises(wallet_errors.InvalidAmount) as refusal:
        pay(world.sport, world.card, amount)
    assert status_of(refusal.value) == 422 and "12,50" in refusal.value.message


@pytest.mark.parametrize("bad_key", ["", "a b", "é", "k" * 129, None])
def test_every_payment_needs_a_visible_key(world, bad_key):
    with pytest.raises(wallet_errors.InvalidIdempotencyKey), session_scope() as s:
        take_payment(s, world.sport, world.card, 100, None, bad_key)


def test_no_payment_outside_a_season_with_credit(world):
    with session_scope(read_only=True) as s:
        season = s.get(Season, world.season_id)
    after = dt.datetime.combine(season.ends_on + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
    with pytest.raises(pay_errors.NoSeasonInProgress) as none_open:
        pay(world.sport, world.card, 1_000, now=after)
    assert none_open.value.code == "season_expired" and "expiré" in none_open.value.message
    from cjeune_app.core.seasons.api import get_or_create_season

    with session_scope() as s:
        following = get_or_create_season(s, f"{season.ends_on.year}-{season.ends_on.year + 1}")
        following_code = following.code
    with pytest.raises(pay_errors.NoCreditThisSeason) as no_credit:
        pay(world.sport, world.card, 1_000, now=after)
    assert following_code in no_credit.value.message and "renouveler" in no_credit.value.message


def test_a_closed_season_takes_no_payment(world):
    with session_scope(read_only=True) as s:
        season = s.get(Season, world.season_id)
    with session_scope() as s:
        wallet.expire_season(s, world.season_id, today=season.ends_on + dt.timedelta(days=1))
    with pytest.raises(wallet_errors.SeasonClosed) as closed:
        pay(world.sport, world.card, 1_000)
    assert status_of(closed.value) == 409 and "close" in closed.value.message
    with session_scope(read_only=True) as s:
        check = card_check(s, world.sport, world.card)
    assert not check.can_debit and check.refusal.code == "season_closed"
    assert_ledger_sound()


def test_cancelling_re_credits_the_card_once(world):
    receipt = pay(world.sport, world.card, 2_000)
    cancelled = cancel(world.sport, receipt.payment_id)
    assert (cancelled.status, cancelled.payment_id, cancelled.amount_cents) == ("cancelled", receipt.payment_id, 2_000)
    assert cancelled.cancelled_at is not None and not cancelled.replayed
    assert balances(world)["sport_culture"] == 10_000
    again = cancel(world.sport, receipt.payment_id)
    assert again.replayed and again.status == "cancelled" and again.cancelled_at == cancelled.cancelled_at
    refunds = [e for e in entries() if e.kind == "refund"]
    [debit] = [e for e in entries() if e.kind == "debit"]
    assert [(e.amount_cents, e.refund_of_id, e.payment_id) for e in refunds] == [(2_000, debit.id, receipt.payment_id)]
    with session_scope(read_only=True) as s:
        labels = [line.label for line in history_of_season(s, world.pupil_id, s.get(Season, world.season_id))]
    assert labels[:2] == ["Remboursement — Judo Club d'Aix", "Paiement — Judo Club d'Aix"]
    assert_ledger_sound()


def test_another_partners_payment_is_not_found(world):
    receipt = pay(world.sport, world.card, 2_000)
    for operation in (lambda s: cancel_payment(s, world.tutoring, receipt.payment_id),
                      lambda s: payment_of(s, world.tutoring, receipt.payment_id)):
        with pytest.raises(pay_errors.PaymentNotFound) as refusal, session_scope() as s:
            operation(s)
        assert status_of(refusal.value) == 404
    with pytest.raises(pay_errors.PaymentNotFound), session_scope() as s:
        cancel_payment(s, world.sport, receipt.payment_id + 1000)
    assert balances(world)["sport_culture"] == 8_000


def test_cancelling_is_possible_for_30_days_only(world):
    receipt = pay(world.sport, world.card, 2_000)
    with pytest.raises(pay_errors.CancelTooLate) as late:
        cancel(world.sport, receipt.payment_id, now=receipt.created_at + dt.timedelta(days=30, seconds=1))
    assert "30 jours" in late.value.message and status_of(late.value) == 409
    assert balances(world)["sport_culture"] == 8_000
    cancel(world.sport, receipt.payment_id, now=receipt.created_at + dt.timedelta(days=30))
    assert balances(world)["sport_culture"] == 10_000


def test_a_payment_on_a_card_declared_lost_since_can_still_be_cancelled(world, session):
    receipt = pay(world.sport, world.card, 2_000)
    with session_scope() as s:
        card = s.exec(select(Card).where(Card.number == world.card)).one()
        from cjeune_app.core.accounts.models import ParentLink

        parent = s.exec(select(ParentLink).where(ParentLink.pupil_id == world.pupil_id)).one()
        declare_lost(s, parent.parent_account_id, world.pupil_id, card.id, "vol")
    assert cancel(world.sport, receipt.payment_id).status == "cancelled"
    assert balances(world)["sport_culture"] == 10_000  # the youth's money, carried by the next card


def test_card_check_tells_which_envelopes_this_partner_may_debit_and_the_first_name_only(world):
    pay(world.tutoring, world.card, 1_250)
    with session_scope(read_only=True) as s:
        sport = card_check(s, world.sport, world.card)
        both = card_check(s, world.both, world.card)
        blocked = card_check(s, world.sport, world.blocked_card)
        stock = card_check(s, world.sport, world.stock_card)
    assert (sport.first_name, sport.can_debit, sport.refusal) == ("Test", True, None)
    assert [(e.envelope, e.can_debit) for e in sport.envelopes] == [("sport_culture", True)]
    assert [(e.envelope, e.label, e.can_debit) for e in both.envelopes] == [
        ("sport_culture", "Sport & Culture", True), ("soutien_scolaire", "Soutien scolaire", True)]
    assert (blocked.can_debit, blocked.first_name, blocked.refusal.code) == (False, "", "card_blocked")
    assert (stock.can_debit, stock.first_name, stock.refusal.code) == (False, "", "card_not_active")
    pay(world.tutoring, world.card, 3_750)
    with session_scope(read_only=True) as s:
        spent = card_check(s, world.tutoring, world.card)
    assert not spent.can_debit and spent.refusal.code == "balance_insufficient"
    assert [(e.envelope, e.can_debit) for e in spent.envelopes] == [("soutien_scolaire", False)]


def test_payments_are_listed_by_paris_day_and_only_the_partners_own(world):
    mine = pay(world.sport, world.card, 1_000)
    pay(world.tutoring, world.card, 500)
    day = paris_today(mine.created_at)
    with session_scope(read_only=True) as s:
        listed = payments_of(s, world.sport, day, day)
        earlier = payments_of(s, world.sport, day - dt.timedelta(days=10), day - dt.timedelta(days=1))
    assert [(r.payment_id, r.first_name, r.partner_name) for r in listed] == [(mine.payment_id, "Test", "Judo Club d'Aix")]
    assert earlier == []


@pytest.mark.parametrize("days, message", [
    ((dt.date(2026, 10, 2), dt.date(2026, 10, 1)), "précéder"),
    ((dt.date(2025, 1, 1), dt.date(2026, 10, 1)), "366 jours"),
    ((dt.date(1, 1, 1), dt.date(2026, 10, 1)), "l'an 2000"),
])
def test_a_period_must_make_sense(world, days, message):
    with pytest.raises(pay_errors.InvalidPeriod) as refusal, session_scope(read_only=True) as s:
        payments_of(s, world.sport, *days)
    assert message in refusal.value.message and status_of(refusal.value) == 422


def test_ten_cancellations_at_once_re_credit_once(world):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    receipt = pay(world.sport, world.card, 3_000)
    barrier = threading.Barrier(10)

    def cancel_now(_):
        barrier.wait(timeout=30)
        return cancel(world.sport, receipt.payment_id)

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(cancel_now, range(10)))
    assert {r.status for r in results} == {"cancelled"}
    assert [r.replayed for r in results].count(False) == 1
    assert balances(world)["sport_culture"] == 10_000
    assert len([e for e in entries() if e.kind == "refund"]) == 1
    assert_ledger_sound()
