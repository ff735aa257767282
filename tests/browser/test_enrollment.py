"""The enrollment stepper on a phone (390×844): a first enrollment from the pupil's first sign-in
to "C'EST PARFAIT !", an error on each step, a draft resumed after a server restart, a renewal
pre-filled from last season, and a commune outside the 13 refused."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from cjeune_app.core.dates import paris_today
from cjeune_app.core.enrollment.api import complete, consent_history, enrollment_status, save_step
from cjeune_app.core.enrollment.wording import OUTSIDE_DEPARTMENT
from cjeune_app.core.photos.api import photo_state, submit_photo
from cjeune_app.core.seasons.api import get_or_create_season, season_code_for
from tests.browser.checks import assert_page_healthy
from tests.browser.family import (
    app_session,
    expect_step,
    field_error,
    fill_step_one,
    fill_step_two,
    new_pupil,
    next_button,
    open_enrollment,
    photo_jpeg,
    screenshot,
    sign_in,
)
from tests.browser.test_sign_in import demo_pupil, enter_identifier_and_password, open_pupil_sign_in

SEASON = season_code_for(paris_today())
_START = int(SEASON[:4])
PREVIOUS = f"{_START - 1}-{_START}"


def test_a_first_enrollment_from_the_first_sign_in_to_cest_parfait(app_server, phone, tmp_path):
    yanis = demo_pupil(app_server, "benamary@eduprovence.fr")
    open_pupil_sign_in(phone, app_server)
    enter_identifier_and_password(phone, yanis["login"], yanis["temporary_password"])
    phone.get_by_label("Mot de passe temporaire").fill(yanis["temporary_password"])
    phone.get_by_label("Nouveau mot de passe", exact=True).fill("Calanques13")
    phone.get_by_label("Confirmez le nouveau mot de passe").fill("Calanques13")
    phone.get_by_role("button", name="Valider mon mot de passe").click()
    phone.get_by_role("button", name="Oui").click()
    expect(phone).to_have_url(re.compile(r"/tableau-de-bord/?$"))
    phone.get_by_role("link", name="Terminer l'inscription").click()  # the dashboard's to-do

    # Bienvenue
    expect(phone.get_by_role("heading", level=1)).to_have_text("INSCRIPTION À LA CARTE CJEUNE DE PROVENCE")
    expect(phone.get_by_text("Ce formulaire doit être renseigné et validé par le responsable légal")).to_be_visible()
    expect(phone.get_by_role("heading", name="Bienvenue")).to_be_visible()
    expect(phone.get_by_text(f"Si vous êtes déjà en possession de la carte {PREVIOUS}")).to_be_visible()
    expect(phone.get_by_role("navigation", name="Étapes de l'inscription")).to_contain_text(
        "1. Informations2. Coordonnées3. Photo d'identité4. Mentions légales")
    screenshot(phone, "0-bienvenue")
    assert_page_healthy(phone)
    phone.get_by_role("button", name="Suivant").click()

    # 1. Informations: the child read-only, the guardian typed
    expect_step(phone, 1, "Informations")
    expect(phone.get_by_role("progressbar")).to_be_visible()
    identity = phone.locator(".identite-enfant")
    for shown in ("Ben Amar", "Yanis", "30/09/2011", "Collège Sainte-Victoire", "3e A"):
        expect(identity).to_contain_text(shown)
    expect(identity.locator("input")).to_have_count(0)
    # Yanis's mother has the account the school handed out (demo): his father enrolls him
    fill_step_one(phone, "Ben Amar", "Karim")
    screenshot(phone, "1-informations")
    assert_page_healthy(phone)
    next_button(phone).click()

    # 2. Coordonnées: the address API's suggestion fills street, postal code and town
    expect_step(phone, 2, "Coordonnées")
    phone.get_by_label("Adresse postale *").fill("12 rue de la republique")
    phone.get_by_role("button", name="12 Rue de la République 13001 Marseille").click()
    expect(phone.get_by_label("Adresse postale *")).to_be_focused()
    expect(phone.get_by_label("Adresse postale *")).to_have_value("12 Rue de la République")
    expect(phone.get_by_label("Code postal *")).to_have_value("13001")
    expect(phone.get_by_label("Ville *")).to_have_value("Marseille 1er Arrondissement")
    phone.get_by_label("Adresse email *", exact=True).fill("karim.benamar@exemple.fr")
    phone.get_by_label("Confirmation de l'adresse email *").fill("karim.benamar@exemple.fr")
    phone.get_by_label("Numéro de téléphone mobile").fill("06 12 34 56 78")
    optins = phone.get_by_role("checkbox")
    expect(optins).to_have_count(2)
    for box in (optins.nth(0), optins.nth(1)):
        expect(box).not_to_be_checked()  # unticked by default
    optins.nth(0).click()  # news by e-mail: yes; SMS: left unticked
    screenshot(phone, "2-coordonnees")
    assert_page_healthy(phone)
    next_button(phone).click()

    # 3. Photo d'identité: upload, zoom, preview, "Valider la photo"
    expect_step(phone, 3, "Photo d'identité")
    expect(phone.locator("#etat-photo")).to_have_text("Photo à ajouter")
    screenshot(phone, "3-photo")
    assert_page_healthy(phone)
    phone.locator("[data-testid=photo-file]").set_input_files(str(photo_jpeg(tmp_path / "yanis.jpg")))
    expect(phone.get_by_role("img", name=re.compile("Aperçu de la photo"))).to_be_visible()
    phone.get_by_label("Zoom").fill("1.5")
    screenshot(phone, "3-photo-cadrage")
    assert_page_healthy(phone)
    next_button(phone).click()  # the chosen photo is not sent yet: the parent is told
    expect(phone.locator("#erreur-photo")).to_contain_text("La photo choisie n'est pas encore envoyée")
    expect(phone.locator("#valider-photo")).to_be_focused()
    expect_step(phone, 3, "Photo d'identité")
    phone.get_by_role("button", name="Valider la photo").click()
    expect(phone.locator("#etat-photo")).to_have_text("Photo en cours de vérification")
    shown = phone.get_by_role("img", name="Photo d'identité actuelle de l'enfant")
    expect(shown).to_be_visible()
    # the served photo is the cropped 413×531 one (waits for it to load: visible comes first)
    phone.wait_for_function("(img) => img.complete && img.naturalWidth === 413", arg=shown.element_handle())
    screenshot(phone, "3-photo-envoyee")
    next_button(phone).click()

    # 4. Mentions légales
    expect_step(phone, 4, "Mentions légales")
    expect(phone.get_by_role("link", name="politique de confidentialité du site")).to_have_attribute(
        "href", "/confidentialite")
    attestation = phone.get_by_role("checkbox", name=re.compile("Je certifie être le représentant légal"))
    expect(attestation).not_to_be_checked()
    attestation.click()
    screenshot(phone, "4-mentions-legales")
    assert_page_healthy(phone)
    phone.get_by_role("button", name="Terminer").click()

    expect(phone.get_by_role("heading", name="C'EST PARFAIT !")).to_be_visible()
    expect(phone.get_by_text("Votre compte a été mis à jour avec succès !")).to_be_visible()
    expect(phone.locator("#e-mail-envoye")).to_have_text(
        "Un e-mail a été envoyé à karim.benamar@exemple.fr avec le lien pour créer le mot de passe du nouveau "
        "compte Parent (pensez à regarder dans les courriers indésirables).")
    expect(phone.locator(".etape-faite")).to_have_count(4)
    screenshot(phone, "5-cest-parfait")
    assert_page_healthy(phone)

    with app_session(app_server) as session:
        pupil_id = _pupil_id(session, yanis["login"])
        assert enrollment_status(session, pupil_id, SEASON).status == "completed"
        choices = {r.kind: (r.value, r.contact) for r in consent_history(session, pupil_id, SEASON)}
        assert choices == {"optin_email": (True, "karim.benamar@exemple.fr"), "optin_sms": (False, "+33612345678"),
                           "attestation": (True, "karim.benamar@exemple.fr")}
        assert photo_state(session, pupil_id).state == "pending"

    phone.get_by_role("link", name="Aller au tableau de bord").click()
    expect(phone).to_have_url(re.compile(r"/tableau-de-bord/?$"))
    # coming back shows the enrollment as done, not the form again
    open_enrollment(phone, app_server)
    expect(phone.get_by_role("heading", name="Inscription complète")).to_be_visible()


def _pupil_id(session, login: str) -> int:
    from sqlmodel import select

    from cjeune_app.core.accounts.models import Account

    return session.exec(select(Account.pupil_id).where(Account.login == login)).one()


def test_each_step_shows_its_error_beside_the_field_and_keeps_what_was_typed(app_server, phone, tmp_path):
    pupil = new_pupil(app_server, "Giraud", "Inès")
    sign_in(phone, app_server, "collegien", pupil["login"])
    open_enrollment(phone, app_server)
    phone.get_by_role("button", name="Suivant").click()

    # Step 1: a digit in a name
    fill_step_one(phone, "Giraud2", "Émilie")
    next_button(phone).click()
    field_error(phone, "champ-guardian_last_name", re.compile("^Retirez les chiffres"))
    expect(phone.locator("#champ-guardian_last_name")).to_be_focused()
    expect(phone.locator("#champ-guardian_first_name")).to_have_value("Émilie")
    expect_step(phone, 1, "Informations")
    screenshot(phone, "1-erreur")
    assert_page_healthy(phone)
    phone.locator("#champ-guardian_last_name").fill("Giraud")
    next_button(phone).click()

    # Step 2: e-mails that differ, a landline; the first error is focused, nothing is lost
    expect_step(phone, 2, "Coordonnées")
    fill_step_two(phone, "emilie.giraud@exemple.fr")
    phone.get_by_label("Confirmation de l'adresse email *").fill("emilie.girau@exemple.fr")
    phone.get_by_label("Numéro de téléphone mobile").fill("04 91 00 00 00")
    next_button(phone).click()
    field_error(phone, "champ-email_confirmation", re.compile("^Les deux adresses e-mail ne sont pas identiques"))
    field_error(phone, "champ-mobile", re.compile("commence par 06 ou 07"))
    expect(phone.locator("#champ-email_confirmation")).to_be_focused()
    expect(phone.get_by_label("Adresse postale *")).to_have_value("8 place des Prêcheurs")
    expect(phone.get_by_label("Ville *")).to_have_value("Aix-en-Provence")
    screenshot(phone, "2-erreurs")
    assert_page_healthy(phone)
    # "Précédent" then "Suivant" loses nothing either
    phone.get_by_role("button", name="Précédent").click()
    expect_step(phone, 1, "Informations")
    expect(phone.locator("#champ-guardian_last_name")).to_have_value("Giraud")
    next_button(phone).click()
    expect(phone.get_by_label("Confirmation de l'adresse email *")).to_have_value("emilie.girau@exemple.fr")
    phone.get_by_label("Confirmation de l'adresse email *").fill("emilie.giraud@exemple.fr")
    phone.get_by_label("Numéro de téléphone mobile").fill("")
    next_button(phone).click()

    # Step 3: a PNG is refused by the photo editor with what is accepted
    expect_step(phone, 3, "Photo d'identité")
    png = tmp_path / "photo.png"
    from PIL import Image

    Image.new("RGB", (600, 800), (0, 120, 200)).save(png)
    phone.locator("[data-testid=photo-file]").set_input_files(str(png))
    expect(phone.get_by_test_id("photo-error")).to_have_text(
        re.compile(r"^Seules les photos au format JPEG \(\.jpg, \.jpeg\) sont acceptées"))
    screenshot(phone, "3-erreur")
    assert_page_healthy(phone)
    next_button(phone).click()  # the parent may go on without a photo

    # Step 4: "Terminer" without the attestation
    expect_step(phone, 4, "Mentions légales")
    phone.get_by_role("button", name="Terminer").click()
    field_error(phone, "champ-attested", re.compile(r"^Cochez la case «\sJe certifie"))
    expect(phone.locator("#champ-attested")).to_be_focused()
    screenshot(phone, "4-erreur")
    assert_page_healthy(phone)
    phone.locator("#champ-attested").click()
    phone.get_by_role("button", name="Terminer").click()
    expect(phone.get_by_role("heading", name="C'EST PARFAIT !")).to_be_visible()
    expect(phone.get_by_text("Pensez aussi à ajouter la photo d'identité")).to_be_visible()
    # The photo step was passed without a photo: "à faire", not ticked.
    photo_step = phone.get_by_role("navigation", name="Étapes de l'inscription").locator("li").nth(2)
    expect(photo_step).to_contain_text("Photo d'identité (à faire)")
    expect(photo_step).not_to_contain_text("✓")


def test_a_commune_outside_the_13_is_refused_and_typing_aix_offers_aix_en_provence(app_server, phone):
    pupil = new_pupil(app_server, "Lopez", "Nina")
    sign_in(phone, app_server, "collegien", pupil["login"])
    open_enrollment(phone, app_server)
    phone.get_by_role("button", name="Suivant").click()
    fill_step_one(phone, "Lopez", "Carmen")
    next_button(phone).click()
    expect_step(phone, 2, "Coordonnées")

    town = phone.get_by_label("Ville *")
    town.fill("aix")
    expect(phone.get_by_role("list", name="Villes proposées :")).to_contain_text("Aix-en-Provence")
    # a postal code shared by several communes offers them all; the parent picks one
    phone.get_by_label("Code postal *").fill("13100")
    offered = phone.get_by_role("list", name="Villes proposées :")
    expect(offered).to_contain_text("Le Tholonet (13100)")
    screenshot(phone, "2-villes-proposees")
    offered.get_by_role("button", name="Aix-en-Provence (13100)").click()
    expect(town).to_have_value("Aix-en-Provence")
    expect(town).to_be_focused()  # back where the parent was
    expect(offered).to_have_count(0)

    phone.get_by_label("Adresse postale *").fill("3 avenue de la Gare")
    phone.get_by_label("Code postal *").fill("83000")
    town.fill("Toulon")
    phone.get_by_label("Adresse email *", exact=True).fill("carmen.lopez@exemple.fr")
    phone.get_by_label("Confirmation de l'adresse email *").fill("carmen.lopez@exemple.fr")
    next_button(phone).click()
    field_error(phone, "champ-commune_name", OUTSIDE_DEPARTMENT)
    expect(phone.locator("#champ-commune_name")).to_be_focused()
    expect(phone.get_by_text(OUTSIDE_DEPARTMENT)).to_have_count(1)  # said once, under the town
    expect_step(phone, 2, "Coordonnées")
    screenshot(phone, "2-hors-departement")
    assert_page_healthy(phone)


def test_a_draft_resumes_at_the_same_step_after_a_server_restart_and_on_another_device(
        app_server, phone, chromium):
    pupil = new_pupil(app_server, "Roux", "Léo")
    sign_in(phone, app_server, "collegien", pupil["login"])
    open_enrollment(phone, app_server)
    phone.get_by_role("button", name="Suivant").click()
    fill_step_one(phone, "Roux", "Claire")
    next_button(phone).click()
    fill_step_two(phone, "claire.roux@exemple.fr", postal_code="13090")
    phone.get_by_label("Numéro de téléphone mobile").fill("0781234567")
    next_button(phone).click()
    expect_step(phone, 3, "Photo d'identité")

    phone.goto("about:blank")  # no page left trying to reconnect while the server is down
    app_server.restart()

    open_enrollment(phone, app_server)
    expect_step(phone, 3, "Photo d'identité")  # no "Bienvenue" again: straight back to the step
    phone.get_by_role("button", name="Précédent").click()
    expect_step(phone, 2, "Coordonnées")
    expect(phone.get_by_label("Adresse postale *")).to_have_value("8 place des Prêcheurs")
    expect(phone.get_by_label("Code postal *")).to_have_value("13090")
    expect(phone.get_by_label("Ville *")).to_have_value("Aix-en-Provence")
    expect(phone.get_by_label("Confirmation de l'adresse email *")).to_have_value("claire.roux@exemple.fr")
    expect(phone.get_by_label("Numéro de téléphone mobile")).to_have_value("+33 7 81 23 45 67")

    # another device: signing in again finds the same draft
    other = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        tablet = other.new_page()
        sign_in(tablet, app_server, "collegien", pupil["login"], remember=False)
        open_enrollment(tablet, app_server)
        expect_step(tablet, 2, "Coordonnées")
        expect(tablet.get_by_label("Adresse email *", exact=True)).to_have_value("claire.roux@exemple.fr")
    finally:
        other.close()


def test_a_renewal_comes_pre_filled_and_keeps_last_seasons_photo(app_server, phone, tmp_path, monkeypatch):
    pupil = new_pupil(app_server, "Bernard", "Chloé", class_name="4e B")
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(app_server.data_dir))  # where the app keeps photos
    last_year = dt.datetime(_START, 5, 10, 9, 0, tzinfo=dt.UTC)
    with app_session(app_server) as session:
        get_or_create_season(session, SEASON)
        previous = get_or_create_season(session, PREVIOUS)
        save_step(session, pupil["pupil_id"], previous, 1,
                  {"guardian_last_name": "Bernard", "guardian_first_name": "Hélène"}, now=last_year)
        save_step(session, pupil["pupil_id"], previous, 2, {
            "address_line": "5 Cours Mirabeau", "postal_code": "13100", "commune_insee": "13001",
            "email": "helene.bernard@exemple.fr", "email_confirmation": "helene.bernard@exemple.fr",
            "mobile": "0611223344", "optin_email": True, "optin_sms": True}, now=last_year)
        complete(session, pupil["pupil_id"], previous, True, now=last_year)
        submit_photo(session, pupil["pupil_id"], photo_jpeg(tmp_path / "chloe.jpg").read_bytes(), None)
        session.commit()

    sign_in(phone, app_server, "collegien", pupil["login"])
    open_enrollment(phone, app_server)
    expect(phone.get_by_text("Renouvellement : le formulaire reprend les réponses de l'an dernier.")).to_be_visible()
    screenshot(phone, "0-renouvellement")
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.locator("#champ-guardian_first_name")).to_have_value("Hélène")
    next_button(phone).click()
    expect_step(phone, 2, "Coordonnées")
    expect(phone.get_by_label("Adresse postale *")).to_have_value("5 Cours Mirabeau")
    expect(phone.get_by_label("Ville *")).to_have_value("Aix-en-Provence")
    expect(phone.get_by_label("Confirmation de l'adresse email *")).to_have_value("helene.bernard@exemple.fr")
    expect(phone.get_by_label("Numéro de téléphone mobile")).to_have_value("+33 6 11 22 33 44")
    for box in phone.get_by_role("checkbox").all():
        expect(box).not_to_be_checked()  # consent is asked again each season
    screenshot(phone, "2-renouvellement")
    next_button(phone).click()
    expect_step(phone, 3, "Photo d'identité")
    expect(phone.locator("#etat-photo")).to_have_text("Photo en cours de vérification")
    expect(phone.get_by_text("La photo déjà enregistrée est conservée.")).to_be_visible()
    expect(phone.get_by_role("img", name="Photo d'identité actuelle de l'enfant")).to_be_visible()
    screenshot(phone, "3-renouvellement")
    assert_page_healthy(phone)
    next_button(phone).click()
    phone.get_by_role("checkbox", name=re.compile("Je certifie")).click()
    phone.get_by_role("button", name="Terminer").click()
    expect(phone.get_by_role("heading", name="C'EST PARFAIT !")).to_be_visible()
    with app_session(app_server) as session:
        status = enrollment_status(session, pupil["pupil_id"], SEASON)
        assert (status.status, status.is_renewal) == ("completed", True)
