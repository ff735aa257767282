"""Families prepared through core in the running app's database, and their sign-in on a phone.

Each test makes its own youths (demo pupils are shared with the sign-in tests): the enrollment is
completed with the stepper's own core calls, the photo goes through core's photo processing, and
the accounts get a known password so that the test signs in through the real pages.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image
from playwright.sync_api import expect
from sqlmodel import Session, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.accounts.staff import create_back_office_account
from cjeune_app.core.db import engine_for
from cjeune_app.core.enrollment.api import complete, save_step
from cjeune_app.core.establishments.api import establishment_by_uai
from cjeune_app.core.photos.api import reject_photo, submit_photo
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.settings import reload_settings
from tests.browser.checks import wait_for_app

PASSWORD = "Calanques2026"
_serial = itertools.count(1)


@dataclass(frozen=True)
class Youth:
    pupil_id: int
    account_id: int
    login: str
    first_name: str
    last_name: str


@contextmanager
def app_db(app_server):
    """A transaction on the running app's database (committed at the end)."""
    with Session(engine_for(app_server.db_url), expire_on_commit=False) as session:
        yield session
        session.commit()


@contextmanager
def app_data_dir(app_server):
    """Photos and e-mails written by core land in the app's own private folder."""
    before = os.environ.get("CJEUNE_DATA_DIR")
    os.environ["CJEUNE_DATA_DIR"] = str(app_server.data_dir)
    reload_settings()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CJEUNE_DATA_DIR")
        else:
            os.environ["CJEUNE_DATA_DIR"] = before
        reload_settings()


def portrait_jpeg() -> bytes:
    image = Image.new("RGB", (700, 900), (214, 196, 170))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def complete_enrollment(session: Session, pupil_id: int, guardian_email: str, guardian=("Ricci", "Nadia")) -> None:
    """What the stepper's "Suivant" ×2 and "Terminer" do (the Parent account comes with it)."""
    season = current_season(session)
    save_step(session, pupil_id, season, 1, {"guardian_last_name": guardian[0], "guardian_first_name": guardian[1]})
    result = save_step(session, pupil_id, season, 2, {
        "address_line": "12 rue de la République", "address_complement": "", "postal_code": "13100",
        "commune_insee": "13001", "email": guardian_email, "email_confirmation": guardian_email,
        "mobile": "", "optin_email": False, "optin_sms": False,
    })
    assert result.ok, result.errors
    assert complete(session, pupil_id, season, True).ok


AGENT_LOGIN = "agent.cartes@departement13.fr"


def agent_account(session: Session) -> Account:
    agent = session.exec(select(Account).where(Account.login == AGENT_LOGIN)).first()
    if agent is None:
        agent, _ = create_back_office_account(session, role="agent", email=AGENT_LOGIN, first_name="Camille",
                                              last_name="Agent", password=PASSWORD)
    return agent


def make_youth(app_server, first_name: str, last_name: str, *, enrolled: bool = True, photo: str | None = "pending",
               guardian_email: str | None = None, school_uai: str | None = None) -> Youth:
    """A pupil of a demo school with an Eduprovence account whose password is PASSWORD."""
    with app_data_dir(app_server), app_db(app_server) as session:
        school = establishment_by_uai(session, school_uai or app_server.demo["establishments"][0]["uai"])
        pupil, account, _ = create_pupil_with_account(session, school, last_name, first_name,
                                                      dt.date(2013, 5, 4), "5e D")
        account.password_hash, account.must_change_password = hash_password(PASSWORD), False
        session.add(account)
        session.flush()
        if enrolled:
            complete_enrollment(session, pupil.id, guardian_email or f"famille{next(_serial)}.{pupil.id}@exemple.fr")
        if photo:
            submitted = submit_photo(session, pupil.id, portrait_jpeg(), None)
            if photo == "rejected":
                reject_photo(session, submitted.id, agent_account(session).id, "La photo est floue.")
        return Youth(pupil.id, account.id, account.login, first_name, last_name)


def set_password(app_server, login: str) -> None:
    with app_db(app_server) as session:
        account = session.exec(select(Account).where(Account.login == login)).one()
        account.password_hash, account.must_change_password = hash_password(PASSWORD), False
        session.add(account)


def sign_in(phone, app_server, door: str, login: str, password: str = PASSWORD) -> None:
    """Through the real pages: identifier, "Suivant", password, "Se connecter", "Rester connecté ? Non"."""
    phone.goto(f"{app_server.base_url}/connexion/{door}")
    wait_for_app(phone)
    phone.locator("#champ-login").fill(login)
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Mot de passe", exact=True).fill(password)
    phone.get_by_role("button", name="Se connecter").click()
    phone.get_by_role("button", name="Non").click()
    expect(phone).to_have_url(re.compile(r"/tableau-de-bord"))
    wait_for_app(phone)
