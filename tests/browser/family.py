"""Helpers of the enrollment and photo browser tests: pupils made in the app's database through
core, signing in as a family or an agent, JPEGs made with Pillow, screenshots to look at."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import expect
from sqlmodel import Session, select

from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.db import engine_for
from cjeune_app.core.establishments.models import Establishment
from tests.browser.checks import wait_for_app
from tests.browser.chromium import ARTIFACTS

PASSWORD = "Soleil2026"
SCREENS = ARTIFACTS / "screens"


def app_session(app_server) -> Session:
    return Session(engine_for(app_server.db_url), expire_on_commit=False)


def new_pupil(app_server, last_name: str, first_name: str, birth=dt.date(2013, 5, 4),
              class_name="5e C") -> dict:
    """A pupil of the demo's first school whose password was already chosen (PASSWORD)."""
    with app_session(app_server) as session:
        school = session.exec(select(Establishment).order_by(Establishment.id)).first()
        pupil, account, _ = create_pupil_with_account(session, school, last_name, first_name, birth, class_name)
        account.password_hash, account.must_change_password = hash_password(PASSWORD), False
        session.add(account)
        session.commit()
        return {"pupil_id": pupil.id, "login": account.login, "school": school.name}


def sign_in(page, app_server, door: str, login: str, password: str = PASSWORD, remember: bool = True) -> None:
    page.goto(f"{app_server.base_url}/connexion/{door}")
    wait_for_app(page)
    page.locator("#champ-login").fill(login)
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Oui" if remember else "Non").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/?$"))
    expect(page.locator("#bonjour")).to_be_visible()


def open_enrollment(page, app_server) -> None:
    page.goto(f"{app_server.base_url}/inscription")
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("INSCRIPTION À LA CARTE CJEUNE DE PROVENCE")


def next_button(page):
    return page.locator("#bouton-suivant")


def expect_step(page, number: int, title: str) -> None:
    expect(page.locator("#etape-courante")).to_have_text(f"Étape {number} sur 4")
    expect(page.locator("#titre-etape")).to_have_text(f"{number}. {title}")
    expect(page.locator("[aria-current=step]")).to_have_text(f"{number}. {title}")


def fill_step_one(page, last_name="Martin", first_name="Sofia") -> None:
    page.get_by_label("Nom du représentant légal (parent, tuteur ...) *").fill(last_name)
    page.get_by_label("Prénom du représentant légal *").fill(first_name)


def fill_step_two(page, email: str, postal_code="13090", town="Aix-en-Provence",
                  street="8 place des Prêcheurs") -> None:
    page.get_by_label("Adresse postale *").fill(street)
    page.get_by_label("Code postal *").fill(postal_code)
    town_field = page.get_by_label("Ville *")
    expect(town_field).to_have_value(town)  # the only commune behind this postal code, picked
    page.get_by_label("Adresse email *", exact=True).fill(email)
    page.get_by_label("Confirmation de l'adresse email *").fill(email)


def field_error(page, field_id: str, message: str | re.Pattern) -> None:
    """The message is beside the field, which says so to screen readers."""
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby") or ""
    error_id = next(i for i in described_by.split() if i.startswith("erreur-"))
    expect(page.locator(f"#{error_id}")).to_have_text(message)


def photo_jpeg(path: Path, width=1200, height=1600) -> Path:
    """A phone-like portrait: a face-ish oval on a light background."""
    image = Image.new("RGB", (width, height), (225, 230, 235))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.2, width * 0.7, height * 0.6), fill=(205, 160, 130))
    draw.rectangle((width * 0.2, height * 0.65, width * 0.8, height), fill=(40, 70, 140))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    path.write_bytes(buffer.getvalue())
    return path


def screenshot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
