"""The dashboard's content (SQLite and PostgreSQL): who sees which youth, balances and spending,
movements newest first with the partner's name, and what is left to do."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.actor import Actor
from cjeune_app.core.cards import paying
from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.loss import declare_lost
from cjeune_app.core.cards.printing import batch_by_id, printer_zip, recent_batches
from cjeune_app.core.dashboard.youth import TODO_CARD, TODO_ENROLLMENT, TODO_PHOTO, pupils_of
from cjeune_app.core.enums import Envelope
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.photos.models import Photo
from cjeune_app.core.use_cases.dashboard import chosen_pupil, youth_dashboard
from cjeune_app.core.use_cases.sessions import actor_of
from cjeune_app.core.wallet import api as wallet
from tests.support.money_world import add_youth, build_world


@pytest.fixture
def world(session):
    return build_world(session, youths=2)


def account(session, account_id: int) -> Actor:
    return actor_of(session, session.get(Account, account_id))


def test_a_parent_sees_their_child_and_never_another_familys(session, world):
    mine, theirs = world.youths
    parent = account(session, mine.parent_account_id)
    assert [c.pupil_id for c in pupils_of(session, parent)] == [mine.pupil_id]
    assert chosen_pupil(session, parent, None).pupil_id == mine.pupil_id
    assert chosen_pupil(session, parent, str(mine.pupil_id)).pupil_id == mine.pupil_id
    for wanted in (theirs.pupil_id, str(theirs.pupil_id), "999999", "abc", str(2**31), str(2**64), "-1"):
        with pytest.raises(Forbidden):
            chosen_pupil(session, parent, wanted)
    with pytest.raises(Forbidden):
        youth_dashboard(session, parent, theirs.pupil_id)
    youth = account(session, mine.account_id)
    assert chosen_pupil(session, youth, None).pupil_id == mine.pupil_id
    with pytest.raises(Forbidden):
        youth_dashboard(session, youth, theirs.pupil_id)


def test_before_the_card_the_balances_are_zero_and_the_card_is_to_associate(session, world):
    youth = world.youths[0]
    board = youth_dashboard(session, account(session, youth.account_id), youth.pupil_id)
    assert [(e.envelope, e.balance_cents) for e in board.envelopes] == [
        (Envelope.SPORT_CULTURE, 0), (Envelope.SOUTIEN_SCOLAIRE, 0)]
    assert board.season_code == world.season.code and board.season_ends_on == world.season.ends_on
    assert board.card.state == "none" and not board.can_declare_loss and not board.credited
    assert [t.kind for t in board.todos] == [TODO_CARD]
    assert "150,00 €" in board.todos[0].text and "d'abord" not in board.todos[0].text


def _school_of(session, world):
    return session.exec(select(Establishment).where(Establishment.uai == world.uai)).one()


def test_what_is_left_to_do_names_the_enrollment_and_the_refused_photo_with_its_reason(session, world):
    youth = add_youth(session, _school_of(session, world), world.season, enrolled=False, photo=None)
    session.add(Photo(pupil_id=youth.pupil_id, storage_key=uuid.uuid4().hex, status="rejected",
                      rejection_reason="La photo est floue."))
    session.flush()
    board = youth_dashboard(session, account(session, youth.account_id), youth.pupil_id)
    assert [t.kind for t in board.todos] == [TODO_ENROLLMENT, TODO_PHOTO, TODO_CARD]
    assert board.todos[1].text == ("La photo d'identité a été refusée. Motif\u00a0: La photo est floue. "
                                   "Envoyez-en une nouvelle.")
    assert board.todos[2].text.startswith("Terminez d'abord ce qui est indiqué dans « À faire »")


def test_after_payments_and_a_refund_the_board_shows_balances_spending_and_movements(session, world):
    youth = world.youths[0]
    number = world.cards[0]
    associate_card(session, youth.account_id, youth.pupil_id, number, "k-assoc")
    sport = wallet.wallet_for(session, youth.pupil_id, world.season.id, Envelope.SPORT_CULTURE)
    paying.debit(session, sport, 3_000, "k-pay-1", partner_id=world.partner_id)
    paying.debit(session, sport, 1_000, "k-pay-2", partner_id=world.partner_id)
    wallet.refund(session, "k-pay-2", "k-refund", 400)
    session.commit()

    board = youth_dashboard(session, account(session, youth.account_id), youth.pupil_id)
    assert {e.envelope: (e.balance_cents, e.spent_cents, e.season_amount_cents) for e in board.envelopes} == {
        Envelope.SPORT_CULTURE: (6_400, 3_600, 10_000), Envelope.SOUTIEN_SCOLAIRE: (5_000, 0, 5_000)}
    assert board.credited and board.card.state == "active" and board.can_declare_loss
    assert board.card.masked_number.endswith(number[-4:])
    assert board.todos == []
    kinds = [(line.kind, line.amount_cents) for line in board.history]
    assert kinds[0] == ("refund", 400)  # newest first
    assert kinds[1:3] == [("debit", -1_000), ("debit", -3_000)]
    assert sorted(kinds[3:]) == [("credit", 5_000), ("credit", 10_000)]
    assert board.history[0].label == "Remboursement — Judo Club Aix"
    assert board.history[1].label == "Paiement — Judo Club Aix"


def test_a_blocked_card_is_shown_with_its_reason_and_a_replacement_to_associate(session, world):
    youth = world.youths[0]
    result = associate_card(session, youth.account_id, youth.pupil_id, world.cards[0], "k-assoc")
    declare_lost(session, youth.parent_account_id, youth.pupil_id, result.card_id, "vol")
    session.commit()
    board = youth_dashboard(session, account(session, youth.parent_account_id), youth.pupil_id)
    assert board.card.state == "blocked" and board.card_blocked_reason == "vol"
    assert not board.can_declare_loss
    assert [t.kind for t in board.todos] == [TODO_CARD]
    assert "reprendra le solde restant" in board.todos[0].text
    assert [e.balance_cents for e in board.envelopes] == [10_000, 5_000]


def test_the_printer_zip_holds_the_csv_and_one_qr_code_per_card(session, world):
    import io
    import zipfile

    import zxingcpp
    from PIL import Image

    batch = batch_by_id(session, recent_batches(session)[0].batch_id)
    assert recent_batches(session)[0].count == len(batch.numbers) == len(world.cards)
    with zipfile.ZipFile(io.BytesIO(printer_zip(batch))) as archive:
        names = archive.namelist()
        assert names[0] == f"lot-{batch.batch_id}-{batch.establishment_uai}.csv"
        assert sorted(names[1:]) == sorted(f"qr/{n}.png" for n in batch.numbers)
        image = Image.open(io.BytesIO(archive.read(f"qr/{batch.numbers[0]}.png")))
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [batch.numbers[0]]


def test_around_me_gives_the_nearest_bons_plans_with_their_distance(session):
    """"Autour de moi" in the Jeune space: current offers nearest to the browser's position first."""
    from cjeune_app.core.accounts.models import Account as AccountRow
    from cjeune_app.core.enums import Role as Roles
    from cjeune_app.core.errors import NotSignedIn
    from cjeune_app.core.search import SearchError
    from cjeune_app.core.use_cases.dashboard import offers_near_position
    from tests.core.accounts.builders import actor_for
    from tests.core.search.corpus import build_corpus

    partners = build_corpus(session)
    youth = AccountRow(role=Roles.YOUTH, login="lina.jeune@exemple.fr", email="lina.jeune@exemple.fr",
                       first_name="Lina", last_name="Jeune", commune_insee="13001")
    session.add(youth)
    session.commit()
    mazargues = partners["Cours Réussite Mazargues"]  # Marseille 9e
    found = offers_near_position(actor_for(youth), mazargues.latitude, mazargues.longitude)
    assert [o.offer.title for o in found] == ["Stage de préparation au brevet", "Place offerte pour un accompagnant",
                                              "Abonnement saison à tarif jeune"]  # then Aix, 25 km away
    assert found[0].distance_km == 0.0 and found[0].partner_name == "Cours Réussite Mazargues"
    assert 20 < found[1].distance_km < 40 and found[1].commune_name == "Aix-en-Provence"
    with pytest.raises(SearchError):
        offers_near_position(actor_for(youth), 123.0, 5.0)
    with pytest.raises(NotSignedIn):
        offers_near_position(None, 43.3, 5.4)


