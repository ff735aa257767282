"""The assistance: search, the file, every action and refusal, corrections with four eyes (and
under concurrent approvals), partner suspension, card stock; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlmodel import select

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.actor import Actor
from cjeune_app.core.assistance import errors
from cjeune_app.core.assistance.models import LedgerCorrection
from cjeune_app.core.audit import AuditAction, AuditFilter, list_entries
from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards.models import Card
from cjeune_app.core.db import engine_for, session_scope, utcnow
from cjeune_app.core.enrollment.models import Enrollment
from cjeune_app.core.enums import PartnerStatus, Role
from cjeune_app.core.errors import Forbidden, Refusal
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.partners import errors as partner_errors
from cjeune_app.core.partners.admin import PartnerFilter
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.partners.payments import take_payment
from cjeune_app.core.search import reindex_partner
from cjeune_app.core.use_cases import assistance, back_office, journal
from cjeune_app.core.wallet import api as wallet
from cjeune_app.core.wallet import errors as wallet_errors
from cjeune_app.core.wallet import invariants
from cjeune_app.core.wallet.models import LedgerEntry
from tests.support.partner_world import build_partner_world

NOTE = "Appel de la mère, identité vérifiée"


def _agent(session, login: str, first_name: str) -> Actor:
    account = Account(role=Role.AGENT, login=login, email=login, first_name=first_name, last_name="Agent")
    session.add(account)
    session.commit()
    return Actor(account_id=account.id, role=Role.AGENT, display_name=first_name)


@pytest.fixture
def world(session):
    world = build_partner_world(session)
    pupil = session.get(Pupil, world.pupil_id)
    pupil.last_name, pupil.first_name = "Fernandez", "Julie"
    enrollment = session.exec(select(Enrollment).where(Enrollment.pupil_id == world.pupil_id)).one()
    enrollment.email, enrollment.mobile = "maman.fernandez@exemple.fr", "+33612345678"
    enrollment.address_line, enrollment.postal_code, enrollment.commune_insee = "3 rue des Lilas", "13100", "13001"
    enrollment.guardian_first_name, enrollment.guardian_last_name = "Marie", "Fernandez"
    session.commit()
    for partner_id in (world.sport, world.tutoring, world.both):
        with session_scope() as s:
            reindex_partner(s, partner_id)
    return world


@pytest.fixture
def agents(session):
    return _agent(session, "nadia@departement13.fr", "Nadia"), _agent(session, "paul@departement13.fr", "Paul")


def _ids(hits):
    return [h.pupil_id for h in hits]


# --- search -----------------------------------------------------------------------------------------

def test_finds_a_pupil_by_name_identifier_card_email_and_mobile(world, agents):
    agent = agents[0]
    with session_scope(read_only=True) as s:
        login = s.exec(select(Account.login).where(Account.pupil_id == world.pupil_id)).one()
    for typed in ("fernandez", "FERN", "julie fern", "Fernandez Julie", login, world.card,
                  " ".join(world.card[i:i + 4] for i in range(0, 16, 4)), f"{world.card[-4:]} fernandez",
                  "maman.fernandez@exemple.fr", "06 12 34 56 78", "+33 6 12 34 56 78"):
        assert world.pupil_id in _ids(assistance.search_beneficiaries(agent, typed)), typed
    [hit] = assistance.search_beneficiaries(agent, f"fernandez {world.card[-4:]}")
    assert (hit.name, hit.card) == ("FERNANDEZ Julie", f"•••• •••• •••• {world.card[-4:]}")
    assert assistance.search_beneficiaries(agent, f"fernandez {'0000' if world.card[-4:] != '0000' else '1111'}") == []
    assert assistance.search_beneficiaries(agent, "zzzz") == []


def test_search_refusals(world, agents):
    with pytest.raises(errors.LastDigitsNeedAName):
        assistance.search_beneficiaries(agents[0], world.card[-4:])
    with pytest.raises(errors.SearchTooShort):
        assistance.search_beneficiaries(agents[0], "a")


def test_only_agents_reach_the_assistance(world):
    staff = Actor(account_id=1, role=Role.ESTABLISHMENT, display_name="ATI", establishment_id=1)
    partner = Actor(account_id=1, role=Role.PARTNER, display_name="Club", partner_id=world.sport)
    for actor in (staff, partner):
        with pytest.raises(Forbidden):
            assistance.search_beneficiaries(actor, "fernandez")
        with pytest.raises(Forbidden):
            assistance.beneficiary_file(actor, world.pupil_id)
        with pytest.raises(Forbidden):
            journal.read_journal(actor, AuditFilter())
        with pytest.raises(Forbidden):
            back_office.agent_home(actor)


# --- the file and the actions -----------------------------------------------------------------------

def test_the_file_shows_everything_the_assistance_needs(world, agents):
    file = assistance.beneficiary_file(agents[0], world.pupil_id)
    assert file.name == "Julie FERNANDEZ" and file.school.startswith("Collège Test")
    assert file.enrollment_status == "Terminée" and file.mobile == "+33 6 12 34 56 78"
    assert [c.status for c in file.cards] == ["active"]
    assert [b[2] for b in file.balances] == ["100,00 €", "50,00 €"]
    assert {h.amount for h in file.history} == {"+100,00 €", "+50,00 €"}
    assert [a.role_label for a in file.accounts] == ["Collégien·ne", "Parent"]
    with pytest.raises(errors.BeneficiaryNotFound):
        assistance.beneficiary_file(agents[0], 999_999)


def test_blocking_a_card_by_phone_then_a_payment_is_refused(world, agents):
    agent = agents[0]
    card_id = assistance.beneficiary_file(agent, world.pupil_id).active_card_id
    with pytest.raises(errors.ReasonRequired):
        assistance.block_card(agent, world.pupil_id, card_id, "vol", "  ")
    with pytest.raises(card_errors.InvalidLossReason):
        assistance.block_card(agent, world.pupil_id, card_id, "oubli", NOTE)
    assert "bloquée" in assistance.block_card(agent, world.pupil_id, card_id, "vol", NOTE)
    with pytest.raises(Refusal) as refused, session_scope() as s:
        take_payment(s, world.sport, world.card, 1000, None, uuid.uuid4().hex)
    assert refused.value.code == "card_blocked"
    [entry] = list_entries_for(world.pupil_id, AuditAction.CARD_BLOCKED)
    assert (entry.reason, entry.actor_name) == (NOTE, "Nadia")
    with pytest.raises(card_errors.OnlyActiveCardDeclaredLost):  # another pupil's card
        assistance.block_card(agent, world.second_pupil_id, card_id, "vol", NOTE)


def list_entries_for(pupil_id, action):
    with session_scope(read_only=True) as s:
        return list_entries(s, AuditFilter(pupil_id=pupil_id, action=action))


def test_unlocking_an_account_locked_by_wrong_passwords(world, agents, session):
    file = assistance.beneficiary_file(agents[0], world.pupil_id)
    parent_id = next(a.account_id for a in file.accounts if a.role_label == "Parent")
    with pytest.raises(errors.AccountNotLocked):
        assistance.unlock_account(agents[0], world.pupil_id, parent_id, NOTE)
    parent = session.get(Account, parent_id)
    parent.failed_logins, parent.locked_until = 10, utcnow() + dt.timedelta(minutes=30)
    session.commit()
    assert assistance.beneficiary_file(agents[0], world.pupil_id).accounts[1].locked
    assistance.unlock_account(agents[0], world.pupil_id, parent_id, NOTE)
    assert not assistance.beneficiary_file(agents[0], world.pupil_id).accounts[1].locked
    with pytest.raises(errors.AccountNotFound):  # an account of another file
        assistance.unlock_account(agents[0], world.second_pupil_id, parent_id, NOTE)


def test_resending_a_link_e_mails_the_parent_and_the_file_shows_it(world, agents, session, monkeypatch):
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    file = assistance.beneficiary_file(agents[0], world.pupil_id)
    parent_id = next(a.account_id for a in file.accounts if a.role_label == "Parent")
    pupil_id = next(a.account_id for a in file.accounts if a.role_label != "Parent")
    with pytest.raises(errors.NoLinkForThisAccount):
        assistance.resend_link(agents[0], world.pupil_id, pupil_id, NOTE)
    parent = session.get(Account, parent_id)
    parent.email = parent.login
    session.commit()
    assert "lien d'activation" in assistance.resend_link(agents[0], world.pupil_id, parent_id, NOTE)
    messages = assistance.beneficiary_file(agents[0], world.pupil_id).messages
    assert [m.recipient for m in messages] == [parent.login]


def test_correcting_the_coordonnees(world, agents):
    with pytest.raises(FormErrors) as wrong:
        assistance.correct_coordinates(agents[0], world.pupil_id, {"email": "pas-une-adresse"}, NOTE)
    assert "email" in wrong.value.fields
    said = assistance.correct_coordinates(agents[0], world.pupil_id,
                                          {"email": "papa@exemple.fr", "mobile": "07 81 22 33 44"}, NOTE)
    assert said == "Les coordonnées sont corrigées."
    file = assistance.beneficiary_file(agents[0], world.pupil_id)
    assert (file.email, file.mobile) == ("papa@exemple.fr", "+33 7 81 22 33 44")
    [entry] = list_entries_for(world.pupil_id, AuditAction.CONTACT_CORRECTED)
    assert "maman.fernandez@exemple.fr" in entry.details and "papa@exemple.fr" in entry.details


# --- corrections, four eyes -------------------------------------------------------------------------

def test_a_correction_moves_money_only_when_another_agent_approves(world, agents):
    nadia, paul = agents
    correction_id = assistance.propose_correction(nadia, world.pupil_id, "sport_culture", 2_500, "Paiement en double")
    assert _balance(world)["sport_culture"] == 10_000
    with pytest.raises(errors.SameAgentCannotApprove):
        assistance.approve_correction(nadia, correction_id)
    assert [p.mine for p in assistance.pending_corrections(nadia)] == [True]
    assert "125,00 €" in assistance.approve_correction(paul, correction_id)
    assert _balance(world)["sport_culture"] == 12_500
    with pytest.raises(errors.CorrectionAlreadyDecided):
        assistance.approve_correction(paul, correction_id)
    actions = [e.action for e in list_entries_for(world.pupil_id, None)]
    assert actions == [AuditAction.CORRECTION_APPROVED, AuditAction.CORRECTION_PROPOSED]
    _assert_invariants()


def test_a_debit_correction_never_goes_below_zero_and_a_refusal_moves_nothing(world, agents):
    nadia, paul = agents
    too_much = assistance.propose_correction(nadia, world.pupil_id, "soutien_scolaire", -5_001, "Erreur de saisie")
    with pytest.raises(wallet_errors.InsufficientBalance):
        assistance.approve_correction(paul, too_much)
    assert [p.line.correction_id for p in assistance.pending_corrections(paul)] == [too_much]  # still proposed
    assistance.refuse_correction(paul, too_much, "Montant faux")
    exact = assistance.propose_correction(nadia, world.pupil_id, "soutien_scolaire", -5_000, "Erreur de saisie")
    assistance.approve_correction(paul, exact)
    assert _balance(world)["soutien_scolaire"] == 0
    for amount in (0, 10**9):
        with pytest.raises(errors.InvalidCorrectionAmount):
            assistance.propose_correction(nadia, world.pupil_id, "sport_culture", amount, "x")
    with pytest.raises(errors.ReasonRequired):
        assistance.propose_correction(nadia, world.pupil_id, "sport_culture", 100, " ")
    _assert_invariants()


def test_the_database_refuses_an_approval_by_the_proposer(world, agents, db_url):
    nadia, _ = agents
    correction_id = assistance.propose_correction(nadia, world.pupil_id, "sport_culture", 100, "Test")
    with pytest.raises(sa.exc.IntegrityError), engine_for(db_url).begin() as conn:
        conn.execute(sa.text("UPDATE ledger_correction SET decided_by_account_id = proposed_by_account_id "
                             "WHERE id = :id"), {"id": correction_id})


def test_concurrent_approvals_move_the_money_once(world, agents, session):
    nadia, paul = agents
    others = [_agent(session, f"agent{i}@departement13.fr", f"Agent{i}") for i in range(3)]
    correction_id = assistance.propose_correction(nadia, world.pupil_id, "sport_culture", 700, "Geste commercial")
    barrier = threading.Barrier(4)

    def approve(actor):
        barrier.wait(timeout=30)
        try:
            return ("ok", assistance.approve_correction(actor, correction_id))
        except Refusal as refusal:
            return ("refused", refusal)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(approve, [paul, *others]))
    assert sorted(r[0] for r in results) == ["ok", "refused", "refused", "refused"]
    assert all(isinstance(r[1], errors.CorrectionAlreadyDecided) for r in results if r[0] == "refused")
    assert _balance(world)["sport_culture"] == 10_700
    with session_scope(read_only=True) as s:
        assert len(s.exec(select(LedgerEntry).where(LedgerEntry.kind == "correction_in")).all()) == 1
        assert s.get(LedgerCorrection, correction_id).ledger_entry_id is not None
    _assert_invariants()


def _balance(world):
    with session_scope(read_only=True) as s:
        return wallet.balances(s, world.pupil_id, world.season_id)


def _assert_invariants():
    with session_scope(read_only=True) as s:
        assert invariants.verify_invariants(s) == []


# --- partners, establishments, home ---------------------------------------------------------------

def test_partners_list_filters_and_suspension(world, agents, monkeypatch):
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    agent = agents[0]
    names = [r.name for r in back_office.partners_list(agent, PartnerFilter())]
    assert "Judo Club d'Aix" in names and "Club en attente" in names
    assert [r.name for r in back_office.partners_list(agent, PartnerFilter(status=PartnerStatus.PENDING))] == [
        "Club en attente"]
    assert [r.name for r in back_office.partners_list(agent, PartnerFilter(text="judo club d"))] == ["Judo Club d'Aix"]
    with session_scope(read_only=True) as s:
        siret = s.get(Partner, world.sport).siret
    assert [r.partner_id for r in back_office.partners_list(agent, PartnerFilter(text=siret[:9]))] == [world.sport]
    with pytest.raises(FormErrors):
        back_office.suspend_partner(agent, world.sport, "")
    back_office.suspend_partner(agent, world.sport, "Plainte d'une famille")
    with pytest.raises(partner_errors.PartnerSuspended), session_scope() as s:
        take_payment(s, world.sport, world.card, 1000, None, uuid.uuid4().hex)
    with pytest.raises(partner_errors.PartnerNotSuspendable):
        back_office.suspend_partner(agent, world.sport, "encore")
    back_office.reactivate_partner(agent, world.sport, "Dossier régularisé")
    with pytest.raises(partner_errors.PartnerNotSuspended):
        back_office.reactivate_partner(agent, world.sport, "encore")
    with session_scope() as s:
        take_payment(s, world.sport, world.card, 1000, None, uuid.uuid4().hex)
    paid = back_office.partners_list(agent, PartnerFilter(text="judo club d"))[0]
    assert (paid.payments, paid.paid) == (1, "10,00 €")
    with session_scope(read_only=True) as s:
        actions = [e.action for e in list_entries(s, AuditFilter(partner_id=world.sport))]
    assert actions == [AuditAction.PARTNER_REACTIVATED, AuditAction.PARTNER_SUSPENDED]


def test_establishments_stock_and_a_lot_chosen_in_the_list(world, agents):
    agent = agents[0]
    [school] = [s for s in back_office.establishments_stock(agent) if s.name == "Collège Test"]
    assert (school.issued, school.associated, school.left) == (6, 3, 3)
    batch = back_office.issue_card_lot(agent, school.establishment_id, 4)
    assert len(batch.numbers) == 4
    [school] = [s for s in back_office.establishments_stock(agent) if s.name == "Collège Test"]
    assert (school.issued, school.left) == (10, 7)
    with pytest.raises(card_errors.UnknownSchool):
        back_office.issue_card_lot(agent, 999_999, 4)
    with session_scope(read_only=True) as s:
        assert list_entries(s, AuditFilter(action=AuditAction.CARD_BATCH_ISSUED))[0].details == "4 cartes"
        assert s.exec(select(Card).where(Card.batch_id == batch.batch_id)).all()


def test_the_agent_home_counts_what_needs_action(world, agents):
    nadia, paul = agents
    home = back_office.agent_home(nadia)
    assert (home.photos_to_check, home.corrections_to_approve) == (3, 0)
    assistance.propose_correction(nadia, world.pupil_id, "sport_culture", 100, "Test")
    assert back_office.agent_home(paul).corrections_to_approve == 1
    assert home.batches_to_prepare == 1  # last month's reimbursement batch is not prepared


def test_a_guardian_of_the_school_s_record_finds_the_pupil_and_shows_in_the_file(world, agents, session):
    from cjeune_app.core.guardians.models import Guardian

    session.add(Guardian(pupil_id=world.pupil_id, rank=1, last_name="Fernandez", first_name="Marc", relation="pere",
                         mobile="+33698765432", email="marc.fernandez@exemple.fr"))
    session.commit()
    for typed in ("06 98 76 54 32", "marc.fernandez@exemple.fr"):
        assert _ids(assistance.search_beneficiaries(agents[0], typed)) == [world.pupil_id], typed
    [guardian] = assistance.beneficiary_file(agents[0], world.pupil_id).guardians
    assert (guardian.name, guardian.account) == ("Marc FERNANDEZ (Père)", "pas de compte")
