"""The partner space on a phone: take a payment by typing the card number, the youth's dashboard shows
it, cancel it, the youth's balance is back; statements, both envelopes, bons plans and API keys."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.dashboard.history import history_of_season
from cjeune_app.core.db import engine_for, session_scope, utcnow
from cjeune_app.core.formats import paris_today
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import api as wallet
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.chromium import PHONE, ConsoleWatcher
from tests.browser.test_partner_sign_up import sign_in
from tests.support.partner_world import build_partner_world

PASSWORD = "Tatami2026"
YOUTH_LOGIN = "beneficiairejudo@eduprovence.fr"


@contextmanager
def second_phone(chromium):
    """Another phone (the youth's), failing on console errors like `phone`."""
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watcher = ConsoleWatcher(page)
    yield page
    context.close()
    assert not watcher.errors, f"erreurs dans la console du navigateur : {watcher.errors}"


def expect_youth_board(page, sport_culture: str, line: str, amount: str) -> None:
    expect(page.locator("#soldes .enveloppe")).to_have_text(
        [f"SPORT & CULTURE {sport_culture}", "SOUTIEN SCOLAIRE 50,00 €"], use_inner_text=True)
    latest = page.locator("#historique li").first
    expect(latest).to_contain_text(line)
    expect(latest).to_contain_text(amount)


@pytest.fixture(scope="module")
def shop(app_server):
    """A validated sport partner with a signed-up account, and youths with associated cards, in the
    running app's database."""
    patch = pytest.MonkeyPatch()
    patch.setenv("REFLEX_DB_URL", app_server.db_url)
    with Session(engine_for(app_server.db_url), expire_on_commit=False) as session:
        world = build_partner_world(session)
    with session_scope() as s:
        youth = s.exec(select(Account).where(Account.pupil_id == world.pupil_id)).one()
        youth.login, youth.password_hash, youth.must_change_password = YOUTH_LOGIN, hash_password(PASSWORD), False
        youth.first_name = "Test"
        for partner_id, login in ((world.sport, "caisse@judo-aix.fr"), (world.both, "accueil@mjc-aix.fr")):
            s.add(Account(role="partenaire", login=login, email=login, password_hash=hash_password(PASSWORD),
                          partner_id=partner_id, email_verified_at=utcnow()))
    yield world
    patch.undo()


def youth_history(world):
    with session_scope(read_only=True) as s:
        season = s.get(Season, world.season_id)
        return (wallet.balances(s, world.pupil_id, world.season_id),
                [(line.label, line.amount_cents) for line in history_of_season(s, world.pupil_id, season)])


def open_space(phone, app_server, login: str) -> None:
    sign_in(phone, app_server, "partenaire", login, PASSWORD)
    phone.get_by_role("button", name="Non").click()
    phone.locator("#lien-espace-partenaire").click()
    expect(phone.locator("h1")).to_have_text("Espace partenaire")


def test_a_partner_takes_a_payment_then_cancels_it(app_server, phone, shop, chromium):
    open_space(phone, app_server, "caisse@judo-aix.fr")
    assert_page_healthy(phone)
    phone.get_by_role("link", name=re.compile("^Encaisser")).first.click()
    expect(phone.locator("h1")).to_have_text("Encaisser")
    spaced = " ".join(shop.card[i:i + 4] for i in range(0, 16, 4))
    card_field = phone.get_by_label("Numéro de la carte (16 chiffres sous le QR code)")
    amount_field = phone.get_by_label("Montant (en euros)")

    card_field.fill(spaced)
    amount_field.fill("150,00")
    phone.get_by_role("button", name="Vérifier").click()
    expect(phone.get_by_role("alert")).to_contain_text("Le solde de l'enveloppe Sport & Culture de cette carte ne permet pas ce paiement")
    expect(phone.get_by_role("alert")).not_to_contain_text("100,00")

    amount_field.fill("12,50")  # French decimal comma
    phone.get_by_role("button", name="Vérifier").click()
    expect(phone.locator("#confirmation-prenom")).to_have_text("Test")
    expect(phone.locator("#confirmation-enveloppe")).to_have_text("Sport & Culture")
    expect(phone.locator("#confirmation-montant")).to_have_text("12,50 €")
    assert_page_healthy(phone)
    assert youth_history(shop)[0]["sport_culture"] == 10_000  # nothing taken before confirming
    phone.get_by_role("button", name="Confirmer l'encaissement").click()

    expect(phone.locator("#paiement-accepte")).to_have_text("Paiement accepté")
    number = phone.locator("#recu-numero").inner_text()
    assert re.fullmatch(r"CJP-\d{8}", number)
    expect(phone.locator("#recu-montant")).to_have_text("12,50 €")
    expect(phone.locator("#recu-partenaire")).to_have_text("Judo Club d'Aix")
    expect(phone.locator("#recu-prenom")).to_have_text("Test")
    expect(phone.get_by_role("status")).not_to_contain_text("87,50")  # the balance left is not shown
    assert_page_healthy(phone)
    receipt_date = phone.locator("#recu-date").inner_text()

    phone.get_by_role("button", name="Nouvel encaissement").click()  # the next child: an empty form
    expect(card_field).to_have_value("")
    expect(amount_field).to_have_value("")
    expect(phone.get_by_role("button", name="Vérifier")).to_be_visible()

    # The youth sees it on the dashboard, with the partner's name
    with second_phone(chromium) as youth:
        sign_in(youth, app_server, "collegien", YOUTH_LOGIN, PASSWORD)
        youth.get_by_role("button", name="Non").click()
        expect(youth.locator("#bonjour")).to_have_text("Bonjour Test")
        expect_youth_board(youth, "87,50 €", "Paiement — Judo Club d'Aix", "-12,50 €")
    assert youth_history(shop)[1][0] == ("Paiement — Judo Club d'Aix", -1_250)

    phone.get_by_role("link", name="Paiements", exact=True).click()
    expect(phone.locator("h1")).to_have_text("Paiements")
    row = phone.locator(".paiement", has_text=number)
    expect(row).to_contain_text("12,50 €")
    expect(row).to_contain_text("Accepté")
    expect(row).to_contain_text(receipt_date)  # the same minute as on the receipt
    assert_page_healthy(phone)
    row.get_by_role("button", name=f"Annuler le paiement {number}").click()
    row.get_by_role("button", name=f"Confirmer l'annulation de {number}").click()
    expect(phone.locator("#avis")).to_contain_text("la carte du bénéficiaire est re-créditée de la somme correspondante")
    expect(row).to_contain_text("Annulé")
    expect(row.get_by_role("button", name=f"Annuler le paiement {number}")).to_have_count(0)

    with second_phone(chromium) as youth:  # the youth's balance is back
        sign_in(youth, app_server, "collegien", YOUTH_LOGIN, PASSWORD)
        youth.get_by_role("button", name="Non").click()
        expect_youth_board(youth, "100,00 €", "Remboursement — Judo Club d'Aix", "+12,50 €")
        assert_page_healthy(youth)
    balances, lines = youth_history(shop)
    assert balances["sport_culture"] == 10_000
    assert lines[:2] == [("Remboursement — Judo Club d'Aix", 1_250), ("Paiement — Judo Club d'Aix", -1_250)]

    phone.get_by_role("link", name="Relevés mensuels", exact=True).click()
    expect(phone.locator("h1")).to_have_text("Relevés mensuels")
    month = phone.locator(".mois").first
    expect(month).to_contain_text("1 paiement(s) : 12,50 €")
    expect(month).to_contain_text("1 annulation(s) : 12,50 €")
    assert_page_healthy(phone)
    with phone.expect_download() as download:
        month.get_by_role("button", name=re.compile("^Télécharger le relevé CSV")).click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.count(number) == 2 and "Paiement" in content and "Annulation" in content
    with phone.expect_download() as download:
        month.get_by_role("button", name=re.compile("^Télécharger le relevé PDF")).click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")


def test_a_partner_in_both_envelopes_chooses_one(app_server, phone, shop):
    open_space(phone, app_server, "accueil@mjc-aix.fr")
    phone.goto(app_server.base_url + "/espace-partenaire/encaisser")
    wait_for_app(phone)
    phone.get_by_label("Numéro de la carte (16 chiffres sous le QR code)").fill(shop.second_card)
    phone.get_by_label("Montant (en euros)").fill("20")
    phone.get_by_label("Soutien scolaire").check()
    phone.get_by_role("button", name="Vérifier").click()
    expect(phone.locator("#confirmation-enveloppe")).to_have_text("Soutien scolaire")
    phone.get_by_role("button", name="Confirmer l'encaissement").click()
    expect(phone.locator("#recu-enveloppe")).to_have_text("Soutien scolaire")
    with session_scope(read_only=True) as s:
        assert wallet.balances(s, shop.second_pupil_id, shop.season_id)["soutien_scolaire"] == 3_000


def test_bons_plans_and_api_keys(app_server, phone, shop):
    open_space(phone, app_server, "caisse@judo-aix.fr")
    phone.goto(app_server.base_url + "/espace-partenaire/bons-plans")
    wait_for_app(phone)
    phone.get_by_role("button", name="Nouveau bon plan").click()
    phone.get_by_label("Titre").fill("Stage de judo de Noël")
    phone.get_by_label("Réduction (par exemple « -20 % »)").fill("-20 %")
    phone.get_by_label("Catégorie").select_option("sport")
    phone.get_by_label("Date d'expiration (dernier jour)").fill("2020-01-01")
    phone.get_by_role("button", name="Publier le bon plan").click()
    expect(phone.locator("#erreur-expires_on")).to_contain_text("date d'expiration")
    expect(phone.get_by_label("Titre")).to_have_value("Stage de judo de Noël")  # nothing lost
    assert_page_healthy(phone)
    last_day = paris_today() + dt.timedelta(days=60)
    phone.get_by_label("Date d'expiration (dernier jour)").fill(last_day.isoformat())
    phone.get_by_role("button", name="Publier le bon plan").click()
    expect(phone.locator("#avis")).to_contain_text("« Stage de judo de Noël » est publié")
    offer = phone.locator(".bon-plan", has_text="Stage de judo de Noël")
    expect(offer).to_contain_text("en cours")
    expect(offer).to_contain_text(f"au {last_day.strftime('%d/%m/%Y')}")
    offer.get_by_role("button", name="Modifier Stage de judo de Noël").click()
    phone.get_by_label("Titre").fill("Stage de judo des vacances de Noël")
    phone.get_by_role("button", name="Enregistrer", exact=True).click()
    offer = phone.locator(".bon-plan", has_text="Stage de judo des vacances de Noël")
    offer.get_by_role("button", name="Dépublier Stage de judo des vacances de Noël").click()
    expect(offer).to_contain_text("dépublié")
    assert_page_healthy(phone)

    phone.goto(app_server.base_url + "/espace-partenaire/cles-api")
    wait_for_app(phone)
    phone.get_by_label(re.compile("^Nom de la clé")).fill("Caisse de l'accueil")
    phone.get_by_role("button", name="Créer une clé").click()
    secret = phone.locator("#cle-secrete").inner_text()
    assert secret.startswith("cjp_")
    assert_page_healthy(phone)
    import httpx

    answer = httpx.get(f"{app_server.base_url}/api/v1/offers", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and answer.json()[0]["title"] == "Stage de judo des vacances de Noël"
    phone.get_by_role("button", name="J'ai copié la clé").click()
    expect(phone.locator("#cle-secrete")).to_have_count(0)
    phone.reload()
    wait_for_app(phone)
    expect(phone.locator(".cle-api", has_text="Caisse de l'accueil")).to_be_visible()
    expect(phone.get_by_text(secret)).to_have_count(0)  # never shown again
    phone.get_by_role("button", name="Révoquer la clé Caisse de l'accueil").click()
    expect(phone.locator("#avis")).to_contain_text("est révoquée")
    assert httpx.get(f"{app_server.base_url}/api/v1/offers",
                     headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_the_partner_space_is_for_signed_in_partners_only(app_server, phone):
    for path in ("/espace-partenaire", "/espace-partenaire/encaisser", "/espace-partenaire/paiements"):
        phone.goto(app_server.base_url + path)
        expect(phone).to_have_url(re.compile(r"/connexion/partenaire$"))
    import httpx

    answer = httpx.get(f"{app_server.base_url}/espace-partenaire/releves/2026-11.csv")
    assert answer.status_code == 401 and "Connectez-vous" in answer.json()["message"]


def test_the_card_is_scanned_with_the_phone_camera(app_server, chromium, shop, tmp_path):
    from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
    from tests.browser.test_cards import fake_camera_video

    video = tmp_path / "carte.y4m"
    fake_camera_video(shop.second_card, video)
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris", has_touch=True)
        context.grant_permissions(["camera"])
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        console = ConsoleWatcher(phone)
        open_space(phone, app_server, "caisse@judo-aix.fr")
        phone.goto(app_server.base_url + "/espace-partenaire/encaisser")
        wait_for_app(phone)
        phone.get_by_role("button", name="Scanner le QR code de la carte").click()
        expect(phone.get_by_label("Numéro de la carte (16 chiffres sous le QR code)")).to_have_value(shop.second_card)
        expect(phone.get_by_label("Image de la caméra")).to_have_count(0)  # the camera is released
        phone.get_by_label("Montant (en euros)").fill("5")
        phone.get_by_role("button", name="Vérifier").click()
        expect(phone.locator("#confirmation-prenom")).to_have_text("Test")
        expect(phone.locator("#confirmation-montant")).to_have_text("5,00 €")
        assert not console.errors, console.errors
    finally:
        browser.close()
