"""Signing in on a phone: "Qui suis-je ?", a pupil's first sign-in with the temporary password,
the forced change with its live rules, "Rester connecté ?", sign-out, and the lock after 5 failures."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.checks import assert_page_healthy, wait_for_app


def demo_pupil(app_server, login: str) -> dict:
    return next(p for p in app_server.demo["pupils"] if p["login"] == login)


def open_pupil_sign_in(phone, app_server) -> None:
    phone.goto(app_server.base_url + "/connexion")
    wait_for_app(phone)
    expect(phone.locator("h1")).to_have_text("Qui suis-je ?")
    phone.get_by_role("link", name=re.compile("^Collégien·ne")).click()
    expect(phone.locator("h1")).to_have_text("Connexion — Collégien·ne")


def enter_identifier_and_password(phone, login: str, password: str) -> None:
    phone.get_by_label("Identifiant Eduprovence").fill(login)
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.locator("#identifiant-saisi")).to_have_text(login)
    phone.get_by_label("Mot de passe", exact=True).fill(password)
    phone.get_by_role("button", name="Se connecter").click()


def test_who_am_i_offers_the_four_profiles_and_the_back_office_door(app_server, phone):
    phone.goto(app_server.base_url + "/connexion")
    wait_for_app(phone)
    for profile in ("Collégien·ne", "Parent", "Jeune", "Partenaire"):
        expect(phone.get_by_role("heading", name=profile, exact=True)).to_be_visible()
    expect(phone.get_by_role("link", name="Espace agents et établissements")).to_be_visible()
    assert_page_healthy(phone)


def test_pupil_first_sign_in_replaces_the_temporary_password(app_server, phone):
    julie = demo_pupil(app_server, "fernandezj@eduprovence.fr")
    temporary = julie["temporary_password"]
    open_pupil_sign_in(phone, app_server)
    assert_page_healthy(phone)
    enter_identifier_and_password(phone, "fernandezj@eduprovence.fr", temporary)

    expect(phone.get_by_role("heading", name="Choisissez votre mot de passe")).to_be_visible()
    assert_page_healthy(phone)
    phone.get_by_label("Mot de passe temporaire").fill(temporary)
    new, confirm = phone.get_by_label("Nouveau mot de passe", exact=True), phone.get_by_label(
        "Confirmez le nouveau mot de passe")

    # the rules are ticked live as the user types
    new.fill("soleil")
    expect(phone.locator("li.regle-ok")).to_have_count(1)
    expect(phone.locator("li.regle-ok")).to_contain_text("Au moins 1 minuscule")
    new.fill("Soleil2026")
    expect(phone.locator("li.regle-ok")).to_have_count(4)

    # a weak password is refused with exactly the rules it breaks
    new.fill("soleil")
    confirm.fill("soleil")
    phone.get_by_role("button", name="Valider mon mot de passe").click()
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("Le mot de passe doit comporter au moins 8 caractères.")
    expect(alert).to_contain_text("Le mot de passe doit comporter au moins 1 lettre majuscule.")
    expect(alert).to_contain_text("Le mot de passe doit comporter au moins 1 chiffre.")
    expect(alert).not_to_contain_text("minuscule")

    # the temporary password cannot be kept
    new.fill(temporary)
    confirm.fill(temporary)
    phone.get_by_role("button", name="Valider mon mot de passe").click()
    expect(phone.get_by_role("alert")).to_have_text(
        "Le nouveau mot de passe doit être différent du mot de passe temporaire.")

    new.fill("Soleil2026")
    confirm.fill("Soleil2026")
    phone.get_by_role("button", name="Valider mon mot de passe").click()
    expect(phone.get_by_role("heading", name="Rester connecté ?")).to_be_visible()
    phone.get_by_role("button", name="Oui").click()

    expect(phone).to_have_url(re.compile(r"/tableau-de-bord/?$"))
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Julie")
    assert_page_healthy(phone)
    kept = {c["name"]: c for c in phone.context.cookies()}["cjeune_session"]
    assert kept["value"] and kept["expires"] > time.time() + 29 * 24 * 3600  # "Oui": kept 30 days
    assert kept["sameSite"] == "Strict" and kept["httpOnly"]  # no script reads it
    phone.reload()
    wait_for_app(phone)
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Julie")

    phone.get_by_role("button", name="Se déconnecter").click()
    expect(phone).to_have_url(re.compile(r"/connexion/?$"))
    phone.goto(app_server.base_url + "/tableau-de-bord")
    expect(phone).to_have_url(re.compile(r"/connexion$"))

    # the new password works, the temporary one no longer does
    open_pupil_sign_in(phone, app_server)
    enter_identifier_and_password(phone, "fernandezj@eduprovence.fr", temporary)
    expect(phone.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect.")
    phone.get_by_label("Mot de passe", exact=True).fill("Soleil2026")
    phone.get_by_role("button", name="Se connecter").click()
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Julie")
    cookies = {c["name"]: c for c in phone.context.cookies()}
    assert not cookies.get("cjeune_session", {}).get("value")
    assert cookies["cjeune_session_tab"]["value"] and cookies["cjeune_session_tab"]["expires"] == -1


def test_a_sign_in_under_way_goes_on_after_the_page_reloads(app_server, phone):
    """A reload (or the socket reconnecting after a network cut or a worker's restart, which runs the
    page's load again) keeps the identifier typed and the password already verified."""
    hugo = next(p for p in app_server.demo["pupils"] if p["name"] == "Hugo Rossi-Giraud")
    open_pupil_sign_in(phone, app_server)
    phone.get_by_label("Identifiant Eduprovence").fill(hugo["login"])
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.locator("#identifiant-saisi")).to_have_text(hugo["login"])
    phone.reload()
    wait_for_app(phone)
    expect(phone.locator("#identifiant-saisi")).to_have_text(hugo["login"])
    phone.get_by_label("Mot de passe", exact=True).fill(hugo["temporary_password"])
    phone.get_by_role("button", name="Se connecter").click()
    expect(phone.get_by_role("heading", name="Choisissez votre mot de passe")).to_be_visible()

    phone.reload()
    wait_for_app(phone)
    expect(phone.get_by_role("heading", name="Choisissez votre mot de passe")).to_be_visible()
    phone.get_by_label("Mot de passe temporaire").fill(hugo["temporary_password"])
    phone.get_by_label("Nouveau mot de passe", exact=True).fill("Calanques2026")
    phone.get_by_label("Confirmez le nouveau mot de passe").fill("Calanques2026")
    phone.get_by_role("button", name="Valider mon mot de passe").click()
    expect(phone.get_by_role("heading", name="Rester connecté ?")).to_be_visible()
    phone.reload()
    wait_for_app(phone)
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Hugo")
    assert_page_healthy(phone)

    # a sign-in that went through is over: the door's page starts a new one
    phone.goto(app_server.base_url + "/connexion/collegien")
    wait_for_app(phone)
    expect(phone.get_by_label("Identifiant Eduprovence")).to_have_value("")


