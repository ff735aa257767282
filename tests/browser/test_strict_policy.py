"""The pages run under a strict script policy: `script-src 'self'` and the hashes of the page's own
inline scripts, no 'unsafe-inline', no 'unsafe-eval' (api.headers). Each page is visited in a real
browser that keeps the policy in force (no bypass): any refused script or eval is a console error
(tests.browser.chromium.ConsoleWatcher, checked by the `phone` fixture), and the pages still work —
the search box searches, the stepper advances and moves the focus (ui.browser's commands, which
replaced Reflex's eval'd `call_script`), the partner's checkout checks a card."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from cjeune_app import routes
from tests.browser.checks import wait_for_app
from tests.browser.families import sign_in
from tests.browser.family import expect_step, fill_step_one, new_pupil, next_button, open_enrollment
from tests.browser.family import sign_in as sign_in_pupil

PUBLIC_PAGES = [routes.HOME, routes.FAQ, routes.LEGAL_NOTICE, routes.PRIVACY, routes.TERMS, routes.CONTACT,
                routes.ACCESSIBILITY, routes.PARTNERS_SEARCH, routes.OFFERS, routes.SIGN_IN,
                routes.FORGOTTEN_PASSWORD, routes.PARTNER_SIGN_UP, routes.PARENT_SELF_REGISTRATION,
                routes.YOUTH_SIGN_UP, *(routes.sign_in_door(door) for door in
                                        ("collegien", "parent", "jeune", "partenaire", "gestion"))]


def script_src(policy: str) -> str:
    return next(d.strip() for d in policy.split(";") if d.strip().startswith("script-src"))


def assert_strict(policy: str) -> None:
    scripts = script_src(policy)
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, scripts
    assert scripts.split()[1] == "'self'" and all(s.startswith("'sha256-") for s in scripts.split()[2:]), scripts
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"):
        assert directive in policy, policy


def visit(page, url: str) -> None:
    """Opens `url`, checks the policy of the page served and waits for the app to be running."""
    answer = page.goto(url)
    assert_strict(answer.headers["content-security-policy"])
    wait_for_app(page)


def assert_no_violation(page) -> None:
    violations = [e for e in page.console.errors if "CSP" in e or "Content Security Policy" in e]
    assert not violations, violations


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/page-qui-n-existe-pas"])
def test_every_public_page_is_served_under_a_strict_policy(app_server, path):
    for encoding in ("gzip", "identity"):  # the precompressed page and the plain one
        answer = httpx.get(app_server.base_url + path, headers={"Accept-Encoding": encoding}, follow_redirects=True)
        assert answer.status_code in (200, 404)
        assert_strict(answer.headers["content-security-policy"])
        assert "'sha256-" in script_src(answer.headers["content-security-policy"])  # the page's inline scripts


def test_the_public_pages_run_without_a_refused_script(app_server, phone):
    for path in PUBLIC_PAGES:
        visit(phone, app_server.base_url + path)
        assert_no_violation(phone)
    # Revisited pages (a conditional request, answered 304) keep the policy they came with.
    visit(phone, app_server.base_url + routes.FAQ)
    phone.reload()
    wait_for_app(phone)
    assert_no_violation(phone)


def test_the_search_box_searches_under_the_policy(app_server, phone):
    visit(phone, app_server.base_url + routes.PARTNERS_SEARCH)
    phone.get_by_label("Que recherchez-vous ?").fill("judo marseille")
    expect(phone.locator("article.partner-result").filter(has_text="Judo Club du Vieux-Port")).to_have_count(1)
    # The typed words are written in the address (ui.browser's replace_address, no eval).
    expect(phone).to_have_url(re.compile(r"/partenaires\?q=judo\+marseille$"))
    assert_no_violation(phone)


def test_the_dashboard_and_the_stepper_work_under_the_policy(app_server, phone):
    pupil = new_pupil(app_server, "Strict", "Lou")
    sign_in_pupil(phone, app_server, "collegien", pupil["login"])  # ends by posting a form (ui.browser)
    assert_strict(httpx.get(app_server.base_url + routes.DASHBOARD).headers["content-security-policy"])
    assert_no_violation(phone)
    open_enrollment(phone, app_server)
    phone.get_by_role("button", name="Suivant").click()
    expect_step(phone, 1, "Informations")
    expect(phone.locator("#titre-etape")).to_be_focused()  # the focus command ran
    fill_step_one(phone, "Strict", "Nadia")
    next_button(phone).click()
    expect_step(phone, 2, "Coordonnées")
    expect(phone.locator("#titre-etape")).to_be_focused()
    assert_no_violation(phone)


def _demo_account(app_server, role_label: str) -> tuple[str, str]:
    account = next(a for a in app_server.demo["staff"] if a["role"] == role_label)
    return account["login"], account["password"]


def test_the_partners_checkout_works_under_the_policy(app_server, phone):
    login, password = _demo_account(app_server, "Partenaire")
    sign_in(phone, app_server, "partenaire", login, password)
    visit(phone, app_server.base_url + routes.PARTNER_CHECKOUT)
    expect(phone.locator("h1")).to_have_text("Encaisser")
    phone.get_by_label("Numéro de la carte (16 chiffres sous le QR code)").fill("6013 0000 0000 0000")  # no such card
    phone.get_by_label("Montant (en euros)").fill("5")
    phone.get_by_role("radio", name="Sport & Culture").click()  # the demo partner has both envelopes
    phone.get_by_role("button", name="Vérifier").click()
    expect(phone.get_by_role("alert")).to_be_visible()  # the page answered: the events run
    assert_no_violation(phone)


def test_the_back_office_works_under_the_policy(app_server, phone):
    login, password = _demo_account(app_server, "Agent du Département")
    sign_in(phone, app_server, "gestion", login, password)
    visit(phone, app_server.base_url + routes.ADMIN_ASSISTANCE)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Assistance")
    phone.get_by_label("Rechercher un bénéficiaire").fill("Martin")
    phone.get_by_role("button", name="Rechercher").click()
    expect(phone.locator("#resultats")).to_be_visible()
    assert_no_violation(phone)
