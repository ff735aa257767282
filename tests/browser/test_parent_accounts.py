"""Guardians on a phone: the auto-inscription "Je n'ai pas encore d'identifiant" (the SMS read
back from the local Brevo), then signing in and seeing both children; school staff edit a
pupil's guardians, a malformed mobile refused; the school's letter (read back from the PDF), the
first sign-in and the activation link."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from playwright.sync_api import expect
from pypdf import PdfReader

import cjeune_app.core.models  # noqa: F401  (every table known to the mapper)
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians.records import GuardianInput, check_guardian, set_guardians
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.family import app_session, new_pupil
from tests.browser.test_partner_sign_up import app_mail_to
from tests.browser.test_school import create_staff, sign_in_staff_first_time
from tests.support.mail import links_in

CHOSEN = "Garrigue2026"


def family_with_one_mobile(app_server) -> tuple[str, str, list[dict]]:
    """Two pupils whose mother has the same (fresh) mobile: (typed mobile, E.164, pupils)."""
    digits = f"12{uuid.uuid4().int % 10**6:06d}"  # 06 12 ...: a metropolitan mobile
    mobile, e164 = f"06{digits}", f"+336{digits}"
    suffix = uuid.uuid4().hex[:4]
    pupils = [new_pupil(app_server, f"Garcia{suffix}", "Inès", birth=dt.date(2013, 5, 4)),
              new_pupil(app_server, f"Garcia{suffix}", "Noé", birth=dt.date(2011, 10, 12))]
    with app_session(app_server) as session:
        data, problems = check_guardian(GuardianInput(f"Garcia{suffix}", "Carmen", "mère", mobile, "", ""))
        assert not problems
        for pupil in pupils:
            set_guardians(session, session.get(Pupil, pupil["pupil_id"]), [data])
        session.commit()
    return mobile, e164, pupils


def test_a_guardian_registers_with_the_sms_code_and_the_children_s_birth_dates(app_server, phone, sms_provider):
    mobile, e164, _ = family_with_one_mobile(app_server)
    phone.goto(f"{app_server.base_url}/connexion")
    wait_for_app(phone)
    phone.get_by_role("heading", name="Parent").click()
    phone.get_by_role("link", name="Je n'ai pas encore d'identifiant").click()
    expect(phone.locator("h1")).to_have_text("Je n'ai pas encore d'identifiant")
    assert_page_healthy(phone)

    phone.get_by_label("Numéro de téléphone portable").fill("04 91 00 00 00")
    phone.get_by_role("button", name="Recevoir un code par SMS").click()
    expect(phone.get_by_role("alert")).to_contain_text("n'est pas un numéro de mobile")
    phone.get_by_label("Numéro de téléphone portable").fill(mobile)
    phone.get_by_role("button", name="Recevoir un code par SMS").click()
    expect(phone.locator("#code-envoye")).to_contain_text("un code à 6 chiffres vient de lui être envoyé")
    sms = sms_provider.wait_for_message(e164, 1)
    assert "code de vérification" in sms.content
    assert_page_healthy(phone)

    wrong = "000000" if sms.code != "000000" else "111111"
    phone.get_by_label("Code reçu par SMS").fill(wrong)
    phone.get_by_role("button", name="Valider le code").click()
    expect(phone.get_by_role("alert")).to_contain_text("il vous reste 2 essai(s)")
    phone.get_by_label("Code reçu par SMS").fill(sms.code)
    phone.get_by_role("button", name="Valider le code").click()

    expect(phone.get_by_label("Date de naissance de Inès (jj/mm/aaaa)")).to_be_visible()
    assert_page_healthy(phone)
    phone.get_by_label("Date de naissance de Inès (jj/mm/aaaa)").fill("04/05/2013")
    phone.get_by_label("Date de naissance de Noé (jj/mm/aaaa)").fill("13/10/2011")
    phone.get_by_role("button", name="Valider les dates de naissance").click()
    expect(phone.get_by_role("alert")).to_contain_text("Au moins une date de naissance ne correspond pas")
    expect(phone.get_by_role("alert")).not_to_contain_text("Noé")
    expect(phone.get_by_label("Date de naissance de Inès (jj/mm/aaaa)")).to_have_value("04/05/2013")  # nothing lost
    phone.get_by_label("Date de naissance de Noé (jj/mm/aaaa)").fill("12/10/2011")
    phone.get_by_role("button", name="Valider les dates de naissance").click()

    phone.get_by_label("Mot de passe", exact=True).fill("garrigue")
    phone.get_by_label("Confirmez le mot de passe").fill("garrigue")
    phone.get_by_role("button", name="Activer mon compte").click()
    expect(phone.locator("#erreur-password")).to_contain_text("1 lettre majuscule")
    assert_page_healthy(phone)
    phone.get_by_label("Mot de passe", exact=True).fill(CHOSEN)
    phone.get_by_label("Confirmez le mot de passe").fill(CHOSEN)
    phone.get_by_role("button", name="Activer mon compte").click()
    identifier = phone.locator("#identifiant-parent")
    expect(identifier).to_have_text(re.compile(r"^c\.garcia[a-z]*[0-9]*$"))  # digits of the name are dropped
    login = identifier.inner_text()
    assert login in sms_provider.wait_for_message(e164, 2).content
    assert_page_healthy(phone)

    phone.get_by_role("link", name="Se connecter").click()
    expect(phone.locator("h1")).to_have_text("Connexion — Parent")
    phone.locator("#champ-login").fill(login)
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Mot de passe", exact=True).fill(CHOSEN)
    phone.get_by_role("button", name="Se connecter").click()
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#enfants")).to_contain_text("Inès")
    expect(phone.locator("#enfants")).to_contain_text("Noé")
    assert_page_healthy(phone)


def test_an_unknown_number_gets_the_same_answer(app_server, phone, sms_provider):
    phone.goto(f"{app_server.base_url}/connexion/parent/inscription")
    wait_for_app(phone)
    phone.get_by_label("Numéro de téléphone portable").fill("06 00 00 00 01")
    phone.get_by_role("button", name="Recevoir un code par SMS").click()
    expect(phone.locator("#code-envoye")).to_contain_text("un code à 6 chiffres vient de lui être envoyé")
    phone.get_by_label("Code reçu par SMS").fill("123456")
    phone.get_by_role("button", name="Valider le code").click()
    expect(phone.get_by_role("alert")).to_contain_text("Ce code n'est pas le bon")
    assert sms_provider.messages_to("+33600000001") == []


def test_school_staff_edit_a_pupil_s_guardians(app_server, phone):
    school = app_server.demo["establishments"][0]
    pupil = new_pupil(app_server, "Lopez", f"Ana{uuid.uuid4().hex[:3]}")
    staff = create_staff(app_server, school["uai"])
    sign_in_staff_first_time(phone, app_server, staff)
    phone.goto(f"{app_server.base_url}/etablissement")
    wait_for_app(phone)
    name = pupil["login"]
    row = phone.locator("#liste-eleves li").filter(has_text=name)
    row.get_by_role("button", name=re.compile("Responsables légaux de")).click()
    phone.locator("#champ-g1_last_name").fill("Lopez")
    phone.locator("#champ-g1_first_name").fill("Maria")
    phone.locator("#champ-g1_relation").select_option("mere")
    phone.locator("#champ-g1_mobile").fill("06 12 34")
    phone.get_by_role("button", name="Enregistrer les responsables").click()
    expect(phone.locator("#erreur-g1_mobile")).to_contain_text("« 06 12 34 » n'est pas un numéro de téléphone")
    expect(phone.locator("#champ-g1_first_name")).to_have_value("Maria")  # nothing lost
    assert_page_healthy(phone)
    phone.locator("#champ-g1_mobile").fill("+33 6 11 22 33 44")
    phone.get_by_role("button", name="Enregistrer les responsables").click()
    expect(phone.locator("#responsables-ok")).to_contain_text("enregistrés")
    expect(phone.locator("#champ-g1_mobile")).to_have_value("06 11 22 33 44")
    assert_page_healthy(phone)


def test_the_school_s_letter_then_first_sign_in_then_activation_link(app_server, phone, tmp_path):
    school = app_server.demo["establishments"][0]
    suffix = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:5])
    class_name = f"4e {suffix[:3].upper()}"
    email = f"rosa.{suffix}@exemple.fr"
    pupils = [new_pupil(app_server, f"Silva{suffix}", "Alma", birth=dt.date(2012, 2, 29), class_name=class_name),
              new_pupil(app_server, f"Silva{suffix}", "Rui", birth=dt.date(2014, 7, 1), class_name=class_name)]
    with app_session(app_server) as session:
        data, problems = check_guardian(GuardianInput(f"Silva{suffix}", "Rosa", "mère", "", email, ""))
        assert not problems
        for pupil in pupils:
            set_guardians(session, session.get(Pupil, pupil["pupil_id"]), [data])
        session.commit()

    staff = create_staff(app_server, school["uai"])
    sign_in_staff_first_time(phone, app_server, staff)
    phone.goto(f"{app_server.base_url}/etablissement")
    wait_for_app(phone)
    guardian_row = phone.locator("#liste-responsables li").filter(has_text=f"Rosa Silva{suffix}")
    expect(guardian_row.locator(".etat-compte")).to_have_text("Compte non généré")
    phone.locator("#champ-classe-courriers").select_option(class_name)
    phone.get_by_role("button", name="Générer les comptes").click()
    expect(phone.locator("#courriers-generes")).to_contain_text("1 compte(s) de responsable généré(s)")
    with phone.expect_download() as download_info:
        phone.locator("#courriers-pdf").click()
    letters = tmp_path / "courriers.pdf"
    download_info.value.save_as(letters)
    text = " ".join(PdfReader(str(letters)).pages[0].extract_text().split())
    assert school["name"] in text and f"Rosa SILVA{suffix.upper()}" in text
    login = re.search(r"Identifiant :\s*(\S+)", text).group(1)
    provisional = re.search(r"Mot de passe provisoire :\s*(\S+)", text).group(1)
    expect(guardian_row.locator(".etat-compte")).to_contain_text("Courrier remis")
    assert_page_healthy(phone)

    phone.context.clear_cookies()  # the guardian, on their own phone
    phone.goto(f"{app_server.base_url}/connexion/parent")
    wait_for_app(phone)
    phone.locator("#champ-login").fill(login)
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Mot de passe", exact=True).fill(provisional)
    phone.get_by_role("button", name="Se connecter").click()
    expect(phone.get_by_role("heading", name="Activez votre compte parent")).to_be_visible()
    assert_page_healthy(phone)
    phone.get_by_label("Mot de passe provisoire (courrier)").fill(provisional)
    phone.get_by_label("Nouveau mot de passe", exact=True).fill(CHOSEN)
    phone.get_by_label("Confirmez le nouveau mot de passe").fill(CHOSEN)
    phone.get_by_label("Date de naissance de Alma (jj/mm/aaaa)").fill("29/02/2012")
    phone.get_by_label("Date de naissance de Rui (jj/mm/aaaa)").fill("02/07/2014")
    phone.get_by_label("Adresse e-mail").fill(email)
    phone.get_by_role("button", name="Activer mon compte").click()
    expect(phone.locator("#erreur-dates")).to_contain_text("Au moins une date de naissance ne correspond pas")
    assert_page_healthy(phone)
    phone.get_by_label("Mot de passe provisoire (courrier)").fill(provisional)
    phone.get_by_label("Nouveau mot de passe", exact=True).fill(CHOSEN)
    phone.get_by_label("Confirmez le nouveau mot de passe").fill(CHOSEN)
    phone.get_by_label("Date de naissance de Rui (jj/mm/aaaa)").fill("01/07/2014")
    phone.get_by_role("button", name="Activer mon compte").click()
    expect(phone.locator("#activation-envoyee")).to_contain_text(email)

    [mail] = app_mail_to(app_server, email)
    [link] = [link for link in links_in(mail) if "jeton=" in link]
    phone.goto(link)
    wait_for_app(phone)
    expect(phone.locator("#confirmation")).to_contain_text("Adresse e-mail confirmée")
    phone.goto(f"{app_server.base_url}/connexion/parent")
    wait_for_app(phone)
    phone.locator("#champ-login").fill(login)
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Mot de passe", exact=True).fill(CHOSEN)
    phone.get_by_role("button", name="Se connecter").click()
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#enfants")).to_contain_text("Alma")
    expect(phone.locator("#enfants")).to_contain_text("Rui")
    assert_page_healthy(phone)

    phone.goto(link)  # the activation link works once
    wait_for_app(phone)
    expect(phone.locator("#confirmation")).to_contain_text("Ce lien n'est plus valable")
