"""Accounts distributed by the school: letters (PDF, read back with pypdf) and/or e-mails, the
first sign-in (new password, children's birth dates, e-mail, activation link), re-issue."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import select

from cjeune_app.core.accounts.errors import FormErrors, InvalidToken
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sign_in import SignInStatus
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.guardians.distribution import (
    Delivery,
    GuardianAccountState,
    NoEmailForGuardian,
    NoGuardianToNotify,
    ProvisionalPasswordSpent,
)
from cjeune_app.core.guardians.records import GuardianInput, check_guardian, set_guardians
from cjeune_app.core.use_cases import accounts, guardians
from tests.core.accounts.builders import actor_for
from tests.core.guardians.builders import make_family
from tests.support.mail import links_in, token_from

IP = "198.51.100.9"
LEA, TOM = dt.date(2013, 3, 14), dt.date(2011, 9, 2)


@pytest.fixture
def staff(session):
    school, pupils = make_family(session)
    account = Account(role=Role.ESTABLISHMENT, login="ati@sainte-victoire.fr", establishment_id=school.id)
    session.add(account)
    session.commit()
    return actor_for(account)


def letter_credentials(pdf: bytes) -> list[tuple[str, str]]:
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    return [(re.search(r"Identifiant :\s*(\S+)", p).group(1), re.search(r"Mot de passe provisoire :\s*(\S+)", p).group(1))
            for p in pages]


def pending_for(login, password):
    step = accounts.check_password(login, password, IP, (Role.PARENT,))
    assert step.ok and step.must_change_password, step.message
    return step.pending


def test_letter_then_first_sign_in_then_activation_link(staff, outbox):
    assert [g.state for g in guardians.school_guardians(staff).guardians] == [GuardianAccountState.NOT_GENERATED]
    issued = guardians.issue_guardian_letters(staff)
    assert issued.count == 1 and issued.letters_filename.startswith("courriers-responsables-")
    text = " ".join(PdfReader(io.BytesIO(issued.letters_pdf)).pages[0].extract_text().split())
    assert "Collège Sainte-Victoire" in text and "Marie DURAND" in text and "Première connexion" in text
    [(login, password)] = letter_credentials(issued.letters_pdf)
    assert login == "m.durand"
    [status] = guardians.school_guardians(staff).guardians
    assert status.state is GuardianAccountState.LETTER_ISSUED and status.login == "m.durand"

    pending = pending_for(login, password)
    assert guardians.first_sign_in_children(pending) == ["Léa", "Tom"]
    with pytest.raises(FormErrors) as refused:
        guardians.complete_guardian_first_sign_in(pending, "mauvais", "Soleil2026", "Soleil2026", [LEA, TOM],
                                                  "marie@exemple.fr")
    assert set(refused.value.fields) == {"current_password"}
    with pytest.raises(FormErrors) as refused:
        guardians.complete_guardian_first_sign_in(pending, password, "Soleil2026", "Soleil2026", [LEA, LEA],
                                                  "pas-une-adresse")
    assert set(refused.value.fields) == {"dates", "email"}
    assert "Léa" not in refused.value.fields["dates"] and "Tom" not in refused.value.fields["dates"]
    sent_to = guardians.complete_guardian_first_sign_in(pending, password, "Soleil2026", "Soleil2026", [LEA, TOM],
                                                        "Marie@Exemple.fr")
    assert sent_to == "marie@exemple.fr"
    assert guardians.school_guardians(staff).guardians[0].state is GuardianAccountState.LETTER_ISSUED
    unconfirmed = accounts.check_password(login, "Soleil2026", IP, (Role.PARENT,))
    assert unconfirmed.status is SignInStatus.UNVERIFIED

    [link] = [link for link in links_in(outbox.last("marie@exemple.fr")) if "jeton=" in link]
    accounts.verify_email(token_from(link))
    with pytest.raises(InvalidToken):  # a link works once
        accounts.verify_email(token_from(link))
    assert guardians.school_guardians(staff).guardians[0].state is GuardianAccountState.ACTIVATED
    step = accounts.check_password(login, "Soleil2026", IP, (Role.PARENT,))
    assert step.ok and not step.must_change_password
    signed_in = accounts.open_session(step.pending, remember=False)
    assert signed_in.actor.role is Role.PARENT


def test_the_provisional_password_works_once(staff, outbox):
    [(login, password)] = letter_credentials(guardians.issue_guardian_letters(staff).letters_pdf)
    pending = pending_for(login, password)
    guardians.complete_guardian_first_sign_in(pending, password, "Soleil2026", "Soleil2026", [LEA, TOM], "m@exemple.fr")
    with pytest.raises(ProvisionalPasswordSpent):
        guardians.complete_guardian_first_sign_in(pending, password, "Soleil2027", "Soleil2027", [LEA, TOM], "m@exemple.fr")
    assert accounts.check_password(login, password, IP, (Role.PARENT,)).status is SignInStatus.INVALID


def test_a_new_letter_invalidates_the_previous_password(staff, outbox):
    [(login, first)] = letter_credentials(guardians.issue_guardian_letters(staff).letters_pdf)
    guardian_id = guardians.school_guardians(staff).guardians[0].guardian_id
    [(same_login, second)] = letter_credentials(guardians.issue_guardian_letters(staff, guardian_id=guardian_id).letters_pdf)
    assert same_login == login and second != first
    assert accounts.check_password(login, first, IP, (Role.PARENT,)).status is SignInStatus.INVALID
    assert accounts.check_password(login, second, IP, (Role.PARENT,)).ok


def test_by_e_mail_needs_an_address(staff, outbox, session):
    issued = guardians.issue_guardian_letters(staff, delivery=Delivery.EMAIL)
    assert issued.emailed == 1 and issued.letters_pdf is None
    body = outbox.last("marie.durand@exemple.fr").get_body(preferencelist=("plain",)).get_content()
    assert "Identifiant : m.durand" in body and "Mot de passe provisoire :" in body
    school = session.exec(select(Establishment)).first()
    pupil = Pupil(establishment_id=school.id, last_name="Roux", first_name="Eva", birth_date=dt.date(2012, 1, 1),
                  class_name="4e A")
    session.add(pupil)
    session.flush()
    data, _ = check_guardian(GuardianInput("Roux", "Paul", "père", "06 98 76 54 32", "", ""))
    set_guardians(session, pupil, [data])
    session.commit()
    with pytest.raises(NoEmailForGuardian, match="Paul Roux"):
        guardians.issue_guardian_letters(staff, delivery=Delivery.EMAIL, only_new=True)


def test_a_class_without_guardians_is_said(staff):
    with pytest.raises(NoGuardianToNotify):
        guardians.issue_guardian_letters(staff, class_name="6e Z")
    assert guardians.issue_guardian_letters(staff, class_name="5e B").count == 1


def test_an_expired_activation_link_is_refused_and_signing_in_again_sends_a_new_one(staff, outbox, session):
    from cjeune_app.core.accounts.models import OneTimeToken
    [(login, password)] = letter_credentials(guardians.issue_guardian_letters(staff).letters_pdf)
    guardians.complete_guardian_first_sign_in(pending_for(login, password), password, "Soleil2026", "Soleil2026",
                                              [LEA, TOM], "marie@exemple.fr")
    [expired] = [link for link in links_in(outbox.last("marie@exemple.fr")) if "jeton=" in link]
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    for token in session.exec(select(OneTimeToken)).all():  # the link was sent a month ago
        token.created_at, token.expires_at = long_ago, long_ago + dt.timedelta(days=1)
        session.add(token)
    session.commit()
    with pytest.raises(InvalidToken) as refused:
        accounts.verify_email(token_from(expired))
    assert refused.value.message.startswith("Ce lien n'est plus valable : il a expiré")
    assert guardians.school_guardians(staff).guardians[0].state is GuardianAccountState.LETTER_ISSUED
    # What was validated is kept: the chosen password still signs in, and a fresh link is sent.
    assert accounts.check_password(login, "Soleil2026", IP, (Role.PARENT,)).status is SignInStatus.UNVERIFIED
    [fresh] = [link for link in links_in(outbox.last("marie@exemple.fr")) if "jeton=" in link]
    assert fresh != expired
    accounts.verify_email(token_from(fresh))
    assert guardians.school_guardians(staff).guardians[0].state is GuardianAccountState.ACTIVATED