def test_five_wrong_passwords_lock_the_account_with_the_time_to_retry(app_server, phone):
    open_pupil_sign_in(phone, app_server)
    phone.get_by_label("Identifiant Eduprovence").fill("durandp@eduprovence.fr")
    phone.get_by_role("button", name="Suivant").click()
    for attempt in range(5):
        phone.get_by_label("Mot de passe", exact=True).fill(f"Mauvais{attempt}x")
        phone.get_by_role("button", name="Se connecter").click()
        expected = "Compte verrouillé" if attempt == 4 else "Identifiant ou mot de passe incorrect."
        expect(phone.get_by_role("alert")).to_contain_text(expected, timeout=20_000)  # five argon2 checks
    expect(phone.get_by_role("alert")).to_have_text(
        re.compile(r"Compte verrouillé après 5 mots de passe erronés : réessayez à \d{1,2} h \d{2}\."))
    # even the right password is refused until then
    paul = demo_pupil(app_server, "durandp@eduprovence.fr")
    phone.get_by_label("Mot de passe", exact=True).fill(paul["temporary_password"])
    phone.get_by_role("button", name="Se connecter").click()
    expect(phone.get_by_role("alert")).to_contain_text("Compte verrouillé")
    assert_page_healthy(phone)


def test_parent_activates_the_account_from_the_e_mail_and_sees_the_child(app_server, phone, monkeypatch):
    from sqlmodel import Session, select

    import cjeune_app.core.models  # noqa: F401  (every table, so that foreign keys resolve)
    from cjeune_app.core.accounts.parents import create_or_get_parent_for_enrollment
    from cjeune_app.core.db import engine_for
    from cjeune_app.core.establishments.models import Pupil
    from tests.support.mail import SmtpServer, links_in

    smtp = SmtpServer()
    smtp.start()
    try:
        monkeypatch.setenv("CJEUNE_SMTP_URL", smtp.url)
        monkeypatch.setenv("CJEUNE_PUBLIC_URL", app_server.base_url)
        with Session(engine_for(app_server.db_url)) as session:  # what the enrollment's last step does
            # the demo's Léa Martin (other tests add pupils named Léa)
            lea = session.exec(select(Pupil).where(Pupil.first_name == "Léa", Pupil.last_name == "Martin")
                               .order_by(Pupil.id)).first()
            create_or_get_parent_for_enrollment(session, "sofia.martin@exemple.fr", "Sofia", "Martin", lea.id)
            session.commit()
        [mail] = smtp.messages("sofia.martin@exemple.fr")
    finally:
        smtp.stop()
    [link] = [link for link in links_in(mail) if "/connexion/activation?jeton=" in link]

    phone.goto(link)
    wait_for_app(phone)
    expect(phone.locator("h1")).to_have_text("Activez votre compte")
    expect(phone.locator("#bonjour-lien")).to_have_text("Bonjour Sofia,")
    assert_page_healthy(phone)
    phone.get_by_label("Mot de passe", exact=True).fill("calanques")
    phone.get_by_label("Confirmez le mot de passe").fill("calanques")
    phone.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(phone.get_by_role("alert")).to_contain_text("Le mot de passe doit comporter au moins 1 lettre majuscule.")
    phone.get_by_label("Mot de passe", exact=True).fill("Calanques13")
    phone.get_by_label("Confirmez le mot de passe").fill("Calanques13")
    phone.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(phone.locator("#lien-termine")).to_contain_text("Votre compte est activé.")

    phone.get_by_role("link", name="Se connecter").click()
    expect(phone.locator("h1")).to_have_text("Connexion — Parent")
    phone.get_by_label("Adresse e-mail").fill("sofia.martin@exemple.fr")
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Mot de passe", exact=True).fill("Calanques13")
    phone.get_by_role("button", name="Se connecter").click()
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#bonjour")).to_have_text("Bonjour Sofia")
    expect(phone.locator("#enfants")).to_have_text("Léa Martin")
    assert_page_healthy(phone)

    phone.goto(link)  # the link works once
    wait_for_app(phone)
    expect(phone.get_by_role("alert")).to_contain_text("Ce lien n'est plus valable")
