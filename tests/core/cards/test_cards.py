"""Card stock, "Associer une carte" and its refusals, loss and replacement (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import uuid

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import func, select

from cjeune_app.core.cards import errors, invariants, paying
from cjeune_app.core.cards.association import associate_card, association_blockers, has_usable_photo
from cjeune_app.core.cards.loss import card_state, declare_lost
from cjeune_app.core.cards.models import Card, CardAssociationAttempt
from cjeune_app.core.cards.numbers import generate_card_number, is_well_formed
from cjeune_app.core.cards.printing import card_qr_png, card_qr_svg, issue_cards, printer_csv
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.enrollment.models import Enrollment
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.photos.models import Photo
from cjeune_app.core.wallet import api as wallet
from cjeune_app.core.wallet import errors as wallet_errors
from cjeune_app.core.wallet.models import LedgerEntry
from tests.support.money_world import build_world


@pytest.fixture
def world(session):
    return build_world(session)


def reading():
    """A short read-only transaction: on SQLite a writing one would hold the write lock."""
    return session_scope(read_only=True)


def key() -> str:
    return uuid.uuid4().hex


def associate(world, youth, number, *, account=None, idempotency_key=None, now=None):
    with session_scope() as s:
        return associate_card(s, account or youth.parent_account_id, youth.pupil_id, number,
                              idempotency_key or key(), now=now)


def credit_entries(session, pupil_id):
    return session.exec(
        select(LedgerEntry).join(wallet.Wallet, wallet.Wallet.id == LedgerEntry.wallet_id)
        .where(wallet.Wallet.pupil_id == pupil_id, LedgerEntry.kind == "credit")
    ).all()


def with_typo(number: str) -> str:
    last = str((int(number[-1]) + 1) % 10)
    return number[:-1] + last


# --- stock -----------------------------------------------------------------------------------

def test_issued_cards_are_unique_luhn_numbers_in_stock_for_the_school(session, world):
    batch = issue_cards(session, world.uai.lower(), 25)
    session.commit()
    assert len(batch.numbers) == len(set(batch.numbers)) == 25
    assert all(is_well_formed(n) for n in batch.numbers)
    cards = session.exec(select(Card).where(Card.batch_id == batch.batch_id)).all()
    school = session.exec(select(Establishment).where(Establishment.uai == world.uai)).one()
    assert {c.number for c in cards} == set(batch.numbers)
    assert {(c.status, c.establishment_id, c.pupil_id) for c in cards} == {("stock", school.id, None)}


def test_issue_draws_again_numbers_already_taken(session, world):
    taken = [generate_card_number(random.Random(7)) for _ in range(1)]
    already = issue_cards(session, world.uai, 5, rng=random.Random(7))  # the same generator again
    assert taken[0] in already.numbers
    again = issue_cards(session, world.uai, 5, rng=random.Random(7))
    session.commit()
    assert not set(again.numbers) & set(already.numbers)
    total = session.exec(select(func.count()).select_from(Card)).one()
    assert total == len(world.cards) + 10


@pytest.mark.parametrize("count", [0, -3, 5001, "12", True])
def test_issue_refuses_a_bad_count(session, world, count):
    with pytest.raises(errors.InvalidCardCount) as refusal:
        issue_cards(session, world.uai, count)
    assert refusal.value.message == "Le nombre de cartes doit être un entier entre 1 et 5000."


def test_issue_refuses_an_unknown_school(session, world):
    with pytest.raises(errors.UnknownEstablishment) as refusal:
        issue_cards(session, "0999999z", 3)
    assert "0999999Z" in refusal.value.message


def test_printer_csv_holds_number_formatted_number_school_and_qr_content(session, world):
    batch = issue_cards(session, world.uai, 3)
    rows = list(csv.reader(io.StringIO(printer_csv(batch)), delimiter=";"))
    assert rows[0] == ["numéro", "numéro formaté", "UAI", "établissement", "contenu du QR"]
    assert [r[0] for r in rows[1:]] == batch.numbers
    for number, formatted, uai, school, qr in rows[1:]:
        assert formatted.replace(" ", "") == number and len(formatted.split(" ")) == 4
        assert (uai, school, qr) == (world.uai, "Collège Test", number)


def test_qr_code_encodes_the_number_only(world):
    number = world.cards[0]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(card_qr_png(number))))
    assert [(d.text, d.format) for d in decoded] == [(number, zxingcpp.BarcodeFormat.QRCode)]
    svg = card_qr_svg(number)
    assert svg.startswith("<svg") and "<path" in svg and number not in svg  # pure image, no text


# --- association -----------------------------------------------------------------------------

def test_association_activates_the_card_and_credits_the_season_once(world):
    youth = world.youths[0]
    result = associate(world, youth, world.cards[0])
    assert result.credited_cents == 15_000
    assert result.balances == {"sport_culture": 10_000, "soutien_scolaire": 5_000}
    assert result.masked_number.endswith(world.cards[0][-4:]) and world.cards[0] not in result.masked_number
    with reading() as s:
        card = s.exec(select(Card).where(Card.number == world.cards[0])).one()
        assert (card.status, card.pupil_id) == ("active", youth.pupil_id) and card.activated_at
        assert sorted(e.amount_cents for e in credit_entries(s, youth.pupil_id)) == [5_000, 10_000]
        assert card_state(s, youth.pupil_id).state == "active"
        assert invariants.verify_invariants(s) == []


def test_number_may_be_typed_with_spaces_or_dashes(world):
    spaced = " ".join(world.cards[0][i:i + 4] for i in range(0, 16, 4))
    assert associate(world, world.youths[0], spaced.replace(" ", "-", 1)).credited_cents == 15_000


def test_the_youth_may_associate_from_their_own_account(world):
    youth = world.youths[0]
    assert associate(world, youth, world.cards[0], account=youth.account_id).credited_cents == 15_000


def test_same_card_again_is_harmless(world):
    youth = world.youths[0]
    first = associate(world, youth, world.cards[0])
    again = associate(world, youth, world.cards[0], account=youth.account_id)
    assert again.was_already_associated and again.credited_cents == 0
    assert (again.card_id, again.balances) == (first.card_id, first.balances)
    with reading() as s:
        assert len(credit_entries(s, youth.pupil_id)) == 2


def test_a_retried_request_returns_the_first_result(world):
    youth, same_key = world.youths[0], key()
    first = associate(world, youth, world.cards[0], idempotency_key=same_key)
    retried = associate(world, youth, world.cards[0], idempotency_key=same_key)
    assert retried == first and retried.credited_cents == 15_000
    with reading() as s:
        assert len(credit_entries(s, youth.pupil_id)) == 2
    with pytest.raises(errors.AssociationKeyReused):
        associate(world, youth, world.cards[1], idempotency_key=same_key)


def test_typo_is_caught_by_the_check_digit(world):
    with pytest.raises(errors.InvalidCardNumber) as refusal:
        associate(world, world.youths[0], with_typo(world.cards[0]))
    assert refusal.value.message == (
        "Le numéro saisi n'est pas valide : vérifiez les 16 chiffres inscrits sous le QR code."
    )
    for wrong in ["", "6013", world.cards[0] + "0", "abcd" * 4]:
        with pytest.raises(errors.InvalidCardNumber):
            associate(world, world.youths[0], wrong)
    with reading() as s:
        assert s.exec(select(Card).where(Card.number == world.cards[0])).one().status == "stock"


def test_refused_while_the_enrollment_of_the_season_is_not_completed(world):
    youth = world.youths[0]
    with session_scope() as s:
        enrollment = s.exec(select(Enrollment).where(Enrollment.pupil_id == youth.pupil_id)).one()
        enrollment.status, enrollment.completed_at = "draft", None
        s.add(enrollment)
    with pytest.raises(errors.EnrollmentNotCompleted) as refusal:
        associate(world, youth, world.cards[0])
    assert refusal.value.message.startswith(
        f"L'inscription de la saison {world.season.code} n'est pas terminée : complétez-la"
    )
    with reading() as s:
        assert wallet.balances(s, youth.pupil_id, world.season.id) == {"sport_culture": 0, "soutien_scolaire": 0}


@pytest.mark.parametrize("photos", [[], ["rejected"], ["validated", "rejected"]])
def test_first_request_refused_without_a_usable_photo(world, photos):
    youth = world.youths[0]
    with session_scope() as s:
        s.delete(s.exec(select(Photo).where(Photo.pupil_id == youth.pupil_id)).one())
        for index, status in enumerate(photos):
            s.add(Photo(storage_key=uuid.uuid4().hex, pupil_id=youth.pupil_id, status=status, created_at=utcnow() + dt.timedelta(seconds=index + 1)))
    with reading() as s:
        assert not has_usable_photo(s, youth.pupil_id)
    with pytest.raises(errors.PhotoMissing) as refusal:
        associate(world, youth, world.cards[0])
    assert "photo d'identité" in refusal.value.message
    with reading() as s:
        assert s.exec(select(Card).where(Card.number == world.cards[0])).one().status == "stock"


def test_a_pending_photo_is_enough(session, world):
    youth = world.youths[0]
    assert has_usable_photo(session, youth.pupil_id)
    assert association_blockers(session, youth.pupil_id, world.season) == []


def test_unknown_number_is_refused(world):
    unknown = generate_card_number()
    with pytest.raises(errors.CardNotFound) as refusal:
        associate(world, world.youths[0], unknown)
    assert refusal.value.message.startswith("Aucune carte ne porte ce numéro.")


def test_card_held_by_another_account_is_refused_without_saying_whose(world):
    owner, other = world.youths[0], world.youths[1]
    associate(world, owner, world.cards[0])
    with pytest.raises(errors.CardHeldByAnotherAccount) as refusal:
        associate(world, other, world.cards[0])
    assert refusal.value.message.startswith("Cette carte est déjà associée à un autre compte.")
    assert "Élève" not in refusal.value.message and "Test" not in refusal.value.message
    with reading() as s:
        assert wallet.balances(s, other.pupil_id, world.season.id)["sport_culture"] == 0


def test_blocked_card_is_refused(world):
    youth = world.youths[0]
    card = associate(world, youth, world.cards[0])
    with session_scope() as s:
        declare_lost(s, youth.parent_account_id, youth.pupil_id, card.card_id, "vol")
    with pytest.raises(errors.CardBlockedAtAssociation) as refusal:
        associate(world, youth, world.cards[0])
    assert refusal.value.message.startswith("Cette carte a été déclarée perdue ou volée")


def test_a_second_card_is_refused_while_one_is_active(world):
    youth = world.youths[0]
    associate(world, youth, world.cards[0])
    with pytest.raises(errors.AnotherCardActive):
        associate(world, youth, world.cards[1])


def test_an_account_cannot_associate_for_someone_else_s_child(world):
    stranger = world.youths[1]
    with pytest.raises(errors.NotAllowedForPupil):
        associate(world, world.youths[0], world.cards[0], account=stranger.parent_account_id)
    with pytest.raises(errors.NotAllowedForPupil):
        associate(world, world.youths[0], world.cards[0], account=stranger.account_id)


def test_five_wrong_numbers_in_fifteen_minutes_make_the_account_wait(world):
    youth, start = world.youths[0], utcnow()
    for minute in range(5):
        with pytest.raises(errors.CardNotFound):
            associate(world, youth, generate_card_number(), now=start + dt.timedelta(minutes=minute))
    # the wrong attempts were kept although each association was refused and rolled back
    with reading() as s:
        assert s.exec(select(func.count()).select_from(CardAssociationAttempt)).one() == 5
    with pytest.raises(errors.WrongNumbersThrottled) as refusal:
        associate(world, youth, world.cards[0], now=start + dt.timedelta(minutes=5))
    assert refusal.value.message == (
        "Trop de numéros erronés ont été saisis. Pour protéger les cartes, réessayez dans 10 minutes."
    )
    # the other youth's own account is not slowed down by this parent's mistakes
    assert associate(world, world.youths[1], world.cards[1], account=world.youths[1].account_id,
                     now=start + dt.timedelta(minutes=5)).credited_cents == 15_000
    # 15 minutes after the first mistake, one more try is allowed
    result = associate(world, youth, world.cards[0], now=start + dt.timedelta(minutes=15, seconds=1))
    assert result.credited_cents == 15_000


def test_cards_of_others_count_as_wrong_numbers_but_typos_do_not(world):
    youth, taken = world.youths[0], world.cards[0]
    associate(world, world.youths[1], taken)
    for _ in range(6):
        with pytest.raises(errors.InvalidCardNumber):
            associate(world, youth, with_typo(world.cards[2]))
    for _ in range(5):
        with pytest.raises(errors.CardHeldByAnotherAccount):
            associate(world, youth, taken)
    with pytest.raises(errors.WrongNumbersThrottled):
        associate(world, youth, world.cards[2])


# --- loss and replacement ----------------------------------------------------------------------

def test_only_an_active_card_can_be_declared_lost(world):
    youth = world.youths[0]
    with reading() as s:
        stock = s.exec(select(Card).where(Card.number == world.cards[0])).one()
    with pytest.raises(errors.OnlyActiveCardDeclaredLost) as refusal, session_scope() as s:
        declare_lost(s, youth.parent_account_id, youth.pupil_id, stock.id, "perte")
    assert refusal.value.message == "Seule une carte activée peut être déclarée perdue ou volée."
    other_card = associate(world, world.youths[1], world.cards[1])
    with pytest.raises(errors.OnlyActiveCardDeclaredLost), session_scope() as s:
        declare_lost(s, youth.parent_account_id, youth.pupil_id, other_card.card_id, "perte")
    with pytest.raises(errors.NotAllowedForPupil), session_scope() as s:
        declare_lost(s, youth.parent_account_id, world.youths[1].pupil_id, other_card.card_id, "perte")
    with pytest.raises(errors.InvalidLossReason), session_scope() as s:
        declare_lost(s, world.youths[1].parent_account_id, world.youths[1].pupil_id, other_card.card_id, "oubli")


def test_lost_card_blocks_payments_and_a_replacement_carries_the_balance(world):
    youth = world.youths[0]
    first = associate(world, youth, world.cards[0])
    with reading() as s:
        sport = wallet.wallet_for(s, youth.pupil_id, world.season.id, "sport_culture")
    with session_scope() as s:
        paying.debit(s, sport.id, 3_000, "pay-1", world.partner_id, "Licence judo")
    with session_scope() as s:
        lost = declare_lost(s, youth.parent_account_id, youth.pupil_id, first.card_id, "perte")
    assert (lost.status, lost.blocked_reason) == ("blocked", "perte") and lost.blocked_at
    with session_scope() as s:  # declaring it again is harmless
        assert declare_lost(s, youth.parent_account_id, youth.pupil_id, first.card_id, "perte").status == "blocked"
    with reading() as s:
        assert card_state(s, youth.pupil_id).state == "blocked"

    for card_id in (first.card_id, None):
        with pytest.raises(wallet_errors.CardBlocked), session_scope() as s:
            paying.debit(s, sport.id, 100, key(), world.partner_id, card_id=card_id)

    replacement = associate(world, youth, world.cards[1])
    assert replacement.credited_cents == 0 and replacement.replaces_card_id == first.card_id
    assert replacement.balances == {"sport_culture": 7_000, "soutien_scolaire": 5_000}
    with reading() as s:
        assert len(credit_entries(s, youth.pupil_id)) == 2
    with session_scope() as s:
        paid = paying.debit(s, sport.id, 2_000, "pay-2", world.partner_id, card_id=replacement.card_id)
    assert paid.balance_after_cents == 5_000
    with pytest.raises(errors.CardBlockedAtAssociation), session_scope() as s:  # the old card stays dead
        associate_card(s, youth.parent_account_id, youth.pupil_id, world.cards[0], key())
    with pytest.raises(errors.CardHeldByAnotherAccount):
        associate(world, world.youths[1], world.cards[0])
    with reading() as s:
        assert invariants.verify_invariants(s) == []


def test_each_replacement_replaces_the_card_lost_last(world):
    """Lost twice: the third card replaces the second, not the first that the second replaced."""
    youth = world.youths[0]
    cards = [associate(world, youth, world.cards[0])]
    for number in world.cards[1:3]:
        with session_scope() as s:
            declare_lost(s, youth.parent_account_id, youth.pupil_id, cards[-1].card_id, "vol")
        cards.append(associate(world, youth, number))
    assert [c.replaces_card_id for c in cards] == [None, cards[0].card_id, cards[1].card_id]
    assert [c.credited_cents for c in cards] == [15_000, 0, 0]
    assert cards[-1].first_name == cards[0].first_name != ""
    with pytest.raises(errors.AnotherCardActive):
        associate(world, world.youths[0], world.cards[3])


def test_replacement_needs_no_new_photo(world):
    youth = world.youths[0]
    first = associate(world, youth, world.cards[0])
    with session_scope() as s:
        s.add(Photo(storage_key=uuid.uuid4().hex, pupil_id=youth.pupil_id, status="rejected", created_at=utcnow() + dt.timedelta(seconds=1)))
    with session_scope() as s:
        declare_lost(s, youth.account_id, youth.pupil_id, first.card_id, "vol")
    assert associate(world, youth, world.cards[1]).balances["soutien_scolaire"] == 5_000
