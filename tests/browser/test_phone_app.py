"""The family's app on the phone (390×844): installable, a French 404, the card in the pocket with
its QR code, and what it still shows with no network."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import re
import time
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlmodel import select

import cjeune_app.core.models  # noqa: F401  (every table, so that foreign keys resolve)
from cjeune_app.core.accounts.models import Account, DeletionRequest
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import mask_card_number
from cjeune_app.core.enrollment.models import ConsentRecord, Enrollment
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.models import Offer
from cjeune_app.core.partners.public import current_offers
from cjeune_app.core.photos.api import current_photo, validate_photo
from cjeune_app.ui.components.app_shell import CONNECTION_LOST
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE, ConsoleWatcher
from tests.browser.families import (
    AGENT_LOGIN,
    PASSWORD,
    agent_account,
    app_data_dir,
    app_db,
    make_youth,
    set_password,
    sign_in,
)
from tests.support.mail import links_in


def youth_with_card(app_server, first_name: str, last_name: str):
    youth = make_youth(app_server, first_name, last_name)
    with app_data_dir(app_server), app_db(app_server) as session:
        validate_photo(session, current_photo(session, youth.pupil_id).id, agent_account(session).id)
        number = session.exec(select(Card.number).where(Card.status == "stock", Card.pupil_id.is_(None))
                              .order_by(Card.id)).first()
        associate_card(session, youth.account_id, youth.pupil_id, number, f"test-poche-{youth.pupil_id}")
    return youth, number


@pytest.fixture
def own_profile_phone(chromium, tmp_path):
    """A phone with a real profile: Chromium never offers to install from an incognito context
    (what Playwright's new_context is), so installability is asked of a persistent one."""
    context = chromium.browser_type.launch_persistent_context(
        str(tmp_path / "profil"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE, locale="fr-FR",
        timezone_id="Europe/Paris", has_touch=True)
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(15_000)
    watcher = ConsoleWatcher(page)
    yield page
    context.close()
    assert not watcher.errors, f"erreurs dans la console du navigateur : {watcher.errors}"


def test_manifest_and_worker_are_served_and_chromium_finds_the_app_installable(app_server, own_profile_phone):
    phone = own_profile_phone
    manifest = httpx.get(app_server.base_url + "/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert (body["name"], body["short_name"], body["display"]) == ("CJeune de Provence", "CJeune", "standalone")
    assert body["start_url"] == "/tableau-de-bord/"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in body["icons"]}
    assert any(icon["purpose"] == "maskable" for icon in body["icons"])
    for icon in body["icons"]:
        assert httpx.get(app_server.base_url + icon["src"]).status_code == 200
    worker = httpx.get(app_server.base_url + "/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.headers["content-type"]

    phone.goto(app_server.base_url + "/")
    wait_for_app(phone)
    phone.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    cdp = phone.context.new_cdp_session(phone)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], json.dumps(errors, ensure_ascii=False)
    manifest_seen = cdp.send("Page.getAppManifest")
    assert not manifest_seen["errors"], manifest_seen["errors"]

    # Chromium offers the install (beforeinstallprompt): the button shows.
    button = phone.locator("#installer-app-accueil")
    expect(button).to_be_visible()
    expect(button).to_have_text("Installer l'application")


def test_install_button_stays_hidden_when_chromium_offers_nothing(app_server, phone):
    phone.goto(app_server.base_url + "/")  # an incognito context: never installable
    wait_for_app(phone)
    expect(phone.locator("#installer-app-accueil")).to_be_hidden()


def test_the_worker_never_keeps_private_answers(app_server, phone):
    phone.goto(app_server.base_url + "/")
    wait_for_app(phone)
    phone.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    phone.goto(app_server.base_url + "/partenaires/")
    wait_for_app(phone)
    kept = phone.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
        }
        return urls;
    }""")
    assert "/tableau-de-bord/" in kept and "/manifest.webmanifest" in kept
    assert not [url for url in kept if url.startswith(("/api/", "/_event", "/_upload"))], kept


def test_unknown_address_shows_the_french_404_in_the_sites_frame(app_server, phone):
    phone.goto(app_server.base_url + "/cette-page-n-existe-pas")
    wait_for_app(phone)
    expect(phone.locator("h1")).to_have_text("Page introuvable")
    links = phone.locator("#liens-retour")
    expect(links.get_by_role("link", name="Accueil")).to_be_visible()
    expect(links.get_by_role("link", name="Trouver un partenaire")).to_be_visible()
    expect(phone.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    phone.console.errors.clear()  # the 404 status of the page itself is what is expected
    assert_page_healthy(phone)


def test_my_card_shows_the_card_and_a_qr_code_that_reads_back_the_number(app_server, phone):
    youth, number = youth_with_card(app_server, "Inès", "Garnier")
    sign_in(phone, app_server, "collegien", youth.login)

    card = phone.locator("#ma-carte")
    expect(card).to_be_visible()
    expect(phone.locator("#carte-prenom")).to_have_text("Inès")
    expect(phone.locator("#carte-masquee")).to_have_text(mask_card_number(number))
    expect(card.get_by_role("img", name="Photo d'identité")).to_be_visible()
    expect(phone.locator("#qr-carte")).to_be_hidden()

    phone.locator("#afficher-qr").click()
    qr = phone.locator("#qr-carte")
    expect(qr).to_be_visible()
    expect(phone.locator("#numero-complet")).to_have_text(re.sub(r"(\d{4})(?=\d)", r"\1 ", number))
    qr.scroll_into_view_if_needed()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert [code.text for code in decoded] == [number]
    assert_page_healthy(phone)


def test_offline_dashboard_shows_the_last_balances_card_and_history_dated(app_server, phone):
    youth, number = youth_with_card(app_server, "Lucas", "Moreau")
    sign_in(phone, app_server, "collegien", youth.login)
    expect(phone.locator("#soldes .enveloppe")).to_have_count(2)
    phone.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    phone.reload()  # now under the worker's control, so that the shell is kept
    wait_for_app(phone)
    expect(phone.locator("#ma-carte")).to_be_visible()
    phone.wait_for_function("() => (localStorage.getItem('cjeune_tableau_hors_ligne') || '').includes('Lucas')")

    phone.context.set_offline(True)
    phone.reload()
    offline = phone.locator("#instantane-hors-ligne")
    expect(offline.get_by_role("heading", name="Hors ligne")).to_be_visible()
    expect(offline.locator("#date-instantane")).to_have_text(
        re.compile(r"^Dernières informations reçues : soldes au \d\d/\d\d à \d\d h \d\d\.$"))
    expect(offline).to_contain_text("SPORT & CULTURE")
    expect(offline).to_contain_text("100,00 €")
    expect(offline).to_contain_text(mask_card_number(number))
    expect(offline).to_contain_text("Historique")
    expect(offline.locator("#actions-indisponibles")).to_contain_text("Sans réseau, associer une carte")
    expect(phone.locator("#hors-ligne")).to_be_visible()
    assert offline.locator("a[href]").count() == 0  # actions needing the server are disabled
    phone.console.errors.clear()  # the failed connections while offline are expected

    phone.context.set_offline(False)  # back online: the page refreshes by itself
    expect(phone.locator("#instantane-hors-ligne")).to_have_count(0, timeout=20_000)
    expect(phone.locator("main #soldes .enveloppe")).to_have_count(2)
    phone.console.errors.clear()


def test_sign_out_forgets_the_offline_copy(app_server, phone):
    youth, _ = youth_with_card(app_server, "Léa", "Roux")
    sign_in(phone, app_server, "collegien", youth.login)
    phone.wait_for_function("() => (localStorage.getItem('cjeune_tableau_hors_ligne') || '').includes('Léa')")
    phone.locator("#se-deconnecter").click()
    phone.wait_for_function("() => localStorage.getItem('cjeune_tableau_hors_ligne') === null")


def app_mail_to(app_server, address: str) -> list:
    found = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in sorted((app_server.data_dir / "outbox").glob("*.eml"))]
    return [m for m in found if m["To"] == address]


def wait_for_mail(app_server, address: str, subject: str):
    for _ in range(100):
        mails = [m for m in app_mail_to(app_server, address) if m["Subject"] == subject]
        if mails:
            return mails[-1]
        time.sleep(0.1)
    raise AssertionError(f"aucun e-mail « {subject} » pour {address}")


def test_a_parent_changes_the_email_through_the_link_withdraws_a_consent_and_downloads_the_data(
        app_server, phone):
    old, new = "sarah.petit@exemple.fr", "sarah.nouvelle@exemple.fr"
    youth = make_youth(app_server, "Noé", "Petit", guardian_email=old)
    set_password(app_server, old)
    sign_in(phone, app_server, "parent", old)
    phone.locator("#lien-mon-compte").click()
    expect(phone.locator("h1")).to_have_text("Mon compte")
    wait_for_app(phone)
    expect(phone.locator("#email-actuel")).to_have_text(old)
    assert_page_healthy(phone)

    # Consents: given, then withdrawn; each choice appended to the ledger.
    box = phone.get_by_role("checkbox", name=re.compile("j'accepte que mon adresse"))
    expect(box).not_to_be_checked()
    box.click()
    expect(phone.locator("#avis")).to_have_text("Votre choix pour les e-mails d'information est enregistré.")
    expect(box).to_be_checked()
    box.click()
    expect(box).not_to_be_checked()
    with app_db(app_server) as session:
        ledger = session.exec(
            select(ConsentRecord.value).join(Enrollment, Enrollment.id == ConsentRecord.enrollment_id)
            .where(Enrollment.pupil_id == youth.pupil_id, ConsentRecord.kind == "optin_email")
            .order_by(ConsentRecord.id)).all()
    assert ledger[-2:] == [True, False]

    # "Mes données" downloads.
    with phone.expect_download() as download:
        phone.locator("#telecharger-donnees").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["compte"]["email"] == old
    assert [y["prenom"] for y in data["jeunes"]] == ["Noé"]
    assert [c["value"] for c in data["consentements"] if c["kind"] == "optin_email"][-2:] == [True, False]

    # The new address takes over only through the link sent to it.
    phone.get_by_label("Nouvelle adresse e-mail").fill(new)
    phone.get_by_role("button", name="Changer d'adresse").click()
    expect(phone.locator("#avis")).to_contain_text(f"Un lien de confirmation a été envoyé à {new}")
    expect(phone.locator("#email-actuel")).to_have_text(old)
    expect(phone.locator("#email-en-attente")).to_contain_text(new)
    mail = wait_for_mail(app_server, new, "Confirmez votre nouvelle adresse e-mail — CJeune de Provence")
    link = next(link for link in links_in(mail) if "jeton=" in link)
    phone.goto(link)
    wait_for_app(phone)
    expect(phone.locator("#confirmation")).to_have_text(
        f"C'est fait : l'adresse e-mail de votre compte est désormais {new}.")
    with app_db(app_server) as session:
        account = session.exec(select(Account).where(Account.id == session.exec(
            select(Account.id).where(Account.login == new)).one())).one()
        assert account.email == new
    wait_for_mail(app_server, old, "L'adresse e-mail de votre compte a changé — CJeune de Provence")


def test_a_youth_asks_for_the_deletion_and_it_is_recorded(app_server, phone):
    youth = make_youth(app_server, "Maël", "Blanc")
    sign_in(phone, app_server, "collegien", youth.login)
    phone.goto(app_server.base_url + "/mon-compte/")
    wait_for_app(phone)
    phone.locator("#demander-suppression").click()
    expect(phone.locator("#suppression-demandee")).to_contain_text("Demande de suppression enregistrée le")
    with app_db(app_server) as session:
        assert session.exec(select(DeletionRequest).where(DeletionRequest.account_id == youth.account_id)).one()
        agent_account(session)

    phone.locator("#contenu").page.context.clear_cookies()  # an agent now, on the same phone
    sign_in(phone, app_server, "gestion", AGENT_LOGIN)
    phone.get_by_role("link", name="Demandes de suppression de compte").click()
    expect(phone.locator("h1")).to_have_text("Demandes de suppression de compte")
    expect(phone.locator("#demandes-suppression")).to_contain_text(youth.login)
    assert_page_healthy(phone)


def test_a_jeune_sees_the_bons_plans_of_their_commune_and_those_ending_soon(app_server, phone):
    with app_db(app_server) as session:
        offers, _ = current_offers(session, limit=50)
        nearby = offers[0]
        commune = session.exec(select(Offer.commune_insee).where(Offer.id == nearby.id)).one()
        session.add(Account(role=Role.YOUTH, login="tom.jeune@exemple.fr", email="tom.jeune@exemple.fr",
                            first_name="Tom", last_name="Jeune", commune_insee=commune,
                            password_hash=hash_password(PASSWORD), email_verified_at=dt.datetime.now(dt.UTC)))
    sign_in(phone, app_server, "jeune", "tom.jeune@exemple.fr")
    expect(phone.locator("#titre-bons-plans-commune")).to_have_text(f"Bons plans à {nearby.commune_name}")
    expect(phone.locator("#bons-plans-proches")).to_contain_text(nearby.title)
    expect(phone.locator("#bons-plans-bientot-finis article")).to_have_count(min(5, len(offers)))
    expect(phone.locator("#bons-plans-bientot-finis article").first).to_contain_text(offers[0].title)
    assert_page_healthy(phone)


def test_a_refused_photo_mails_the_family_the_reason_and_the_link_to_send_another(app_server, phone):
    parent = "ophelie.bonnet@exemple.fr"
    youth = make_youth(app_server, "Jade", "Bonnet", guardian_email=parent)  # a photo waiting for review
    with app_db(app_server) as session:
        agent_account(session)
    sign_in(phone, app_server, "gestion", AGENT_LOGIN)
    phone.goto(app_server.base_url + "/admin/photos")
    wait_for_app(phone)
    card = phone.locator(".photo-a-verifier").filter(has_text="Jade Bonnet")
    card.get_by_label("Motif du refus").select_option("La photo est floue.")
    card.get_by_role("button", name="Refuser la photo de Jade Bonnet").click()
    expect(phone.locator("#avis")).to_contain_text("Photo refusée")

    mail = wait_for_mail(app_server, parent, "La photo d'identité de Jade a été refusée")
    assert "Motif du refus : La photo est floue." in mail.get_body(preferencelist=("plain",)).get_content()
    link = next(link for link in links_in(mail) if f"/photo?enfant={youth.pupil_id}" in link)

    # The agent's queue also shows photos left by earlier tests on this shared server, some of whose
    # files are gone (404): the agent's console is not what this test is about.
    phone.console.errors.clear()
    phone.context.clear_cookies()  # the parent now, following the e-mail's link
    set_password(app_server, parent)
    sign_in(phone, app_server, "parent", parent)
    phone.goto(link)
    wait_for_app(phone)
    expect(phone.locator("#etat-photo")).to_have_text("Photo refusée")
    expect(phone.locator("#motif-photo")).to_have_text("Motif du refus : La photo est floue.")
    assert_page_healthy(phone)


def test_a_server_restart_says_connexion_perdue_in_french_and_the_page_reconnects_by_itself(app_server, phone):
    parent = "gael.fournier@exemple.fr"
    make_youth(app_server, "Rose", "Fournier", guardian_email=parent)
    set_password(app_server, parent)
    sign_in(phone, app_server, "parent", parent)
    expect(phone.locator("#bonjour")).to_be_visible()

    app_server.stop()  # the server restarts (a new version, a crash) while the tab stays open
    try:
        banner = phone.locator("#connexion-perdue")
        expect(banner).to_have_text(CONNECTION_LOST, timeout=30_000)
        page_text = phone.locator("body").inner_text()
        assert "websocket" not in page_text.lower() and "Cannot connect" not in page_text, page_text
        expect(phone.locator("#bonjour")).to_be_visible()  # what was shown stays readable
    finally:
        app_server.start()

    expect(phone.locator("#connexion-perdue")).to_have_count(0, timeout=60_000)  # reconnected by itself
    # The restarted server built its pages again (new file names): the tab compares its build with the
    # server's once reconnected, and the next link followed loads the new version's page.
    phone.wait_for_timeout(2_000)  # a person reads the page before tapping
    phone.locator("#lien-mon-compte").click()
    expect(phone.locator("h1")).to_have_text("Mon compte", timeout=30_000)
    expect(phone.locator("#email-actuel")).to_have_text(parent, timeout=30_000)  # events reach the server
    phone.console.errors.clear()  # the refused connections and the old build's missing files are expected
    assert_page_healthy(phone)


def test_a_tab_left_open_across_a_new_version_reloads_itself_instead_of_a_blank_map(app_server, chromium):
    # No worker here: the files asked for must reach the network, where the new version lacks them.
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris",
                                   has_touch=True, service_workers="block")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(app_server.base_url + "/partenaires/")
        wait_for_app(page)
        page.evaluate("() => { window.ongletAncien = true; }")  # gone once the page reloads
        refused: list[str] = []
        reloaded: list[bool] = []
        page.on("load", lambda _: reloaded.append(True))

        def old_build_file_gone(route):
            if reloaded:  # the reloaded page is of the new version: its files are there
                route.continue_()
                return
            refused.append(route.request.url)
            route.fulfill(status=404, body="")

        page.route(re.compile(r"/assets/partner_map-[^/]+\.js$"), old_build_file_gone)
        page.get_by_role("radio", name="Carte").click()  # the map is loaded only when asked for
        page.wait_for_function("() => window.ongletAncien === undefined", timeout=30_000)
        assert refused, "the map's file was never asked for"
        wait_for_app(page)
        expect(page.locator(".leaflet-container")).to_be_visible(timeout=30_000)
    finally:
        context.close()
