"""Cards on a phone (390×844): "Associer une carte" with a typo then the right number, the balances
at once on the dashboard, the lost-card declaration and a replacement carrying the balance, a
parent switching children (and never another family's), the QR scan through a fake camera, the
agents' card stock with its downloads."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect
from sqlmodel import select

from cjeune_app.core.accounts.sessions import revoke_all_sessions
from cjeune_app.core.cards import paying
from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.models import Card, CardAssociationAttempt
from cjeune_app.core.cards.numbers import format_card_number, mask_card_number
from cjeune_app.core.dates import format_date
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Envelope
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.wallet import api as wallet_api
from cjeune_app.core.wallet.errors import CardBlocked
from cjeune_app.core.wallet.models import LedgerEntry, Wallet
from tests.appserver import PROJECT_ROOT
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.families import app_db, make_youth, set_password, sign_in

SCREENS = PROJECT_ROOT / "test-artifacts" / "screens"
TYPO_MESSAGE = "Le numéro saisi n'est pas valide : vérifiez les 16 chiffres inscrits sous le QR code."


def screenshot(phone, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def masked(number: str) -> str:
    """The masked number as sentences show it (on one line)."""
    return mask_card_number(number).replace(" ", "\u00a0")


def stock_card(app_server) -> str:
    """A card of the demo stock that nobody holds yet."""
    with app_db(app_server) as session:
        return session.exec(select(Card.number).where(Card.status == "stock", Card.pupil_id.is_(None))
                            .order_by(Card.id)).first()


def with_typo(number: str) -> str:
    wrong = str((int(number[7]) + 1) % 10)
    return number[:7] + wrong + number[8:]  # one digit off: the check digit catches it


def credits_of(app_server, pupil_id: int) -> list[int]:
    with app_db(app_server) as session:
        return list(session.exec(
            select(LedgerEntry.amount_cents).join(Wallet, Wallet.id == LedgerEntry.wallet_id)
            .where(Wallet.pupil_id == pupil_id, LedgerEntry.kind == wallet_api.CREDIT)
        ).all())


def expect_balances(phone, sport_culture: str, soutien_scolaire: str) -> None:
    expect(phone.locator("#soldes .enveloppe")).to_have_text(
        [f"SPORT & CULTURE {sport_culture}", f"SOUTIEN SCOLAIRE {soutien_scolaire}"], use_inner_text=True)


def go_to_number_step(phone) -> None:
    phone.locator("#associer").click()
    expect(phone.locator("h1")).to_have_text("Associer une carte")
    expect(phone.get_by_text("ASSOCIATION DE LA CARTE")).to_be_visible()
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.get_by_label("Saisir le numéro")).to_be_visible()


def test_typo_is_refused_at_once_then_the_right_number_credits_the_season_once(app_server, phone):
    youth = make_youth(app_server, "Inès", "Garcia")
    number = stock_card(app_server)
    sign_in(phone, app_server, "collegien", youth.login)

    expect(phone.locator("#bonjour")).to_have_text("Bonjour Inès")
    expect(phone.locator("#saison")).to_have_text(re.compile(r"Saison \d{4}-\d{4} — valable jusqu'au 31/08/\d{4}"))
    expect_balances(phone, "0,00 €", "0,00 €")
    expect(phone.locator("#etat-carte")).to_have_text("État : Aucune carte associée")
    expect(phone.locator("#conseil-carte")).to_have_text(
        "Associez la carte CJeune de Provence pour créditer les 150,00 € d'avantages de la saison.")
    expect(phone.locator("#a-faire")).to_have_count(0)  # enrollment complete, photo sent: nothing else
    expect(phone.locator("#perte")).to_have_count(0)  # no activated card: nothing to declare lost
    assert_page_healthy(phone)
    screenshot(phone, "01-tableau-de-bord-avant-association")

    phone.locator("#associer").click()
    expect(phone.locator(".etape-courante")).to_have_text("1. Informations")
    assert_page_healthy(phone)
    screenshot(phone, "02-associer-informations")
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.locator(".etape-courante")).to_have_text("2. Numéro")
    assert_page_healthy(phone)
    screenshot(phone, "03-associer-numero")

    # one digit mistyped: said at once, next to the field, before "Terminer"
    phone.get_by_label("Saisir le numéro").press_sequentially(format_card_number(with_typo(number)), delay=15)
    expect(phone.locator("#erreur-numero")).to_have_text(TYPO_MESSAGE)
    expect(phone.get_by_label("Saisir le numéro")).to_have_attribute("aria-invalid", "true")
    phone.get_by_role("button", name="Terminer").click()
    expect(phone.locator("#erreur-numero")).to_have_text(TYPO_MESSAGE)
    with app_db(app_server) as session:  # nothing reached the association: no attempt counted
        assert session.exec(select(CardAssociationAttempt).where(
            CardAssociationAttempt.pupil_id == youth.pupil_id)).all() == []
    assert_page_healthy(phone)
    screenshot(phone, "03b-associer-erreur-de-frappe")

    # the right number, typed with spaces; a double tap on "Terminer" credits once
    phone.get_by_label("Saisir le numéro").fill(format_card_number(number))
    expect(phone.locator("#erreur-numero")).to_have_count(0)
    phone.get_by_role("button", name="Terminer").dblclick()

    expect(phone).to_have_url(re.compile(r"/tableau-de-bord"))
    expect(phone.locator("#avis")).to_have_text(
        f"La carte {masked(number)} est associée : 150,00 € d'avantages ont été crédités.")
    expect_balances(phone, "100,00 €", "50,00 €")
    expect(phone.locator("#etat-carte")).to_have_text("État : Active")
    expect(phone.locator("#numero-carte")).to_contain_text(f"Numéro : {mask_card_number(number)}")
    expect(phone.locator("#perte")).to_have_text("Déclarer ma carte perdue ou volée")
    expect(phone.locator("#associer")).to_have_count(0)
    today = format_date(utcnow())
    expect(phone.locator("#historique li")).to_have_count(2)
    expect(phone.locator("#historique")).to_contain_text(f"{today} · Sport & Culture")
    expect(phone.locator("#historique")).to_contain_text("+100,00 €")
    expect(phone.locator("#depenses")).to_contain_text("Sport & Culture : 0,00 € dépensés sur 100,00 €")
    assert_page_healthy(phone)
    screenshot(phone, "04-tableau-de-bord-credite")
    assert sorted(credits_of(app_server, youth.pupil_id)) == [5_000, 10_000]

    # another youth's dashboard, by changing the address: refused without a word about them
    other = make_youth(app_server, "Zoé", "Blanc", enrolled=False, photo=None)
    phone.goto(f"{app_server.base_url}/tableau-de-bord?enfant={other.pupil_id}")
    wait_for_app(phone)
    expect(phone.locator("#refus")).to_have_text("Vous n'avez pas accès à ce tableau de bord.")
    expect(phone.locator("#soldes")).to_have_count(0)
    expect(phone.locator("main")).not_to_contain_text("Zoé")


def test_lost_card_is_blocked_and_the_replacement_carries_what_is_left(app_server, phone):
    youth = make_youth(app_server, "Hugo", "Lefèvre")
    first_card = stock_card(app_server)
    with app_db(app_server) as session:
        associate_card(session, youth.account_id, youth.pupil_id, first_card, "test-premiere-carte")
    with app_db(app_server) as session:  # a 30 € payment at a partner, through core's debit
        partner = session.exec(select(Partner).order_by(Partner.id)).first()
        season = current_season(session)
        wallet = wallet_api.wallet_for(session, youth.pupil_id, season.id, Envelope.SPORT_CULTURE)
        paying.debit(session, wallet, 3_000, "test-paiement-hugo", partner_id=partner.id)
    sign_in(phone, app_server, "collegien", youth.login)

    expect_balances(phone, "70,00 €", "50,00 €")
    expect(phone.locator("#historique li").first).to_contain_text(f"Paiement — {partner.name}")
    expect(phone.locator("#historique li").first).to_contain_text("-30,00 €")
    expect(phone.locator("#depenses")).to_contain_text("Sport & Culture : 30,00 € dépensés sur 100,00 €")
    screenshot(phone, "05-tableau-de-bord-apres-paiement")

    phone.locator("#perte").click()
    expect(phone.locator("h1")).to_have_text("Déclarer ma carte perdue ou volée")
    expect(phone.locator("#carte-a-bloquer")).to_have_text(mask_card_number(first_card))
    assert_page_healthy(phone)
    screenshot(phone, "06-perte-confirmation")
    phone.get_by_label("La carte a été volée").check()
    phone.get_by_role("button", name="Bloquer la carte").click()

    expect(phone).to_have_url(re.compile(r"/tableau-de-bord"))
    expect(phone.locator("#avis")).to_contain_text(f"La carte {masked(first_card)} est déclarée volée")
    expect(phone.locator("#etat-carte")).to_have_text("État : Bloquée (déclarée volée)")
    expect(phone.locator("#perte")).to_have_count(0)
    expect(phone.locator("#associer")).to_be_visible()
    expect_balances(phone, "70,00 €", "50,00 €")
    assert_page_healthy(phone)
    screenshot(phone, "07-tableau-de-bord-carte-bloquee")
    with app_db(app_server) as session:  # blocked at once: a payment with it is refused
        wallet = wallet_api.wallet_for(session, youth.pupil_id, current_season(session).id, Envelope.SPORT_CULTURE)
        try:
            paying.debit(session, wallet, 500, "test-paiement-apres-vol", partner_id=partner.id)
            raise AssertionError("a payment passed with a stolen card")
        except CardBlocked:
            pass

    replacement = stock_card(app_server)
    go_to_number_step(phone)
    phone.get_by_label("Saisir le numéro").fill(first_card)  # the stolen card again: core's refusal
    phone.get_by_role("button", name="Terminer").click()
    expect(phone.locator("#erreur-numero")).to_have_text(
        "Cette carte a été déclarée perdue ou volée : elle est bloquée et ne peut plus être associée. "
        "Utilisez la nouvelle carte remise par l'établissement.")
    phone.get_by_label("Saisir le numéro").fill(replacement)
    phone.get_by_role("button", name="Terminer").click()

    expect(phone.locator("#avis")).to_have_text(
        f"La nouvelle carte {masked(replacement)} est associée : elle reprend le solde restant.")
    expect_balances(phone, "70,00 €", "50,00 €")
    expect(phone.locator("#etat-carte")).to_have_text("État : Active")
    expect(phone.locator("#numero-carte")).to_contain_text(f"Numéro : {mask_card_number(replacement)}")
    screenshot(phone, "08-tableau-de-bord-carte-remplacee")
    assert sorted(credits_of(app_server, youth.pupil_id)) == [5_000, 10_000]  # no new credit


def test_parent_switches_between_children_and_never_opens_another_familys(app_server, phone):
    email = "nadia.ricci@exemple.fr"
    chloe = make_youth(app_server, "Chloé", "Ricci", guardian_email=email, photo="rejected")
    malo = make_youth(app_server, "Malo", "Ricci", guardian_email=email)
    other = make_youth(app_server, "Sami", "Haddad")  # another family
    malo_card = stock_card(app_server)
    with app_db(app_server) as session:
        associate_card(session, malo.account_id, malo.pupil_id, malo_card, "test-carte-malo")
    set_password(app_server, email)  # the parent account came with the enrollments; activated here
    sign_in(phone, app_server, "parent", email)

    expect(phone.locator("#enfants li")).to_have_text(["Chloé Ricci", "Malo Ricci"])
    expect(phone.get_by_role("link", name="Chloé Ricci")).to_have_attribute("aria-current", "page")
    expect(phone.get_by_role("heading", name="Les avantages de Chloé")).to_be_visible()
    expect_balances(phone, "0,00 €", "0,00 €")
    expect(phone.locator("#a-faire")).to_contain_text(
        "La photo d'identité a été refusée. Motif : La photo est floue. Envoyez-en une nouvelle.")
    expect(phone.get_by_role("link", name="Ajouter une photo")).to_have_attribute(
        "href", f"/photo?enfant={chloe.pupil_id}")
    expect(phone.locator("#associer")).to_have_attribute("href", f"/carte/associer?enfant={chloe.pupil_id}")
    expect(phone.locator("#conseil-carte")).to_contain_text("Terminez d'abord ce qui est indiqué dans « À faire »")
    assert_page_healthy(phone)
    screenshot(phone, "09-parent-premier-enfant")

    # the association waits for the photo: said before any number is typed
    phone.locator("#associer").click()
    expect(phone.locator("#prealables")).to_contain_text("Il manque une photo d'identité (absente ou refusée)")
    expect(phone.locator("#prealables").get_by_role("link", name="Ajouter une photo")).to_have_attribute(
        "href", f"/photo?enfant={chloe.pupil_id}")
    expect(phone.get_by_label("Saisir le numéro")).to_have_count(0)
    assert_page_healthy(phone)
    screenshot(phone, "09b-parent-associer-photo-manquante")
    phone.get_by_role("link", name="Retour au tableau de bord").click()
    expect(phone.get_by_role("heading", name="Les avantages de Chloé")).to_be_visible()

    phone.get_by_role("link", name="Malo Ricci").click()
    expect(phone).to_have_url(re.compile(rf"/tableau-de-bord\?enfant={malo.pupil_id}$"))
    expect(phone.get_by_role("heading", name="Les avantages de Malo")).to_be_visible()
    expect_balances(phone, "100,00 €", "50,00 €")
    expect(phone.get_by_role("heading", name="La carte de Malo")).to_be_visible()
    expect(phone.locator("#numero-carte")).to_contain_text(f"Numéro : {mask_card_number(malo_card)}")
    expect(phone.get_by_role("link", name="Malo Ricci")).to_have_attribute("aria-current", "page")
    expect(phone.get_by_role("link", name="Photo d'identité")).to_have_attribute(  # always at hand
        "href", f"/photo?enfant={malo.pupil_id}")
    assert_page_healthy(phone)
    screenshot(phone, "10-parent-second-enfant")

    # another family's child, by changing the id in the address: nothing of theirs is shown
    phone.goto(f"{app_server.base_url}/tableau-de-bord?enfant={other.pupil_id}")
    wait_for_app(phone)
    expect(phone.locator("#refus")).to_have_text(
        "Vous n'avez pas accès à ce tableau de bord. Choisissez l'un de vos enfants ci-dessous.")
    expect(phone.locator("#soldes")).to_have_count(0)
    expect(phone.locator("main")).not_to_contain_text("Sami")
    expect(phone.locator("#enfants li")).to_have_count(2)
    assert_page_healthy(phone)
    screenshot(phone, "11-parent-enfant-d-une-autre-famille")
    for path in ("/carte/associer", "/carte/perte"):
        phone.goto(f"{app_server.base_url}{path}?enfant={other.pupil_id}")
        wait_for_app(phone)
        expect(phone.get_by_role("alert")).to_have_text("Vous n'avez pas accès à la carte de ce jeune.")
        expect(phone.get_by_label("Saisir le numéro")).to_have_count(0)
        expect(phone.get_by_role("button", name="Bloquer la carte")).to_have_count(0)
    phone.goto(f"{app_server.base_url}/tableau-de-bord?enfant=abc")
    wait_for_app(phone)
    expect(phone.locator("#refus")).to_be_visible()


def fake_camera_video(number: str, path) -> None:
    """A Y4M video (what Chromium's fake camera plays in a loop) of the card's QR code."""
    import io

    from PIL import Image

    from cjeune_app.core.cards.printing import card_qr_png

    width, height = 640, 480
    frame = Image.new("RGB", (width, height), "white")
    code = Image.open(io.BytesIO(card_qr_png(number))).convert("RGB").resize((360, 360), Image.NEAREST)
    frame.paste(code, ((width - 360) // 2, (height - 360) // 2))
    luma, blue, red = frame.convert("YCbCr").split()
    planes = luma.tobytes() + blue.resize((width // 2, height // 2)).tobytes() + red.resize(
        (width // 2, height // 2)).tobytes()
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + (b"FRAME\n" + planes) * 10)


def test_scanning_the_qr_code_with_the_camera_fills_the_number(app_server, chromium, tmp_path):
    from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE, ConsoleWatcher

    youth = make_youth(app_server, "Lina", "Moreau")
    number = stock_card(app_server)
    video = tmp_path / "carte.y4m"
    fake_camera_video(number, video)
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris", has_touch=True)
        context.grant_permissions(["camera"])
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        console = ConsoleWatcher(phone)
        sign_in(phone, app_server, "collegien", youth.login)
        go_to_number_step(phone)
        phone.get_by_role("button", name="Scanner la carte").click()
        expect(phone.locator("#etat-scan")).to_have_text(
            f"QR code lu : {format_card_number(number)}. Vérifiez le numéro, puis « Terminer ».")
        expect(phone.get_by_label("Saisir le numéro")).to_have_value(format_card_number(number))
        expect(phone.get_by_label("Image de la caméra")).to_have_count(0)  # the camera is released
        assert_page_healthy(phone)
        screenshot(phone, "12-associer-apres-scan")
        phone.get_by_role("button", name="Terminer").click()
        expect_balances(phone, "100,00 €", "50,00 €")
        assert not console.errors, console.errors
    finally:
        browser.close()


def test_agent_issues_card_stock_and_downloads_the_printer_files(app_server, phone, tmp_path):
    import csv
    import zipfile

    from cjeune_app.core.accounts.models import Account
    from cjeune_app.core.accounts.sessions import open_session
    from cjeune_app.core.cards.numbers import is_well_formed
    from tests.browser.families import AGENT_LOGIN, agent_account

    with app_db(app_server) as session:
        agent_account(session)
    school = app_server.demo["establishments"][0]
    sign_in(phone, app_server, "gestion", AGENT_LOGIN)
    phone.get_by_role("link", name="Cartes : stock pour les établissements").click()
    expect(phone.locator("h1")).to_have_text("Cartes : stock des établissements")
    assert_page_healthy(phone)

    # The collège is chosen in the list of establishments with their stock, never typed.
    stock_row = phone.locator("#stock tr").filter(has_text=school["uai"])
    left_before = int(stock_row.locator("td").nth(5).inner_text())
    choice = phone.locator("#champ-establishment option").filter(has_text=school["uai"]).get_attribute("value")
    phone.get_by_label("Établissement", exact=True).select_option(choice)
    phone.get_by_label("Nombre de cartes").fill("5")
    phone.get_by_role("button", name="Créer le lot de cartes").click()
    expect(phone.locator("#avis")).to_have_text(re.compile(
        rf"Lot n° (\d+) créé : 5 cartes pour {school['name']} \({school['uai']}\)\."))
    batch_id = re.search(r"Lot n° (\d+)", phone.locator("#avis").inner_text()).group(1)
    expect(stock_row.locator("td").nth(5)).to_have_text(str(left_before + 5))
    assert_page_healthy(phone)
    screenshot(phone, "13-admin-cartes")

    with phone.expect_download() as download:
        phone.get_by_role("link", name=f"Fichier de l'imprimeur (CSV) du lot {batch_id}").click()
    rows = list(csv.reader(download.value.path().read_text(encoding="utf-8").splitlines(), delimiter=";"))
    assert rows[0] == ["numéro", "numéro formaté", "UAI", "établissement", "contenu du QR"]
    numbers = [row[0] for row in rows[1:]]
    assert len(numbers) == 5 and all(is_well_formed(n) for n in numbers)
    assert all(row[2] == school["uai"] and row[4] == row[0] for row in rows[1:])
    with app_db(app_server) as session:
        in_batch = session.exec(select(Card.number).where(Card.batch_id == int(batch_id))).all()
    assert sorted(in_batch) == sorted(numbers)

    with phone.expect_download() as download:
        phone.get_by_role("link", name=f"QR codes (ZIP) du lot {batch_id}").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
        assert sorted(n for n in names if n.startswith("qr/")) == sorted(f"qr/{n}.png" for n in numbers)
        assert all(archive.read(f"qr/{n}.png").startswith(b"\x89PNG") for n in numbers)

    url = f"{app_server.base_url}/api/v1/admin/lots-cartes/{batch_id}/imprimeur.csv"
    anonymous = httpx.get(url)
    assert anonymous.status_code == 401 and "agent" in anonymous.json()["message"]
    youth = make_youth(app_server, "Nora", "Petit", enrolled=False, photo=None)
    with app_db(app_server) as session:  # a signed-in youth is not an agent
        token = open_session(session, session.get(Account, youth.account_id), remember=False)
    assert httpx.get(url, cookies={"cjeune_session_tab": token}).status_code == 403


def test_a_session_ended_elsewhere_associates_nothing_and_says_so(app_server, phone):
    """"Terminer" sends the page's session with the number: signed out meanwhile (every session closed,
    as a password change does), the association is refused in its own transaction, nothing is
    credited, and the page says why instead of failing silently."""
    youth = make_youth(app_server, "Lina", "Benali")
    number = stock_card(app_server)
    sign_in(phone, app_server, "collegien", youth.login)
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Lina")
    phone.locator("#associer").click()
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Saisir le numéro").fill(format_card_number(number))
    expect(phone.locator("#erreur-numero")).to_have_count(0)

    with app_db(app_server) as session:
        assert revoke_all_sessions(session, youth.account_id) == 1
        session.commit()
    phone.get_by_role("button", name="Terminer").click()

    expect(phone.locator("#erreur-numero")).to_have_text(
        "Votre session a expiré : reconnectez-vous, puis recommencez.")
    expect(phone).to_have_url(re.compile(r"/carte/associer"))
    assert credits_of(app_server, youth.pupil_id) == []
    with app_db(app_server) as session:
        assert session.exec(select(Card.pupil_id).where(Card.number == number)).one() is None
    assert_page_healthy(phone)
    screenshot(phone, "03c-associer-session-terminee")
