""""Mon compte" and the Jeune space on the phone (390×844): a change of address with the stepper's
suggestions (refused outside the 13 without losing anything), "mes données" as a PDF, the one-click
unsubscribe of an optional e-mail, and the bons plans around the youth's position."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import re
import time
from pathlib import Path

import httpx
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

import cjeune_app.core.models  # noqa: F401  (every table, so that foreign keys resolve)
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.audit.models import AuditEntry
from cjeune_app.core.enrollment import season_end
from cjeune_app.core.enrollment.contact import set_consent
from cjeune_app.core.enrollment.models import ConsentKind, ConsentRecord, Enrollment
from cjeune_app.core.enrollment.wording import OUTSIDE_DEPARTMENT
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.models import Offer
from cjeune_app.core.partners.public import current_offers
from cjeune_app.core.search import SearchQuery, search
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.settings import reload_settings
from cjeune_app.core.wallet import api as wallet_api
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.families import PASSWORD, app_data_dir, app_db, make_youth, set_password, sign_in
from tests.support.mail import links_in, token_from


def mails_to(app_server, address: str) -> list[email.message.EmailMessage]:
    found = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
             for path in sorted((app_server.data_dir / "outbox").glob("*.eml"))]
    return [message for message in found if message["To"] == address]


def wait_for_mail(app_server, address: str, subject_start: str):
    for _ in range(100):
        found = [m for m in mails_to(app_server, address) if " ".join(m["Subject"].split()).startswith(subject_start)]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"aucun e-mail « {subject_start}… » pour {address}")


def open_my_account(phone, app_server) -> None:
    phone.locator("#lien-mon-compte").click()
    expect(phone.locator("h1")).to_have_text("Mon compte")
    wait_for_app(phone)


def test_a_parent_moves_with_the_suggested_address_and_a_refused_one_loses_nothing(app_server, phone):
    parent = "lucie.moreau@exemple.fr"
    youth = make_youth(app_server, "Inès", "Moreau", guardian_email=parent)
    set_password(app_server, parent)
    sign_in(phone, app_server, "parent", parent)
    open_my_account(phone, app_server)
    expect(phone.locator("#adresse-actuelle")).to_have_text("12 rue de la République, 13100 Aix-en-Provence")
    street, postal_code, town = (phone.get_by_label("Adresse postale *"), phone.get_by_label("Code postal *"),
                                 phone.get_by_label("Ville *"))
    expect(street).to_have_value("12 rue de la République")
    assert_page_healthy(phone)

    # An address outside the 13, picked from the suggestions: refused beside the town, nothing lost.
    street.fill("3 route de cuges")
    phone.get_by_role("button", name="3 Route de Cuges 13780 Riboux").click()
    expect(postal_code).to_have_value("13780")
    phone.get_by_label("Complément d'adresse").fill("Mas des Oliviers")
    phone.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(phone.locator("#erreur-commune_insee")).to_have_text(OUTSIDE_DEPARTMENT)
    expect(phone.get_by_text(OUTSIDE_DEPARTMENT)).to_have_count(1)
    expect(phone.locator("#champ-commune_name")).to_be_focused()
    expect(street).to_have_value("3 Route de Cuges")
    expect(phone.get_by_label("Complément d'adresse")).to_have_value("Mas des Oliviers")
    expect(phone.locator("#adresse-actuelle")).to_have_text("12 rue de la République, 13100 Aix-en-Provence")
    assert_page_healthy(phone)

    # The address API's suggestion in the 13 fills street, postal code and town: saved and shown.
    street.fill("5 cours mirabeau")
    phone.get_by_role("button", name="5 Cours Mirabeau 13100 Aix-en-Provence").click()
    expect(town).to_have_value("Aix-en-Provence")
    expect(phone.locator("#erreur-commune_insee")).to_have_count(0)
    phone.get_by_label("Complément d'adresse").fill("Bât. C")
    phone.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(phone.locator("#avis")).to_have_text("Adresse postale enregistrée.")
    expect(phone.locator("#adresse-actuelle")).to_have_text("5 Cours Mirabeau, Bât. C, 13100 Aix-en-Provence")
    expect(phone.locator("#historique-adresses li")).to_have_count(1)
    expect(phone.locator("#historique-adresses")).to_contain_text(
        "5 Cours Mirabeau, Bât. C, 13100 Aix-en-Provence (auparavant : 12 rue de la République, 13100 "
        "Aix-en-Provence)")
    assert_page_healthy(phone)
    with app_db(app_server) as session:
        enrollment = session.exec(select(Enrollment).where(Enrollment.pupil_id == youth.pupil_id)).one()
        assert (enrollment.address_line, enrollment.address_complement, enrollment.commune_insee) == (
            "5 Cours Mirabeau", "Bât. C", "13001")
        entry = session.exec(select(AuditEntry).where(AuditEntry.pupil_id == youth.pupil_id,
                                                      AuditEntry.action == "address_changed")).one()
        assert entry.actor_role == "parent"

    phone.reload()  # what is shown comes from the database
    wait_for_app(phone)
    expect(phone.locator("#adresse-actuelle")).to_have_text("5 Cours Mirabeau, Bât. C, 13100 Aix-en-Provence")


def test_my_data_downloads_as_a_pdf_that_reads_back(app_server, phone):
    parent = "hugo.garcia@exemple.fr"
    youth = make_youth(app_server, "Maëlys", "Garcia", guardian_email=parent)
    with app_db(app_server) as session:
        wallet_api.credit_season(session, youth.pupil_id, current_season(session))
    set_password(app_server, parent)
    sign_in(phone, app_server, "parent", parent)
    open_my_account(phone, app_server)
    with phone.expect_download() as download:
        phone.locator("#telecharger-donnees-pdf").click()
    assert download.value.suggested_filename == "mes-donnees-cjeune.pdf"
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert text.startswith("Mes données — CJeune de Provence Édité le ")
    assert "Maëlys Garcia" in text
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d \d{4}-\d{4} Sport & Culture Crédit de la saison \d{4}-\d{4} "
                     r"100,00 €", text), text  # a ledger line
    assert parent in text
    assert_page_healthy(phone)


def test_one_click_unsubscribe_from_the_season_end_reminder(app_server, phone, monkeypatch):
    """The e-mail read back from the outbox: its link opens a French page that asks first; the
    button withdraws the consent; the List-Unsubscribe address takes a mail client's POST."""
    monkeypatch.setenv("CJEUNE_PUBLIC_URL", app_server.base_url)
    reload_settings()
    families = {"clic": "rose.leroy@exemple.fr", "client": "marc.leroy@exemple.fr"}
    youths = {key: make_youth(app_server, "Zoé" if key == "clic" else "Théo", "Leroy", guardian_email=address)
              for key, address in families.items()}
    with app_data_dir(app_server), app_db(app_server) as session:
        season = current_season(session)
        for youth in youths.values():
            wallet_api.credit_season(session, youth.pupil_id, season)
            set_consent(session, [youth.pupil_id], ConsentKind.OPTIN_EMAIL, True)
        season_end.send_reminders(session, season, season.ends_on - dt.timedelta(days=30))
    mails = {key: wait_for_mail(app_server, address, "Il reste 150,00 € à utiliser") for key, address in families.items()}
    for mail in mails.values():
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail["List-Unsubscribe"].startswith(f"<{app_server.base_url}/desabonnement/un-clic?jeton=")

    # The link in the body: the page asks, the button withdraws.
    link = next(link for link in links_in(mails["clic"]) if "/desabonnement/" in link)
    phone.goto(link)
    wait_for_app(phone)
    expect(phone.locator("h1")).to_have_text("Se désabonner des e-mails d'information")
    expect(phone.locator("#adresse-desabonnement")).to_have_text(families["clic"])
    assert_page_healthy(phone)
    phone.get_by_role("button", name="Me désabonner").click()
    expect(phone.locator("#desabonnement-fait")).to_contain_text(
        f"C'est fait : {families['clic']} ne recevra plus les e-mails d'information")
    phone.mouse.move(0, 0)  # the link below moved up under the pointer: a phone has no hover
    assert_page_healthy(phone)

    # The mail client's one-click POST (RFC 8058), no cookie.
    one_click = mails["client"]["List-Unsubscribe"].strip("<>")
    httpx.get(one_click)  # a mail filter opening the address changes nothing
    assert optin_email_given(app_server, youths["client"].pupil_id) is True
    answer = httpx.post(one_click, content="List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200, answer.text
    assert httpx.post(one_click[:-3], content="List-Unsubscribe=One-Click").status_code == 404  # altered link

    with app_data_dir(app_server), app_db(app_server) as session:
        for key, youth in youths.items():
            ledger = session.exec(
                select(ConsentRecord).join(Enrollment, Enrollment.id == ConsentRecord.enrollment_id)
                .where(Enrollment.pupil_id == youth.pupil_id, ConsentRecord.kind == "optin_email")
                .order_by(ConsentRecord.id)).all()
            assert [record.value for record in ledger][-2:] == [True, False], key  # given, then withdrawn once
            assert ledger[-1].recorded_at is not None
        season = current_season(session)
        season_end.send_reminders(session, season, season.ends_on - dt.timedelta(days=7))
    time.sleep(0.5)
    for address in families.values():  # no further optional e-mail
        assert len([m for m in mails_to(app_server, address) if m["Subject"].startswith("Il reste")]) == 1
    assert token_from(link) != token_from(one_click)
    reload_settings()


def optin_email_given(app_server, pupil_id: int) -> bool:
    with app_db(app_server) as session:
        return session.exec(select(Enrollment.optin_email).where(Enrollment.pupil_id == pupil_id)).one()


def _youth_in(app_server, login: str, commune_insee: str) -> None:
    with app_db(app_server) as session:
        session.add(Account(role=Role.YOUTH, login=login, email=login, first_name="Sami", last_name="Jeune",
                            commune_insee=commune_insee, password_hash=hash_password(PASSWORD),
                            email_verified_at=dt.datetime.now(dt.UTC)))


def test_around_me_shows_the_nearest_bons_plans_and_falls_back_to_the_commune(app_server, phone, chromium):
    with app_db(app_server) as session:
        offers, _ = current_offers(session, limit=50)
        home = session.exec(select(Offer.commune_insee).where(Offer.id == offers[-1].id)).one()
        nearest = search(session, SearchQuery(offers_only=True, near_insee="13055", sort="distance", page_size=10))
        here = nearest.position
        expected = nearest.results[0]
    _youth_in(app_server, "sami.jeune@exemple.fr", home)
    phone.context.grant_permissions(["geolocation"], origin=app_server.base_url)
    phone.context.set_geolocation({"latitude": here[0], "longitude": here[1]})
    sign_in(phone, app_server, "jeune", "sami.jeune@exemple.fr")
    expect(phone.locator("#titre-bons-plans-commune")).to_have_text(re.compile("^Bons plans à "))
    phone.get_by_role("button", name="Autour de moi").click()
    expect(phone.locator("#titre-bons-plans-commune")).to_have_text("Bons plans autour de vous")
    first = phone.locator("#bons-plans-proches article").first
    expect(first).to_contain_text(expected.offers[0].title)
    expect(first).to_contain_text(expected.name)
    expect(first.locator(".distance")).to_have_text(
        f" · à {expected.distance_km:.1f} km".replace(".", ","))
    expect(phone.locator("#avis-position")).to_contain_text("les plus proches de votre position")
    assert_page_healthy(phone)

    # Refused: the commune's bons plans, and why.
    context = chromium.new_context(viewport=phone.viewport_size, locale="fr-FR", timezone_id="Europe/Paris",
                                   has_touch=True)
    try:
        other = context.new_page()
        other.set_default_timeout(15_000)
        sign_in(other, app_server, "jeune", "sami.jeune@exemple.fr")
        other.get_by_role("button", name="Autour de moi").click()
        expect(other.locator("#avis-position")).to_contain_text("Votre position n'est pas disponible", timeout=15_000)
        expect(other.locator("#titre-bons-plans-commune")).to_have_text(re.compile("^Bons plans à "))
        expect(other.locator("#bons-plans-proches .distance")).to_have_count(0)
    finally:
        context.close()


def test_a_jeune_changes_their_commune_among_those_of_the_13(app_server, phone):
    _youth_in(app_server, "lou.jeune@exemple.fr", "13001")
    sign_in(phone, app_server, "jeune", "lou.jeune@exemple.fr")
    phone.goto(app_server.base_url + "/mon-compte/")
    wait_for_app(phone)
    expect(phone.locator("#adresse-actuelle")).to_have_text("Aix-en-Provence")
    town = phone.get_by_label("Ville *")
    town.fill("Toulon")
    phone.get_by_role("button", name="Enregistrer la commune").click()
    expect(phone.locator("#erreur-commune_insee")).to_contain_text("réservée aux habitants des Bouches-du-Rhône")
    expect(town).to_have_value("Toulon")
    town.fill("auba")
    phone.get_by_role("list", name="Villes proposées :").get_by_role("button", name=re.compile("^Aubagne")).click()
    phone.get_by_role("button", name="Enregistrer la commune").click()
    expect(phone.locator("#adresse-actuelle")).to_have_text("Aubagne")
    expect(phone.locator("#historique-adresses")).to_contain_text("Aubagne (auparavant : Aix-en-Provence)")
    phone.mouse.move(0, 0)
    assert_page_healthy(phone)
