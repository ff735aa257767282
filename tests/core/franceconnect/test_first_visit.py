"""The first visit through FranceConnect: the identity confirmed by the local provider, then the
guardians' verification (mobile → SMS code read back from the local SMS provider → each child's
birth date), then the link to the Parent account; the next visit signs in directly. Refusals keep
what was validated. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.franceconnect.errors import ArrivalExpired, IdentityOfAnotherAccount
from cjeune_app.core.franceconnect.models import FranceConnectIdentity
from cjeune_app.core.guardians.errors import VerificationExpired
from cjeune_app.core.use_cases import franceconnect, guardians, sessions
from tests.core.guardians.builders import E164, MOBILE, make_family

IP = "198.51.100.7"
LEA, TOM = dt.date(2013, 3, 14), dt.date(2011, 9, 2)


@pytest.fixture
def family(session):
    _, pupils = make_family(session)
    session.commit()
    return pupils


def through_provider(provider, sub: str = "fc-marie"):
    provider.add_person(sub, "Marie", "Durand")
    started = franceconnect.start_login()
    answer = provider.authorize(started.url, sub)
    return franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key)


def verified_proof(sms_provider) -> str:
    guardians.request_code(MOBILE, IP)
    checked = guardians.verify_code(MOBILE, sms_provider.messages_to(E164)[-1].code, IP)
    assert checked.children == ["Léa", "Tom"]
    guardians.verify_birth_dates(checked.proof, [LEA, TOM])
    return checked.proof


def test_first_visit_links_the_identity_and_the_next_visit_signs_in_directly(configured, family, sms_provider,
                                                                            session):
    first = through_provider(configured)
    assert franceconnect.arrival(first.arrival_ticket) == franceconnect.Arrival("Marie", "Durand")

    token = franceconnect.link_first_visit(first.arrival_ticket, verified_proof(sms_provider))
    actor = sessions.actor_for_session(token)
    assert actor is not None and actor.role == Role.PARENT
    account = session.get(Account, actor.account_id)
    assert account.is_active and account.password_hash is None  # signs in through FranceConnect
    links = session.exec(select(ParentLink).where(ParentLink.parent_account_id == actor.account_id)).all()
    assert {link.pupil_id for link in links} == {pupil.id for pupil in family}
    assert session.exec(select(FranceConnectIdentity)).one().account_id == actor.account_id
    session.rollback()  # the test's own read ends before the app writes again

    with pytest.raises(ArrivalExpired):  # the first visit is over
        franceconnect.arrival(first.arrival_ticket)

    again = through_provider(configured)
    assert again.arrival_ticket is None
    assert sessions.actor_for_session(again.session_token).account_id == actor.account_id
    assert sessions.sign_out(again.session_token).startswith(configured.url + "/oauth2/end_session?")


def test_the_stepper_account_of_the_same_guardian_is_the_one_linked(configured, family, sms_provider, session):
    """One account per guardian: the stepper's account with the school record's e-mail is reused."""
    stepper = Account(role=Role.PARENT, login="marie.durand@exemple.fr", email="marie.durand@exemple.fr",
                      first_name="Marie", last_name="Durand", password_hash="x")
    session.add(stepper)
    session.commit()
    first = through_provider(configured)
    token = franceconnect.link_first_visit(first.arrival_ticket, verified_proof(sms_provider))
    assert sessions.actor_for_session(token).account_id == stepper.id


def test_without_the_birth_dates_nothing_is_linked_and_the_guardian_goes_on(configured, family, sms_provider):
    first = through_provider(configured)
    guardians.request_code(MOBILE, IP)
    checked = guardians.verify_code(MOBILE, sms_provider.messages_to(E164)[-1].code, IP)
    with pytest.raises(VerificationExpired):  # the code alone does not prove the family
        franceconnect.link_first_visit(first.arrival_ticket, checked.proof)
    guardians.verify_birth_dates(checked.proof, [LEA, TOM])  # what was validated is kept
    assert sessions.actor_for_session(franceconnect.link_first_visit(first.arrival_ticket, checked.proof))


def test_a_first_visit_left_more_than_thirty_minutes_is_refused_and_the_proof_kept(configured, family,
                                                                                  sms_provider):
    first = through_provider(configured)
    proof = verified_proof(sms_provider)
    with pytest.raises(ArrivalExpired):
        franceconnect.link_first_visit(first.arrival_ticket, proof, now=utcnow() + dt.timedelta(minutes=31))
    # Back through FranceConnect, the verified proof still serves (within its own validity).
    assert franceconnect.link_first_visit(through_provider(configured).arrival_ticket, proof)


def test_a_ticket_serves_once_and_a_forged_one_never(configured, family, sms_provider):
    first = through_provider(configured)
    franceconnect.link_first_visit(first.arrival_ticket, verified_proof(sms_provider))
    with pytest.raises(ArrivalExpired):
        franceconnect.link_first_visit(first.arrival_ticket, "preuve")
    with pytest.raises(ArrivalExpired):
        franceconnect.arrival("ticket-invente")


def test_an_account_already_linked_to_another_identity_is_refused(configured, family, sms_provider):
    franceconnect.link_first_visit(through_provider(configured, "fc-marie").arrival_ticket, verified_proof(sms_provider))
    other = through_provider(configured, "fc-quelqu-un-d-autre")
    with pytest.raises(IdentityOfAnotherAccount):
        franceconnect.link_first_visit(other.arrival_ticket, verified_proof(sms_provider))


def test_a_school_letter_not_used_yet_gives_way_to_franceconnect(configured, family, sms_provider, session):
    from cjeune_app.core.accounts.passwords import hash_password

    lettered = Account(role=Role.PARENT, login="m.durand", email=None, first_name="Marie", last_name="Durand",
                       password_hash=hash_password("Provisoire1"), must_change_password=True)
    session.add(lettered)
    session.flush()
    for row in guardians_rows(session):
        row.account_id = lettered.id
        session.add(row)
    session.commit()
    token = franceconnect.link_first_visit(through_provider(configured).arrival_ticket, verified_proof(sms_provider))
    assert sessions.actor_for_session(token).account_id == lettered.id
    session.expire_all()
    account = session.get(Account, lettered.id)
    assert account.password_hash is None and not account.must_change_password


def guardians_rows(session):
    from cjeune_app.core.guardians.records import guardians_by_mobile

    return guardians_by_mobile(session, MOBILE)
