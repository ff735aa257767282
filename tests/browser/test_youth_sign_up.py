"""A young person signs up on a phone from the Jeune door, confirms the address from the e-mail,
then signs in."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.test_partner_sign_up import app_mail_to, sign_in
from tests.support.mail import links_in


def years_ago(years: int) -> str:
    today = dt.date.today()
    return f"{today.day if (today.month, today.day) != (2, 29) else 28:02d}/{today.month:02d}/{today.year - years}"


def wait_for_mail(app_server, address: str, timeout: float = 10.0) -> list:
    """The app may write its e-mails just after answering the page."""
    deadline = time.monotonic() + timeout
    while not (found := app_mail_to(app_server, address)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def test_young_person_signs_up_confirms_the_e_mail_and_signs_in(app_server, phone):
    phone.goto(f"{app_server.base_url}/connexion/jeune")
    wait_for_app(phone)
    phone.get_by_role("link", name="Créer mon compte Jeune").click()
    expect(phone.locator("h1")).to_have_text("Créer mon compte Jeune")
    assert_page_healthy(phone)

    phone.get_by_label("Adresse e-mail").fill("lea.marin@exemple.fr")
    phone.get_by_label("Prénom").fill("Léa")
    phone.get_by_label("Nom", exact=True).fill("Marin")
    phone.get_by_label("Date de naissance (jj/mm/aaaa)").fill(years_ago(27))  # too old
    phone.get_by_label("Commune de résidence").select_option(label="Martigues")
    password = phone.get_by_label("Mot de passe", exact=True)
    password.fill("soleil")
    rules = phone.locator("#regles-mot-de-passe")
    expect(rules.locator(".regle-ok")).to_have_count(1)  # only the lower-case letter so far
    password.fill("Soleil2026")
    expect(rules.locator(".regle-ok")).to_have_count(rules.locator("li").count())
    phone.get_by_label("Confirmez le mot de passe").fill("Soleil2026")
    phone.get_by_role("button", name="Créer mon compte").click()

    expect(phone.locator("#erreur-birth_date")).to_have_text("Le compte Jeune est réservé aux moins de 26 ans.")
    expect(phone.get_by_label("Adresse e-mail")).to_have_value("lea.marin@exemple.fr")  # nothing lost
    assert not app_mail_to(app_server, "lea.marin@exemple.fr")
    assert_page_healthy(phone)

    phone.get_by_label("Date de naissance (jj/mm/aaaa)").fill(years_ago(19))
    phone.get_by_label("Mot de passe", exact=True).fill("Soleil2026")
    phone.get_by_label("Confirmez le mot de passe").fill("Soleil2026")
    phone.get_by_role("button", name="Créer mon compte").click()
    expect(phone.get_by_role("heading", name="Vérifiez votre e-mail")).to_be_visible()
    expect(phone.locator("#inscription-envoyee")).to_contain_text("Nous vous avons envoyé un e-mail")
    assert_page_healthy(phone)

    [mail] = wait_for_mail(app_server, "lea.marin@exemple.fr")
    link = urlsplit(links_in(mail)[0])
    assert link.path == "/connexion/verification"
    phone.goto(f"{app_server.base_url}{link.path}?{link.query}")
    wait_for_app(phone)
    expect(phone.locator("#confirmation")).to_contain_text("Adresse e-mail confirmée")

    sign_in(phone, app_server, "jeune", "lea.marin@exemple.fr", "Soleil2026")
    phone.get_by_role("button", name="Oui").click()
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Léa")
