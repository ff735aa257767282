"""A structure signs up on a phone, confirms its address, an agent validates it, it signs in."""

from __future__ import annotations

import email
import email.policy
import re
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlmodel import Session

from cjeune_app.core.accounts.staff import create_back_office_account
from cjeune_app.core.db import engine_for
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.support.mail import links_in


def app_mail_to(app_server, address: str):
    """The e-mails the running app wrote to its outbox (no SMTP server configured for it)."""
    found = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in sorted((app_server.data_dir / "outbox").glob("*.eml"))]
    return [m for m in found if m["To"] == address]


def sign_in(phone, app_server, door: str, login: str, password: str) -> None:
    phone.goto(f"{app_server.base_url}/connexion/{door}")
    wait_for_app(phone)
    phone.locator("#champ-login").fill(login)
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Mot de passe", exact=True).fill(password)
    phone.get_by_role("button", name="Se connecter").click()


def test_partner_signs_up_is_validated_by_an_agent_then_signs_in(app_server, phone):
    phone.goto(app_server.base_url + "/connexion/partenaire")
    wait_for_app(phone)
    phone.get_by_role("link", name="Devenir partenaire").click()
    expect(phone.locator("h1")).to_have_text("Devenir partenaire")
    assert_page_healthy(phone)

    phone.get_by_label("Nom de la structure").fill("Judo Club d'Arles")
    phone.get_by_label("Type de structure").select_option("association")
    phone.get_by_label("Numéro SIRET (14 chiffres)").fill("732 829 320 00075")  # last digit mistyped
    phone.get_by_label("Adresse", exact=True).fill("12 rue du Stade")
    phone.get_by_label("Code postal").fill("13100")  # Aix's, not Arles'
    phone.get_by_label("Commune").select_option(label="Arles")
    phone.get_by_label("Sport").check()
    phone.get_by_label("Adresse e-mail de contact").fill("contact@judoarles.fr")
    phone.get_by_label("Mot de passe", exact=True).fill("Tatami2026")
    phone.get_by_label("Confirmez le mot de passe").fill("Tatami2026")
    phone.get_by_role("button", name="Créer le compte de la structure").click()

    expect(phone.locator("#erreur-siret")).to_contain_text("Ce numéro SIRET n'est pas valide")
    expect(phone.locator("#erreur-postal_code")).to_contain_text("Le code postal 13100 ne correspond pas à Arles")
    expect(phone.get_by_label("Nom de la structure")).to_have_value("Judo Club d'Arles")  # nothing lost
    assert_page_healthy(phone)

    phone.get_by_label("Numéro SIRET (14 chiffres)").fill("732 829 320 00074")
    phone.get_by_label("Code postal").fill("13200")
    phone.get_by_label("Mot de passe", exact=True).fill("Tatami2026")
    phone.get_by_label("Confirmez le mot de passe").fill("Tatami2026")
    phone.get_by_role("button", name="Créer le compte de la structure").click()
    expect(phone.locator("#inscription-envoyee")).to_contain_text("Nous vous avons envoyé un e-mail")

    [mail] = app_mail_to(app_server, "contact@judoarles.fr")
    link = urlsplit(links_in(mail)[0])  # built on the default public URL: same path on this server
    phone.goto(f"{app_server.base_url}{link.path}?{link.query}")
    wait_for_app(phone)
    expect(phone.locator("#confirmation")).to_contain_text("en attente de validation")

    sign_in(phone, app_server, "partenaire", "contact@judoarles.fr", "Tatami2026")
    expect(phone.get_by_role("alert")).to_contain_text("en attente de validation par le Département")

    import cjeune_app.core.models  # noqa: F401  (every table, so that foreign keys resolve)

    with Session(engine_for(app_server.db_url)) as session:
        create_back_office_account(session, role="agent", email="agent@departement13.fr", first_name="Marc",
                                   last_name="Olive", password="Departement13")
        session.commit()
    sign_in(phone, app_server, "gestion", "agent@departement13.fr", "Departement13")
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Marc")
    phone.locator("#a-traiter-structures").click()  # the agent home: "N structure(s) en attente de validation"
    expect(phone.locator("h1")).to_have_text("Structures en attente de validation")
    card = phone.locator(".demande-partenaire", has_text="Judo Club d'Arles")
    expect(card).to_contain_text("SIRET 73282932000074")
    expect(card).to_contain_text("Arles")
    assert_page_healthy(phone)
    card.get_by_role("button", name="Valider Judo Club d'Arles").click()
    expect(phone.locator("#avis")).to_contain_text("« Judo Club d'Arles » est validée")
    expect(phone.locator(".demande-partenaire", has_text="Judo Club d'Arles")).to_have_count(0)
    assert app_mail_to(app_server, "contact@judoarles.fr")[-1]["Subject"].startswith("Votre structure est validée")

    phone.goto(app_server.base_url + "/tableau-de-bord")
    wait_for_app(phone)
    phone.get_by_role("button", name="Se déconnecter").click()
    expect(phone).to_have_url(re.compile(r"/connexion/?$"))

    sign_in(phone, app_server, "partenaire", "contact@judoarles.fr", "Tatami2026")
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Judo Club d'Arles")


def test_the_agents_queue_sends_visitors_to_the_back_office_sign_in(app_server, phone):
    phone.goto(app_server.base_url + "/admin/partenaires")
    expect(phone).to_have_url(re.compile(r"/connexion/gestion$"))
