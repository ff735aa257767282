"""School staff on a phone: first sign-in, CSV import producing the letters PDF, a bad file
refused with its line number, a pupil's password reset; other roles kept out."""

from __future__ import annotations

import json
import re
import uuid

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.checks import assert_page_healthy, wait_for_app

STAFF_PASSWORD = "Secretariat13"


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def create_staff(app_server, uai: str) -> dict:
    email = f"secretariat-{uuid.uuid4().hex[:8]}@college.fr"
    created = json.loads(app_server.cli("create-user", "--role", "etablissement", "--establishment", uai,
                                        "--email", email, "--first-name", "Nadia", "--last-name", "Benali",
                                        "--json"))
    return created


def sign_in_staff_first_time(phone, app_server, staff: dict) -> None:
    phone.goto(f"{app_server.base_url}/connexion/gestion")
    wait_for_app(phone)
    phone.locator("#champ-login").fill(staff["login"])
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Mot de passe", exact=True).fill(staff["temporary_password"])
    phone.get_by_role("button", name="Se connecter").click()
    phone.get_by_label("Mot de passe temporaire").fill(staff["temporary_password"])
    phone.get_by_label("Nouveau mot de passe", exact=True).fill(STAFF_PASSWORD)
    phone.get_by_label("Confirmez le nouveau mot de passe").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Valider mon mot de passe").click()
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#bonjour")).to_contain_text("Nadia")


def choose_file(phone, name: str, content: str) -> None:
    phone.locator("#champ-fichier").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")})


def test_school_imports_pupils_and_downloads_their_letters(app_server, phone, tmp_path):
    school = app_server.demo["establishments"][0]
    staff = create_staff(app_server, school["uai"])
    assert staff["temporary_password"]  # a staff account too must choose its own password
    sign_in_staff_first_time(phone, app_server, staff)

    phone.get_by_role("link", name=re.compile("Espace établissement")).click()
    expect(phone.locator("h1")).to_have_text("Espace établissement")
    expect(phone.locator("#etablissement")).to_contain_text(school["uai"])
    assert_page_healthy(phone)

    # A bad row: nothing imported, the line number said.
    choose_file(phone, "eleves.csv", "nom;prénom;date de naissance;classe\n"
                                     "Zeller;Hugo;02/02/2013;5e A\n"
                                     "Zeller;Inès;31/02/2013;5e A\n")
    expect(phone.locator("#fichier-choisi")).to_have_text("eleves.csv")
    phone.get_by_role("button", name="Importer").click()
    expect(phone.locator("#erreurs-import")).to_contain_text("Ligne 3 : la date de naissance « 31/02/2013 »")
    expect(phone.get_by_text("Aucun élève n'a été importé")).to_be_visible()
    expect(phone.locator("#liste-eleves")).not_to_contain_text("Hugo Zeller")
    assert_page_healthy(phone)

    # Two pupils, one with accents and an apostrophe in her name.
    choose_file(phone, "eleves.csv", "nom;prénom;date de naissance;classe\n"
                                     "Zeller;Hugo;02/02/2013;5e A\n"
                                     "D'Aléo-Crémieux;Élodie;14/03/2012;4e B\n")
    phone.get_by_role("button", name="Importer").click()
    expect(phone.locator("#nombre-importes")).to_have_text("2 élèves importés.")
    logins = phone.locator("#eleves-importes strong").all_inner_texts()
    assert logins[0].startswith("zellerh") and logins[0].endswith("@eduprovence.fr")
    assert logins[1].startswith("daleocremieuxe") and logins[1].endswith("@eduprovence.fr")
    expect(phone.locator("#eleves-importes")).to_contain_text("Élodie D'Aléo-Crémieux (4e B)")
    assert_page_healthy(phone)

    with phone.expect_download() as download_info:
        phone.locator("#lettres-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"lettres-eduprovence-{school['uai']}.pdf"
    letters = tmp_path / "lettres.pdf"
    download.save_as(letters)
    reader = PdfReader(str(letters))
    assert len(reader.pages) == 2  # one letter per pupil
    for page, login, name in zip(reader.pages, logins, ("Hugo ZELLER", "Élodie D'ALÉO-CRÉMIEUX"), strict=True):
        text = page.extract_text()
        assert login in text and name in text
        assert "Première connexion" in text and "Collégien·ne" in text
        assert re.search(r"Mot de passe temporaire :\s*\S{8,}", text)

    # The pupils are listed; one forgot her password: a new letter.
    rows = phone.locator("#liste-eleves li")
    expect(rows.filter(has_text=logins[1])).to_have_count(1)
    rows.filter(has_text=logins[1]).get_by_role("button", name=re.compile("Réinitialiser le mot de passe")).click()
    expect(phone.locator("#avis-reinitialisation")).to_contain_text(logins[1])
    with phone.expect_download() as download_info:
        phone.locator("#lettre-pdf").click()
    reset_letter = tmp_path / "lettre.pdf"
    download_info.value.save_as(reset_letter)
    text = pdf_text(reset_letter)
    assert logins[1] in text and "Première connexion" in text
    assert len(PdfReader(str(reset_letter)).pages) == 1
    assert_page_healthy(phone)

    # The same file again creates nobody twice.
    choose_file(phone, "eleves.csv", "nom;prénom;date de naissance;classe\nZeller;Hugo;02/02/2013;5e A\n")
    phone.get_by_role("button", name="Importer").click()
    expect(phone.locator("#deja-inscrits")).to_contain_text("Ligne 2 : Hugo Zeller (02/02/2013) a déjà un compte")
    expect(rows.filter(has_text="Hugo Zeller")).to_have_count(1)


def test_school_page_and_routes_are_for_school_staff_only(app_server, phone):
    phone.goto(f"{app_server.base_url}/etablissement")
    expect(phone).to_have_url(re.compile(r"/connexion/gestion$"))
    answer = phone.request.post(f"{app_server.base_url}/etablissement/import",
                                headers={"Origin": app_server.base_url},  # as if from the site's page
                                multipart={"fichier": {"name": "e.csv", "mimeType": "text/csv",
                                                       "buffer": b"nom;prenom;date de naissance;classe\n"}})
    assert answer.status == 401
    assert "reconnectez-vous" in answer.json()["message"]
    phone.console.errors.clear()  # the 401 above is the point of the check
