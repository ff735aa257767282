"""A structure signs up, confirms its address, waits for an agent, is validated or rejected."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import func, select

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.links import verify_email
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.actor import Actor
from cjeune_app.core.checksums import is_valid_siret, luhn_check_digit
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Conflict, Forbidden, NotSignedIn
from cjeune_app.core.partners.api import sign_up_partner
from cjeune_app.core.partners.models import Partner, PartnerCategory
from cjeune_app.core.partners.sign_in import account_for_token, authenticate
from cjeune_app.core.partners.validation import PartnerSignUp, siret_error, website_error
from cjeune_app.core.use_cases.partners import reject_partner, validate_partner
from cjeune_app.core.use_cases.partners import validation_queue as pending_partners
from cjeune_app.core.use_cases.sessions import actor_of
from tests.core.partners.builders import SIGN_UP_FORM as FORM
from tests.core.partners.builders import SIGN_UP_NOW as NOW
from tests.core.partners.builders import sign_up_and_confirm
from tests.support.mail import body_text, links_in, token_from

IP = "203.0.113.7"


def form(**changes) -> PartnerSignUp:
    return dataclasses.replace(FORM, **changes)


def test_siret_check_digit():
    assert is_valid_siret("73282932000074")
    assert not is_valid_siret("73282932000075")  # last digit mistyped
    assert not is_valid_siret("73282923000074")  # two digits swapped
    siren = "40419354" + luhn_check_digit("40419354")
    siret_body = siren + "0001"
    assert is_valid_siret(siret_body + luhn_check_digit(siret_body))
    assert not is_valid_siret("40419354" + "0" + "00017")  # SIREN part fails its own check
    # La Poste: the digits add up to a multiple of 5 instead of the Luhn rule
    assert is_valid_siret("35600000049837") and not is_valid_siret("35600000049838")
    assert is_valid_siret("35600000000048")  # its head office passes Luhn
    assert siret_error("7328293200007") == (
        "Le numéro SIRET comporte 14 chiffres (exemple : 732 829 320 00074) : vérifiez-le.")
    assert "un chiffre a sans doute été mal recopié" in siret_error("73282932000075")


@pytest.mark.parametrize("website", ["", "https://www.judo-aix.fr", "http://club.fr/page?x=1", "HTTPS://CLUB.FR"])
def test_web_addresses_are_accepted(website):
    assert website_error(website) is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siret": "73282932000075"}, "siret", "Ce numéro SIRET n'est pas valide"),
        ({"postal_code": "13100"}, "postal_code", "Le code postal 13100 ne correspond pas à Arles"),
        ({"commune_insee": "83104", "postal_code": "13780"}, "commune_insee", "communes des Bouches-du-Rhône"),
        ({"kind": "entreprise"}, "kind", "association, collectivité ou commerciale"),
        ({"categories": []}, "categories", "Cochez au moins une catégorie"),
        ({"contact_email": "contact@"}, "contact_email", "n'est pas valide"),
        ({"password": "tatami"}, "password", "au moins 8 caractères"),
        ({"name": "  "}, "name", "Indiquez le nom de la structure."),
        ({"website": "javascript:alert(document.cookie)"}, "website", "commençant par https:// ou http://"),
        ({"website": "JavaScript://%0aalert(1)"}, "website", "commençant par https://"),
        ({"website": "data:text/html,<script>alert(1)</script>"}, "website", "commençant par https://"),
        ({"website": "vbscript:msgbox"}, "website", "commençant par https://"),
        ({"website": "ftp://club.fr"}, "website", "commençant par https://"),
        ({"website": "www.judo-aix.fr"}, "website", "par exemple https://www.judo-aix.fr"),
        ({"website": "https://"}, "website", "commençant par https://"),
        ({"website": "https://club.fr/a b"}, "website", "commençant par https://"),
        ({"website": "https://club.fr/" + "a" * 250}, "website", "trop longue"),
    ],
)
def test_sign_up_form_errors_name_their_field(session, changes, field, message):
    with pytest.raises(FormErrors) as refused:
        sign_up_partner(session, form(**changes), now=NOW)
    assert list(refused.value.fields) == [field]
    assert message in refused.value.fields[field]


def test_partner_confirms_waits_and_is_validated_then_signs_in(session, outbox, agent):
    sign_up_partner(session, FORM, now=NOW)
    session.commit()
    assert pending_partners(agent) == []  # address not confirmed yet: not in the queue
    unconfirmed = authenticate(session, "contact@judoarles.fr", "Tatami2026", IP, now=NOW)
    assert unconfirmed.status == "unverified"

    verify_email(session, token_from(links_in(outbox.last("contact@judoarles.fr"))[0]), now=NOW)
    session.commit()
    pending = authenticate(session, "contact@judoarles.fr", "Tatami2026", IP, now=NOW)
    assert pending.status == "pending" and "en attente de validation" in pending.message

    [review] = pending_partners(agent)
    assert (review.partner.name, review.categories, review.commune_name) == ("Judo Club d'Arles", ["sport"], "Arles")
    assert review.partner.siret == "73282932000074"

    session.commit()  # the use case writes in its own transaction
    validate_partner(agent, review.partner.id, now=NOW)
    session.commit()
    session.expire_all()  # decided in the use case's own transaction
    mail = outbox.last("contact@judoarles.fr")
    assert mail["Subject"] == "Votre structure est validée — CJeune de Provence"
    assert "Judo Club d'Arles" in body_text(mail)
    assert pending_partners(agent) == []

    outcome = authenticate(session, "contact@judoarles.fr", "Tatami2026", IP, roles=(Role.PARTNER,), now=NOW)
    assert outcome.ok
    token = open_session(session, outcome.account, remember=False, now=NOW)
    assert account_for_token(session, token, now=NOW).partner_id == review.partner.id


def test_rejected_partner_is_told_why_and_cannot_sign_in(session, outbox, agent):
    partner = sign_up_and_confirm(session, outbox)
    with pytest.raises(FormErrors):
        reject_partner(agent, partner.id, "  ")
    reject_partner(agent, partner.id, "Le SIRET ne correspond pas à une association sportive.", now=NOW)
    session.commit()
    session.expire_all()  # decided in the use case's own transaction
    mail = outbox.last("contact@judoarles.fr")
    assert "Le SIRET ne correspond pas à une association sportive." in body_text(mail)
    outcome = authenticate(session, "contact@judoarles.fr", "Tatami2026", IP, now=NOW)
    assert outcome.status == "rejected"
    assert "Le SIRET ne correspond pas à une association sportive." in outcome.message
    session.commit()  # the use case writes in its own transaction
    with pytest.raises(Conflict):
        validate_partner(agent, partner.id)


def test_only_agents_decide(session, outbox):
    partner = sign_up_and_confirm(session, outbox)
    staff = Actor(account_id=0, role=Role.ESTABLISHMENT, display_name="ati@college.fr")
    partner_account = actor_of(session, session.exec(select(Account).where(Account.partner_id == partner.id)).one())
    for someone, refusal in ((staff, Forbidden), (partner_account, Forbidden), (None, NotSignedIn)):
        with pytest.raises(refusal):
            validate_partner(someone, partner.id)
        with pytest.raises(refusal):
            pending_partners(someone)
    assert partner.status == "pending"


def test_a_validated_partner_suspended_later_loses_its_sessions(session, outbox, agent):
    partner = sign_up_and_confirm(session, outbox)
    validate_partner(agent, partner.id, now=NOW)
    session.commit()
    session.expire_all()  # decided in the use case's own transaction
    outcome = authenticate(session, "contact@judoarles.fr", "Tatami2026", IP, now=NOW)
    token = open_session(session, outcome.account, remember=True, now=NOW)
    partner.status = "rejected"
    session.commit()
    assert account_for_token(session, token, now=NOW) is None


def test_same_siret_twice_is_refused_but_an_abandoned_sign_up_can_be_redone(session, outbox):
    sign_up_partner(session, FORM, now=NOW)
    session.commit()
    with pytest.raises(FormErrors) as waiting:
        sign_up_partner(session, form(contact_email="autre@judoarles.fr"), now=NOW + dt.timedelta(hours=1))
    assert "attend la confirmation" in waiting.value.fields["siret"]
    session.rollback()
    # never confirmed, link expired: the structure starts again with another address
    sign_up_partner(session, form(contact_email="autre@judoarles.fr"), now=NOW + dt.timedelta(hours=49))
    session.commit()
    assert session.exec(select(func.count()).select_from(Partner)).one() == 1
    assert session.exec(select(Account.login)).all() == ["autre@judoarles.fr"]
    verify_email(session, token_from(links_in(outbox.last("autre@judoarles.fr"))[0]), now=NOW + dt.timedelta(hours=50))


def test_confirmed_siret_cannot_sign_up_again(session, outbox):
    sign_up_and_confirm(session, outbox)
    with pytest.raises(FormErrors) as refused:
        sign_up_partner(session, form(contact_email="autre@judoarles.fr"), now=NOW + dt.timedelta(days=5))
    assert "déjà inscrite" in refused.value.fields["siret"]


def test_partner_categories_are_stored(session, outbox):
    sign_up_partner(session, form(categories=["culture", "loisirs", "culture"]), now=NOW)
    session.commit()
    assert sorted(session.exec(select(PartnerCategory.category)).all()) == ["culture", "loisirs"]


def test_contact_address_already_used_creates_nothing_and_warns_its_owner(session, outbox):
    session.add(Account(role=Role.PARENT, login="contact@judoarles.fr", email="contact@judoarles.fr"))
    session.commit()
    sign_up_partner(session, FORM, now=NOW)
    session.commit()
    assert session.exec(select(func.count()).select_from(Partner)).one() == 0
    assert outbox.last("contact@judoarles.fr")["Subject"] == "Votre compte CJeune de Provence existe déjà"
