"""E-mailed links (parent activation, e-mail verification, password reset) and the Jeune sign-up."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import func, select

from cjeune_app.core.accounts.errors import FormErrors, InvalidToken, PasswordRejected
from cjeune_app.core.accounts.links import activate, request_password_reset, reset_password, verify_email
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.parents import children_of, create_or_get_parent_for_enrollment
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.sessions import account_for_token, open_session
from cjeune_app.core.accounts.sign_in import authenticate
from cjeune_app.core.accounts.tokens import account_for_link
from cjeune_app.core.accounts.validation import youth_birth_date_error
from cjeune_app.core.accounts.youths import sign_up_youth
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Conflict
from tests.core.accounts.builders import make_pupil, make_school
from tests.support.mail import body_text, links_in, token_from

IP = "203.0.113.7"


@pytest.fixture
def school(session):
    school = make_school(session)
    session.commit()
    return school


def test_parent_activates_from_the_link_received_by_smtp(session, school, smtp_server, monkeypatch):
    monkeypatch.setenv("CJEUNE_PUBLIC_URL", "https://cjeune.exemple.fr")
    julie, _ = make_pupil(session, school)
    parent = create_or_get_parent_for_enrollment(session, "Maman.Fernandez@Exemple.fr", "Sofia", "Fernandez", julie.id)
    assert smtp_server.messages() == []  # nothing leaves before the enrollment is committed
    session.commit()

    [mail] = smtp_server.messages("maman.fernandez@exemple.fr")
    assert mail["Subject"] == "Activez votre compte Parent CJeune de Provence"
    assert "Julie" in body_text(mail)
    [link] = [link for link in links_in(mail) if "jeton=" in link]
    assert link.startswith("https://cjeune.exemple.fr/connexion/activation?jeton=")
    assert parent.password_hash is None

    token = token_from(link)
    assert account_for_link(session, token, "activation").id == parent.id
    with pytest.raises(PasswordRejected) as refused:
        activate(session, token, "motdepasse")
    assert refused.value.reasons == [
        "Le mot de passe doit comporter au moins 1 lettre majuscule.",
        "Le mot de passe doit comporter au moins 1 chiffre.",
    ]
    session.rollback()
    activate(session, token, "Calanques13")
    session.commit()

    outcome = authenticate(session, "maman.fernandez@exemple.fr", "Calanques13", IP, roles=(Role.PARENT,))
    assert outcome.ok and not outcome.must_change_password
    assert [child.first_name for child in children_of(session, outcome.account)] == ["Julie"]
    with pytest.raises(InvalidToken):
        activate(session, token, "Calanques14")  # a link works once


def test_second_child_is_linked_to_the_same_parent(session, school, outbox):
    julie, _ = make_pupil(session, school, "Fernandez", "Julie")
    hugo, _ = make_pupil(session, school, "Fernandez", "Hugo")
    first = create_or_get_parent_for_enrollment(session, "papa@exemple.fr", "Marc", "Fernandez", julie.id)
    session.commit()
    activate(session, token_from(links_in(outbox.last("papa@exemple.fr"))[0]), "Calanques13")
    session.commit()
    again = create_or_get_parent_for_enrollment(session, "PAPA@exemple.fr", "Marc", "Fernandez", hugo.id)
    session.commit()
    assert again.id == first.id
    assert outbox.last("papa@exemple.fr")["Subject"] == "Un enfant a été ajouté à votre compte Parent"
    assert sorted(c.first_name for c in children_of(session, again)) == ["Hugo", "Julie"]
    create_or_get_parent_for_enrollment(session, "papa@exemple.fr", "Marc", "Fernandez", hugo.id)
    session.commit()
    assert len(outbox.messages("papa@exemple.fr")) == 2  # relinking the same child says nothing


def test_parent_address_used_by_another_kind_of_account_is_refused(session, school):
    session.add(Account(role=Role.YOUTH, login="lea@exemple.fr", email="lea@exemple.fr"))
    julie, _ = make_pupil(session, school)
    with pytest.raises(Conflict):
        create_or_get_parent_for_enrollment(session, "lea@exemple.fr", "Léa", "Martin", julie.id)


def test_password_reset_by_e_mail(session, outbox):
    account = Account(role=Role.PARENT, login="maman@exemple.fr", email="maman@exemple.fr",
                      password_hash=hash_password("Maison2026"))
    session.add(account)
    session.commit()
    old_session = open_session(session, account, remember=True)
    session.commit()

    request_password_reset(session, " Maman@Exemple.fr")
    request_password_reset(session, "personne@exemple.fr")
    session.commit()
    assert [m["To"] for m in outbox.messages()] == ["maman@exemple.fr"]
    link = links_in(outbox.last("maman@exemple.fr"))[0]
    assert "/connexion/nouveau-mot-de-passe?jeton=" in link

    reset_password(session, token_from(link), "Garlaban13")
    session.commit()
    assert account_for_token(session, old_session) is None  # every session was closed
    assert authenticate(session, "maman@exemple.fr", "Garlaban13", IP).ok
    assert authenticate(session, "maman@exemple.fr", "Maison2026", IP).status == "invalid"
    with pytest.raises(InvalidToken):
        reset_password(session, token_from(link), "Garlaban14")


def test_reset_link_expires_after_an_hour_and_a_new_one_replaces_the_old(session, outbox):
    session.add(Account(role=Role.YOUTH, login="lea@exemple.fr", email="lea@exemple.fr",
                        password_hash=hash_password("Maison2026"), email_verified_at=dt.datetime.now(dt.UTC)))
    session.commit()
    t0 = dt.datetime.now(dt.UTC)
    request_password_reset(session, "lea@exemple.fr", now=t0)
    session.commit()
    first = token_from(links_in(outbox.last("lea@exemple.fr"))[0])
    with pytest.raises(InvalidToken):
        reset_password(session, first, "Garlaban13", now=t0 + dt.timedelta(minutes=61))
    session.rollback()
    request_password_reset(session, "lea@exemple.fr", now=t0)
    session.commit()
    second = token_from(links_in(outbox.last("lea@exemple.fr"))[0])
    with pytest.raises(InvalidToken):
        reset_password(session, first, "Garlaban13", now=t0)
    session.rollback()
    reset_password(session, second, "Garlaban13", now=t0)


def test_reset_requests_cannot_flood_a_mailbox(session, outbox):
    session.add(Account(role=Role.PARENT, login="maman@exemple.fr", email="maman@exemple.fr",
                        password_hash=hash_password("Maison2026")))
    session.commit()
    for _ in range(6):
        request_password_reset(session, "maman@exemple.fr")
        session.commit()
    assert len(outbox.messages("maman@exemple.fr")) == 3


def test_forgotten_password_of_a_parent_never_activated_sends_the_activation_again(session, school, outbox):
    julie, _ = make_pupil(session, school)
    create_or_get_parent_for_enrollment(session, "maman@exemple.fr", "Sofia", "Fernandez", julie.id)
    session.commit()
    request_password_reset(session, "maman@exemple.fr")
    session.commit()
    first, second = outbox.messages("maman@exemple.fr")
    assert second["Subject"] == first["Subject"] == "Activez votre compte Parent CJeune de Provence"
    with pytest.raises(InvalidToken):
        activate(session, token_from(links_in(first)[0]), "Calanques13")
    session.rollback()
    activate(session, token_from(links_in(second)[0]), "Calanques13")


YOUTH = {"email": "Lea.Martin@Exemple.fr", "password": "Calanques13", "first_name": "Léa",
             "last_name": "Martin", "birth_date": dt.date(2005, 6, 21), "commune_insee": "13004"}
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def test_youth_signs_up_verifies_the_address_then_signs_in(session, outbox):
    sign_up_youth(session, **YOUTH, now=NOW)
    session.commit()
    blocked = authenticate(session, "lea.martin@exemple.fr", "Calanques13", IP, now=NOW)
    assert blocked.status == "unverified" and "Confirmez d'abord votre adresse e-mail" in blocked.message
    mail = outbox.last("lea.martin@exemple.fr")
    verify_email(session, token_from(links_in(mail)[0]), now=NOW)
    session.commit()
    outcome = authenticate(session, "lea.martin@exemple.fr", "Calanques13", IP, roles=(Role.YOUTH,), now=NOW)
    assert outcome.ok
    assert (outcome.account.role, outcome.account.commune_insee) == (Role.YOUTH, "13004")


def test_signing_in_unverified_resends_the_link_at_most_every_10_minutes(session, outbox):
    sign_up_youth(session, **YOUTH, now=NOW)
    session.commit()
    for minutes in (1, 2, 12):
        authenticate(session, "lea.martin@exemple.fr", "Calanques13", IP, now=NOW + dt.timedelta(minutes=minutes))
        session.commit()
    assert len(outbox.messages("lea.martin@exemple.fr")) == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"birth_date": dt.date(2000, 11, 20)}, "birth_date", "Le compte Jeune est réservé aux moins de 26 ans."),
        ({"birth_date": dt.date(2012, 1, 1)}, "birth_date", "Il faut avoir au moins 15 ans"),
        ({"birth_date": dt.date(2027, 1, 1)}, "birth_date", "La date de naissance doit être dans le passé"),
        ({"commune_insee": "83104"}, "commune_insee", "réservée aux habitants des Bouches-du-Rhône"),
        ({"email": "lea@"}, "email", "Cette adresse e-mail n'est pas valide"),
        ({"password": "calanques"}, "password", "au moins 1 lettre majuscule"),
    ],
)
def test_youth_sign_up_rules(session, change, field, message):
    with pytest.raises(FormErrors) as refused:
        sign_up_youth(session, **{**YOUTH, **change}, now=NOW)
    assert list(refused.value.fields) == [field]
    assert message in refused.value.fields[field]


def test_age_limit_is_exact_to_the_day():
    today = dt.date(2026, 11, 20)
    assert youth_birth_date_error(dt.date(2000, 11, 21), today) is None  # 25 until tomorrow
    assert youth_birth_date_error(dt.date(2000, 11, 20), today) is not None  # 26 today
    assert youth_birth_date_error(dt.date(2011, 11, 20), today) is None  # 15 today
    assert youth_birth_date_error(dt.date(2011, 11, 21), today) is not None  # 15 tomorrow


def test_sign_up_with_a_taken_address_says_the_same_and_warns_the_owner(session, outbox):
    session.add(Account(role=Role.PARENT, login="lea.martin@exemple.fr", email="lea.martin@exemple.fr",
                        password_hash=hash_password("Maison2026")))
    session.commit()
    sign_up_youth(session, **YOUTH, now=NOW)  # no error: the page shows the usual answer
    session.commit()
    assert session.exec(select(func.count()).select_from(Account)).one() == 1
    assert outbox.last("lea.martin@exemple.fr")["Subject"] == "Votre compte CJeune de Provence existe déjà"
