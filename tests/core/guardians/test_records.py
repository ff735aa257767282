"""Guardians on pupil records: checks, storage, lookups by mobile, one account per person."""

from __future__ import annotations

from sqlmodel import select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.accounts.parents import children_of
from cjeune_app.core.enums import Role
from cjeune_app.core.guardians.models import GuardianRelation
from cjeune_app.core.guardians.records import (
    GuardianInput,
    attach_account,
    check_guardian,
    children_of_mobile,
    existing_parent_account,
    guardians_by_mobile,
    guardians_of_pupil,
    set_guardians,
)
from tests.core.guardians.builders import E164, make_family


def test_a_guardian_is_checked_and_the_mobile_normalised():
    data, problems = check_guardian(GuardianInput("Durand", "Marie", "Mère", "06.12.34.56.78", "Marie@Exemple.fr", ""))
    assert problems == {}
    assert data.mobile == E164 and data.email == "marie@exemple.fr" and data.relation is GuardianRelation.MOTHER


def test_bad_guardian_fields_each_get_a_french_sentence():
    _, problems = check_guardian(GuardianInput("", "Marie", "cousine", "04 91 00 00 00", "pas-une-adresse", ""))
    assert set(problems) == {"last_name", "relation", "mobile", "email"}
    assert "n'est pas un numéro de mobile" in problems["mobile"]
    assert "cousine" in problems["relation"]


def test_a_guardian_needs_a_mobile_or_an_e_mail():
    _, problems = check_guardian(GuardianInput("Durand", "Marie", "mère", "", "", ""))
    assert "au moins le mobile ou l'adresse e-mail" in problems["mobile"]


def test_children_are_found_by_the_mobile_in_any_spelling(session):
    _, pupils = make_family(session)
    assert [p.id for p in children_of_mobile(session, "+33 6 12 34 56 78")] == sorted(p.id for p in pupils)
    assert children_of_mobile(session, "06 99 99 99 99") == []
    assert children_of_mobile(session, "n'importe quoi") == []


def test_attaching_an_account_links_every_child_once(session):
    _, pupils = make_family(session)
    rows = guardians_by_mobile(session, E164)
    account = Account(role=Role.PARENT, login="m.durand", first_name="Marie", last_name="Durand")
    session.add(account)
    session.flush()
    attach_account(session, account, rows)
    attach_account(session, account, rows)
    assert {p.id for p in children_of(session, account)} == {p.id for p in pupils}
    assert len(session.exec(select(ParentLink).where(ParentLink.parent_account_id == account.id)).all()) == 2
    assert existing_parent_account(session, guardians_by_mobile(session, E164)).id == account.id


def test_the_stepper_account_with_the_same_e_mail_is_the_guardian_account(session):
    make_family(session)
    stepper = Account(role=Role.PARENT, login="marie.durand@exemple.fr", email="marie.durand@exemple.fr")
    session.add(stepper)
    session.flush()
    assert existing_parent_account(session, guardians_by_mobile(session, E164)).id == stepper.id


def test_replacing_a_guardian_unlinks_the_former_one(session):
    _, (lea, _tom) = make_family(session)
    account = Account(role=Role.PARENT, login="m.durand")
    session.add(account)
    session.flush()
    attach_account(session, account, guardians_by_mobile(session, E164))
    other, _ = check_guardian(GuardianInput("Martin", "Paul", "père", "06 98 76 54 32", "", ""))
    set_guardians(session, lea, [other])
    assert [g.first_name for g in guardians_of_pupil(session, lea.id)] == ["Paul"]
    assert lea.id not in {p.id for p in children_of(session, account)}


def test_a_new_sibling_with_the_same_mobile_joins_the_existing_account(session):
    school, _ = make_family(session, births=[make_family.__defaults__[2][0]])
    account = Account(role=Role.PARENT, login="m.durand")
    session.add(account)
    session.flush()
    attach_account(session, account, guardians_by_mobile(session, E164))
    _, (tom,) = make_family(session, births=[make_family.__defaults__[2][1]], school=school)
    assert tom.id in {p.id for p in children_of(session, account)}
