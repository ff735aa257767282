"""A guardian never ends up with two accounts: the stepper's Parent account and the guardian's
are the same when the e-mail or the school's guardian record matches."""

from __future__ import annotations

from sqlmodel import select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.parents import children_of
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.api import on_enrollment_completed
from cjeune_app.core.enrollment.models import Enrollment
from cjeune_app.core.enums import Role
from cjeune_app.core.guardians.parent_accounts import account_for_guardian_rows
from cjeune_app.core.guardians.records import guardians_by_mobile
from tests.core.guardians.builders import E164, make_family


def completed(pupil, email, mobile=None) -> Enrollment:
    return Enrollment(pupil_id=pupil.id, season_id=0, email=email, mobile=mobile,
                      guardian_last_name="Durand", guardian_first_name="Marie")


def parents(session):
    return session.exec(select(Account).where(Account.role == Role.PARENT)).all()


def test_the_stepper_finds_the_guardian_account_by_the_school_s_record_mobile(session, outbox):
    _, (lea, tom) = make_family(session, email="")
    account = account_for_guardian_rows(session, guardians_by_mobile(session, E164))
    assert account.login == "m.durand"
    on_enrollment_completed(session, completed(lea, "autre.adresse@exemple.fr", E164), now=utcnow())
    assert parents(session) == [account]
    assert {c.id for c in children_of(session, account)} == {lea.id, tom.id}


def test_the_stepper_finds_the_guardian_account_by_its_e_mail(session, outbox):
    _, (lea, _tom) = make_family(session)
    account = account_for_guardian_rows(session, guardians_by_mobile(session, E164))
    assert account.email == "marie.durand@exemple.fr"
    on_enrollment_completed(session, completed(lea, "Marie.Durand@exemple.fr"), now=utcnow())
    assert parents(session) == [account]


def test_a_stepper_account_made_first_becomes_the_guardian_account(session, outbox):
    _, (lea, tom) = make_family(session)
    on_enrollment_completed(session, completed(lea, "marie.durand@exemple.fr"), now=utcnow())
    [stepper] = parents(session)
    assert account_for_guardian_rows(session, guardians_by_mobile(session, E164)).id == stepper.id
    assert {c.id for c in children_of(session, stepper)} == {lea.id, tom.id}