def test_a_jeune_sees_the_bons_plans_and_their_card_when_they_have_one(session, world):
    """A former collégien·ne now a Jeune (the account keeps its pupil record): the card with the bons
    plans; a Jeune who never was one: the bons plans only."""
    from cjeune_app.core.accounts.models import Account as AccountRow
    from cjeune_app.core.enums import Role
    from cjeune_app.core.use_cases.dashboard import dashboard_in

    youth = world.youths[0]
    associate_card(session, youth.account_id, youth.pupil_id, world.cards[0], "k-jeune")
    former = session.get(AccountRow, youth.account_id)
    former.role, former.commune_insee = Role.YOUTH, "13001"
    never = AccountRow(role=Role.YOUTH, login="sami.jeune@exemple.fr", email="sami.jeune@exemple.fr",
                       first_name="Sami", last_name="Jeune", commune_insee="13001")
    session.add_all([former, never])
    session.commit()

    with_card = dashboard_in(session, account(session, youth.account_id), None)
    assert with_card.youth_space is not None and not with_card.forbidden
    assert with_card.board is not None and with_card.board.pupil_id == youth.pupil_id
    assert with_card.board.card.state == "active" and with_card.board.pocket is not None
    assert with_card.board.pocket.number.replace(" ", "") == world.cards[0]
    without = dashboard_in(session, account(session, never.id), None)
    assert without.youth_space is not None and without.board is None and not without.forbidden
    with pytest.raises(Forbidden):
        youth_dashboard(session, account(session, never.id), youth.pupil_id)
