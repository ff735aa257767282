"""FranceConnect on a phone, through a real OpenID Connect provider on 127.0.0.1: the button on the
Parent door, the provider's form, the first visit, the direct sign-in of the next visits, the
sign-out that ends the provider's session too, and a refusal told in French with the button to
start again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import cjeune_app.core.models  # noqa: F401  (every table registered: foreign keys resolve)
from cjeune_app.core.guardians.records import guardians_by_mobile as guardian_rows_of_mobile
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.families import app_db
from tests.browser.test_parent_accounts import family_with_one_mobile

FC_BUTTON = "S'identifier avec FranceConnect"


@pytest.fixture
def phone(phone, oidc_provider):
    """The phone, with the test provider's own page kept quiet: its stylesheet comes from a site this
    machine cannot reach, and it has no favicon (neither is the app's doing)."""
    def quiet(route):
        route.fulfill(status=200, body="", content_type="text/css")

    phone.context.route(lambda url: not url.startswith("http://127.0.0.1"), quiet)
    phone.context.route(f"{oidc_provider.url}/favicon.ico", quiet)
    return phone


def open_parent_door(phone, app_server) -> None:
    phone.goto(f"{app_server.base_url}/connexion/parent")
    wait_for_app(phone)
    expect(phone.get_by_role("link", name=FC_BUTTON)).to_be_visible()


def confirm_at_provider(phone, sub: str) -> None:
    """What the guardian does at FranceConnect (here the local provider's form)."""
    phone.get_by_role("link", name=FC_BUTTON).click()
    expect(phone.get_by_role("heading", name="Authorize Client")).to_be_visible()
    phone.get_by_placeholder("sub").fill(sub)
    phone.get_by_role("button", name="Authorize").click()


def test_parent_door_shows_franceconnect_button_and_its_explanation(app_server, phone):
    open_parent_door(phone, app_server)
    about = phone.get_by_role("link", name="Qu'est-ce que FranceConnect ?")
    expect(about).to_have_attribute("href", "https://franceconnect.gouv.fr/")
    expect(about).to_have_attribute("target", "_blank")
    assert_page_healthy(phone)


def test_first_visit_then_direct_sign_in_then_sign_out_at_the_provider(app_server, oidc_provider, sms_provider,
                                                                       phone):
    mobile, e164, pupils = family_with_one_mobile(app_server)  # Inès and Noé, mother Carmen
    oidc_provider.add_person("fc-carmen", "Carmen", "Garcia")

    # First visit: FranceConnect confirms the identity, then the guardians' verification.
    open_parent_door(phone, app_server)
    confirm_at_provider(phone, "fc-carmen")
    expect(phone).to_have_url(re.compile(r"/connexion/parent/franceconnect/?$"))
    wait_for_app(phone)
    expect(phone.locator("h1")).to_have_text("Première connexion avec FranceConnect")
    expect(phone.get_by_text("Carmen Garcia")).to_be_visible()
    assert_page_healthy(phone)
    phone.get_by_label("Numéro de téléphone portable").fill(mobile)
    phone.get_by_role("button", name="Recevoir un code par SMS").click()
    expect(phone.locator("#code-envoye")).to_contain_text("code à 6 chiffres")
    phone.get_by_label("Code reçu par SMS (6 chiffres)").fill(sms_provider.wait_for_message(e164, 1).code)
    phone.get_by_role("button", name="Valider le code").click()

    # A wrong date: said, and the verified code is kept.
    phone.get_by_label("Date de naissance de Inès (jj/mm/aaaa)").fill("04/05/2013")
    phone.get_by_label("Date de naissance de Noé (jj/mm/aaaa)").fill("01/01/2011")
    phone.get_by_role("button", name="Valider et me connecter").click()
    expect(phone.get_by_role("alert")).to_be_visible()
    assert_page_healthy(phone)
    phone.get_by_label("Date de naissance de Noé (jj/mm/aaaa)").fill("12/10/2011")
    phone.get_by_role("button", name="Valider et me connecter").click()
    expect(phone).to_have_url(re.compile(r"/tableau-de-bord"))
    wait_for_app(phone)
    expect(phone.get_by_text("Inès").first).to_be_visible()

    # Sign-out ends the FranceConnect session too: the provider's end-session page, then back here.
    phone.get_by_role("button", name="Se déconnecter").click()
    expect(phone).to_have_url(re.compile(r"/oauth2/end_session\?.*id_token_hint="))
    phone.get_by_role("button", name="End session").click()
    expect(phone).to_have_url(re.compile(r"/connexion/?(\?state=[^&]+)?$"))

    # Next visit: straight to the dashboard, with the children.
    open_parent_door(phone, app_server)
    confirm_at_provider(phone, "fc-carmen")
    expect(phone).to_have_url(re.compile(r"/tableau-de-bord"))
    wait_for_app(phone)
    expect(phone.get_by_text("Noé").first).to_be_visible()
    assert_page_healthy(phone)
    with app_db(app_server) as session:  # one Parent account for the person, the one the school's records name
        holders = {row.account_id for row in guardian_rows_of_mobile(session, mobile)}
        assert len(holders) == 1 and None not in holders


def test_a_refusal_at_the_provider_is_told_in_french_and_the_guardian_can_start_again(app_server, oidc_provider,
                                                                                          phone):
    open_parent_door(phone, app_server)
    phone.get_by_role("link", name=FC_BUTTON).click()
    phone.get_by_role("button", name="Deny").click()
    expect(phone).to_have_url(re.compile(r"/connexion/parent/?\?franceconnect=franceconnect_refused"))
    wait_for_app(phone)
    expect(phone.get_by_role("alert")).to_contain_text("FranceConnect n'a pas confirmé votre identité")
    assert_page_healthy(phone)

    # A forged answer (unknown state) lands on the same page, never on an error.
    phone.goto(f"{app_server.base_url}/franceconnect/retour?state=forge&code=forge")
    wait_for_app(phone)
    expect(phone.get_by_role("alert")).to_contain_text("a expiré ou a déjà été utilisée")

    # Starting again works.
    oidc_provider.add_person("fc-again", "Paul", "Durand")
    confirm_at_provider(phone, "fc-again")
    expect(phone).to_have_url(re.compile(r"/connexion/parent/franceconnect/?$"))
