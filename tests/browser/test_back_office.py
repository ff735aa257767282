"""The Département's back office in a real browser, on a phone (390×844) and on a desktop screen:
the assistance blocks a card on a phone call (then a partner's payment is refused), a correction is
proposed by one agent and approved by another, and school staff or a partner are refused on every
/admin page (each on both screens). The demo's accounts are those `seed-demo` prints."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from cjeune_app import routes
from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.models import Card
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.chromium import PHONE, ConsoleWatcher
from tests.browser.families import app_db, make_youth, sign_in

DESKTOP = {"width": 1366, "height": 900}
ADMIN_PAGES = [routes.ADMIN_ASSISTANCE, routes.assistance_file(1), routes.ADMIN_CORRECTIONS, routes.ADMIN_JOURNAL,
               routes.ADMIN_PARTNER_LIST, routes.ADMIN_PARTNERS, routes.ADMIN_PHOTOS, routes.ADMIN_CARDS]


def _demo_account(app_server, role_label: str, index: int = 0) -> tuple[str, str]:
    accounts = [a for a in app_server.demo["staff"] if a["role"] == role_label]
    return accounts[index]["login"], accounts[index]["password"]


def _screen(chromium, size):
    context = chromium.new_context(viewport=size, locale="fr-FR", timezone_id="Europe/Paris", device_scale_factor=1,
                                   has_touch=size == PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.console = ConsoleWatcher(page)
    return context, page


@pytest.fixture(params=["telephone", "bureau"])
def screen(chromium, request):
    context, page = _screen(chromium, PHONE if request.param == "telephone" else DESKTOP)
    page.size_name = request.param
    yield page
    context.close()
    assert not page.console.errors, f"erreurs dans la console du navigateur : {page.console.errors}"


def _youth_with_card(app_server, first_name: str, last_name: str):
    youth = make_youth(app_server, first_name, last_name)
    with app_db(app_server) as session:
        number = session.exec(select(Card.number).where(Card.status == "stock", Card.pupil_id.is_(None))
                              .order_by(Card.id)).first()
        associate_card(session, youth.account_id, youth.pupil_id, number, f"test-assistance-{youth.pupil_id}")
    return youth, number


def _open_file(page, app_server, typed: str, name: str) -> None:
    page.get_by_role("link", name="Assistance : trouver un bénéficiaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assistance")
    wait_for_app(page)
    page.get_by_label("Rechercher un bénéficiaire").fill(typed)
    page.get_by_role("button", name="Rechercher").click()
    try:
        page.locator("#resultats").get_by_role("link", name=name).click()
    except Exception:
        page.screenshot(path=f"/tmp/assistance-search-{page.size_name}.png", full_page=True)
        raise
    expect(page.locator("#nom-dossier")).to_be_visible()
    wait_for_app(page)


def test_an_agent_blocks_a_card_found_by_its_last_digits_and_the_partner_is_refused(app_server, screen):
    last_name = "Lambert" if screen.size_name == "telephone" else "Vidal"
    youth, number = _youth_with_card(app_server, "Emma", last_name)
    login, password = _demo_account(app_server, "Agent du Département")
    sign_in(screen, app_server, "gestion", login, password)
    expect(screen.locator("#a-traiter")).to_be_visible()
    screen.mouse.move(0, 0)  # the pointer left on "Non" would hover a link of the new page (contrast check)
    assert_page_healthy(screen)

    _open_file(screen, app_server, f"{number[-4:]} {last_name.lower()}", f"{last_name.upper()} Emma")
    expect(screen.locator("#nom-dossier")).to_have_text(f"Emma {last_name.upper()}")
    expect(screen.locator("#cartes")).to_contain_text("Active")
    expect(screen.locator("#soldes")).to_contain_text("100,00 €")
    assert_page_healthy(screen)
    screen.get_by_label("Déclaration de la famille").select_option("vol")
    screen.locator("#motif-blocage").fill("Appel de la mère : carte volée au collège")
    screen.get_by_role("button", name="Bloquer la carte").click()
    expect(screen.locator("#avis")).to_contain_text("est bloquée : plus aucun paiement ne passe.")
    expect(screen.locator("#cartes")).to_contain_text("Bloquée (vol)")
    expect(screen.locator("#journal-dossier")).to_contain_text("Carte bloquée")
    screen.screenshot(path=f"/tmp/backoffice-dossier-{screen.size_name}.png", full_page=True)

    answer = httpx.post(f"{app_server.base_url}/api/v1/payments",
                        headers={"Authorization": f"Bearer {app_server.demo['partner_api_key']}",
                                 "Idempotency-Key": f"apres-blocage-{youth.pupil_id}"},
                        json={"card_number": number, "amount_cents": 1000, "envelope": "sport_culture"})
    assert answer.status_code in (403, 409), answer.text
    assert answer.json()["code"] == "card_blocked"


def test_a_correction_proposed_by_one_agent_is_approved_by_another(app_server, screen, chromium):
    last_name = "Roux" if screen.size_name == "telephone" else "Blanchard"
    _youth_with_card(app_server, "Léo", last_name)
    first_login, first_password = _demo_account(app_server, "Agent du Département", 0)
    sign_in(screen, app_server, "gestion", first_login, first_password)
    _open_file(screen, app_server, last_name, f"{last_name.upper()} Léo")
    screen.get_by_label("Enveloppe").select_option("soutien_scolaire")
    screen.get_by_label("Sens").select_option("credit")
    screen.get_by_label("Montant (€)").fill("12,50")
    screen.locator("#motif-correction").fill("Paiement annulé par le partenaire hors délai")
    screen.get_by_role("button", name="Proposer la correction").click()
    expect(screen.locator("#avis")).to_contain_text("un autre agent doit l'approuver")
    number = re.search(r"n°(\d+)", screen.locator("#avis").inner_text()).group(1)
    expect(screen.locator("#soldes")).to_contain_text("50,00 €")  # nothing moved yet
    screen.goto(app_server.base_url + routes.ADMIN_CORRECTIONS)
    wait_for_app(screen)
    mine = screen.locator(".correction").filter(has_text=f"Correction n°{number}")
    expect(mine).to_contain_text("un autre agent doit l'approuver")
    expect(mine.get_by_role("button", name=f"Approuver la correction n°{number}")).to_have_count(0)

    context, second = _screen(chromium, PHONE if screen.size_name == "telephone" else DESKTOP)
    try:
        login, password = _demo_account(app_server, "Agent du Département", 1)
        sign_in(second, app_server, "gestion", login, password)
        expect(second.locator("#a-traiter-corrections")).to_contain_text("correction(s) à approuver")
        second.locator("#a-traiter-corrections").click()
        expect(second.get_by_role("heading", level=1)).to_have_text("Corrections à approuver")
        wait_for_app(second)
        assert_page_healthy(second)
        second.get_by_role("button", name=f"Approuver la correction n°{number}").click()
        expect(second.locator("#avis")).to_contain_text(f"Correction n°{number} approuvée : le solde est maintenant "
                                                        "de 62,50 €.")
        second.goto(app_server.base_url + routes.ADMIN_JOURNAL)
        wait_for_app(second)
        expect(second.locator("#journal")).to_contain_text("Correction approuvée")
        assert_page_healthy(second)
        with second.expect_download() as download:
            second.locator("#export-csv").click()
        text = download.value.path().read_text(encoding="utf-8-sig")
        assert text.startswith("date;heure;auteur;rôle;action") and f"Correction n°{number}" in text
    finally:
        context.close()


def _registered_admin_pages() -> list[str]:
    """Every /admin page the app registers (a dynamic segment filled with 1)."""
    from cjeune_app.cjeune_app import app

    pages = ["/" + re.sub(r"\[[^]]+\]", "1", route) for route in app._unevaluated_pages
             if route == "admin" or route.startswith("admin/")]
    assert set(ADMIN_PAGES) <= set(pages)
    return sorted(pages)


@pytest.mark.parametrize("door,role_label,space", [("gestion", "Établissement scolaire", routes.SCHOOL),
                                                   ("partenaire", "Partenaire", routes.PARTNER_SPACE)])
def test_school_staff_and_partners_are_refused_on_every_admin_page(app_server, screen, door, role_label, space):
    login, password = _demo_account(app_server, role_label)
    sign_in(screen, app_server, door, login, password)
    for path in _registered_admin_pages():
        screen.goto(app_server.base_url + path)
        expect(screen).to_have_url(re.compile(re.escape(routes.BACK_OFFICE_REFUSED) + "$"))
        expect(screen.get_by_role("heading", name="Accès réservé aux agents du Département")).to_be_visible()
        expect(screen.locator("#lien-mon-espace")).to_have_attribute("href", space)
    screen.locator("#lien-mon-espace").click()
    expect(screen).to_have_url(re.compile(re.escape(space) + "$"))
    answer = httpx.get(app_server.base_url + routes.API_PREFIX + routes.ADMIN_JOURNAL_CSV,
                       cookies={c["name"]: c["value"] for c in screen.context.cookies()})
    assert answer.status_code in (401, 403)


def test_a_visitor_without_a_session_is_sent_to_the_back_office_sign_in(app_server, phone):
    for path in _registered_admin_pages():
        phone.goto(app_server.base_url + path)
        expect(phone).to_have_url(re.compile(re.escape(routes.BACK_OFFICE_SIGN_IN) + "$"))


def test_the_journal_pages_beyond_its_first_hundred_entries_with_the_filter_kept(app_server, phone):
    import datetime as dt

    from cjeune_app.core.audit import AuditAction, AuditTarget, record

    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    with app_db(app_server) as session:
        for n in range(130):
            record(session, None, AuditAction.ACCOUNT_UNLOCKED, target_kind=AuditTarget.CARD, target_id=n,
                   target_label=f"Dossier pagination {n:03d}", reason="Essai des pages du journal",
                   now=now + dt.timedelta(minutes=n))
    login, password = _demo_account(app_server, "Agent du Département")
    sign_in(phone, app_server, "gestion", login, password)
    phone.goto(app_server.base_url + routes.ADMIN_JOURNAL)
    wait_for_app(phone)
    phone.get_by_label("Texte (agent, dossier, motif)").fill("pagination")
    phone.get_by_role("button", name="Filtrer").click()
    expect(phone.locator("#page-journal")).to_have_text("Entrées 1 à 100")
    expect(phone.locator("#journal tbody tr").first).to_contain_text("Dossier pagination 129")
    expect(phone.locator("#page-precedente")).to_be_disabled()
    phone.locator("#page-suivante").click()
    expect(phone.locator("#page-journal")).to_have_text("Entrées 101 à 130")
    expect(phone.locator("#journal tbody tr")).to_have_count(30)  # the filter is kept: only its entries
    expect(phone.locator("#journal tbody tr").last).to_contain_text("Dossier pagination 000")
    expect(phone.locator("#page-suivante")).to_be_disabled()
    assert "texte=pagination" in phone.locator("#export-csv").get_attribute("href")
    assert_page_healthy(phone)
    phone.locator("#page-precedente").click()
    expect(phone.locator("#page-journal")).to_have_text("Entrées 1 à 100")
