"""FranceConnect on a phone, through a real OpenID Connect provider on 127.0.0.1: the button on the
Parent door, the provider's form, the first visit, the direct sign-in of the next visits, the
sign-out that ends the provider's session too, and a refusal told in French with the button to
start again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from cjeune_app.core.franceconnect import identities
from cjeune_app.core.models import Account  # every table registered (foreign keys resolve)
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.families import app_db, make_youth

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


def test_first_visit_then_direct_sign_in_then_sign_out_at_the_provider(app_server, oidc_provider, phone):
    youth = make_youth(app_server, "Lina", "Moreau", guardian_email="nadia.moreau@exemple.fr")
    oidc_provider.add_person("fc-nadia-moreau", "Nadia", "Moreau")

    # First visit: FranceConnect confirms the identity, the guardian lands on the first-visit page.
    open_parent_door(phone, app_server)
    confirm_at_provider(phone, "fc-nadia-moreau")
    expect(phone).to_have_url(re.compile(r"/connexion/parent/franceconnect/?$"))
    wait_for_app(phone)
    expect(phone.locator("h1")).to_have_text("Première connexion avec FranceConnect")
    expect(phone.get_by_text("Nadia Moreau")).to_be_visible()
    assert_page_healthy(phone)

    # The verification of the first visit (mobile, SMS code, birth dates) ends by linking the identity.
    with app_db(app_server) as session:
        parent = session.exec(select(Account).where(Account.login == "nadia.moreau@exemple.fr")).one()
        identities.link(session, "fc-nadia-moreau", parent)

    # Next visit: straight to the dashboard, with the child.
    open_parent_door(phone, app_server)
    confirm_at_provider(phone, "fc-nadia-moreau")
    expect(phone).to_have_url(re.compile(r"/tableau-de-bord"))
    wait_for_app(phone)
    expect(phone.get_by_text(youth.first_name).first).to_be_visible()
    assert_page_healthy(phone)

    # Sign-out ends the FranceConnect session too: the provider's end-session page, then back here.
    phone.get_by_role("button", name="Se déconnecter").click()
    expect(phone).to_have_url(re.compile(r"/oauth2/end_session\?.*id_token_hint="))
    phone.get_by_role("button", name="End session").click()
    expect(phone).to_have_url(re.compile(r"/connexion/?(\?state=[^&]+)?$"))
    phone.goto(f"{app_server.base_url}/tableau-de-bord")
    expect(phone).to_have_url(re.compile(r"/connexion"))


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
