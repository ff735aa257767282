"""Téléservices on a phone: a school opens the bourse, a parent sends a request with an avis PDF and
gets the accusé de réception, the school grants it, the parent sees the decision; the form refused
when the school closed it and outside the Département's window; the fiche corrected by the parent
and seen by the staff."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

import cjeune_app.core.models  # noqa: F401  (every table known to the metadata, for the inserts below)
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.staff import create_back_office_account
from cjeune_app.core.checksums import uai_key
from cjeune_app.core.dates import paris_today
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.guardians.models import Guardian
from cjeune_app.core.seasons.api import season_code_for
from cjeune_app.core.teleservices.models import CampaignWindow
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.families import AGENT_LOGIN, PASSWORD, agent_account, app_db, make_youth

AVIS_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _new_school(app_server) -> tuple[str, str]:
    """A collège of its own for the test (its openings do not touch the other tests)."""
    digits = f"013{uuid.uuid4().int % 10_000:04d}"
    with app_db(app_server) as session:
        name = f"Collège Cézanne {digits}"
        session.add(Establishment(uai=digits + uai_key(digits), name=name, commune_insee="13001"))
    return digits + uai_key(digits), name


def _staff(app_server, uai: str) -> str:
    email = f"secretariat-{uuid.uuid4().hex[:8]}@college.fr"
    with app_db(app_server) as session:
        school = session.exec(select(Establishment).where(Establishment.uai == uai)).one()
        create_back_office_account(session, role=Role.ESTABLISHMENT, email=email, first_name="Nadia",
                                   last_name="Benali", establishment_id=school.id, password=PASSWORD)
    return email


def _parent_of(app_server, uai: str, first_name: str) -> tuple[int, str]:
    email = f"parent-{uuid.uuid4().hex[:8]}@exemple.fr"
    youth = make_youth(app_server, first_name, "Arnaud", photo=None, guardian_email=email, school_uai=uai)
    with app_db(app_server) as session:
        parent = session.exec(select(Account).where(Account.login == email)).one()
        parent.password_hash, parent.must_change_password = hash_password(PASSWORD), False
        session.add(parent)
    return youth.pupil_id, email


def _sign_in(phone, app_server, door: str, login: str) -> None:
    phone.context.clear_cookies()
    phone.goto(f"{app_server.base_url}/connexion/{door}")
    wait_for_app(phone)
    phone.locator("#champ-login").fill(login)
    phone.get_by_role("button", name="Suivant").click()
    phone.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    phone.get_by_role("button", name="Se connecter").click()
    phone.get_by_role("button", name="Non").click()
    expect(phone.locator("#bonjour")).to_be_visible()


def _open(phone, app_server, path: str) -> None:
    phone.goto(app_server.base_url + path)
    wait_for_app(phone)


def test_school_opens_parent_sends_with_an_avis_school_grants_parent_sees_it(app_server, phone, tmp_path):
    uai, school_name = _new_school(app_server)
    staff = _staff(app_server, uai)
    pupil_id, parent = _parent_of(app_server, uai, "Inès")

    # Not opened yet: the family sees it closed by the school, the form refuses the same way.
    _sign_in(phone, app_server, "parent", parent)
    phone.locator("#lien-services-en-ligne").click()
    expect(phone.locator("h1")).to_have_text("Services en ligne")
    bourse = phone.locator(f"#service-{pupil_id}-bourse_college")
    expect(bourse.locator(".etat-service")).to_contain_text("Fermé par l'établissement")
    _open(phone, app_server, f"/services-en-ligne/bourse?enfant={pupil_id}")
    expect(phone.locator("#refus")).to_contain_text("Fermé par l'établissement")
    expect(phone.locator("#demande-papier")).to_contain_text("formulaire CERFA")

    # The school opens it.
    _sign_in(phone, app_server, "gestion", staff)
    phone.locator("#lien-teleservices").click()
    expect(phone.locator("h1")).to_have_text("Téléservices")
    assert_page_healthy(phone)
    phone.get_by_role("button", name="Ouvrir : Demande de bourse de collège").click()
    expect(phone.locator("#service-bourse_college .etat-service")).to_contain_text("Ouvert jusqu'au")
    expect(phone.locator("#service-bourse_college .modifie-par")).to_contain_text("Ouvert par Nadia le")

    # The parent fills in the three steps, attaches the avis (PDF) and sends.
    _sign_in(phone, app_server, "parent", parent)
    _open(phone, app_server, "/services-en-ligne")
    expect(bourse.locator(".etat-service")).to_contain_text("Ouvert jusqu'au")
    bourse.get_by_role("link", name=re.compile("Ouvrir")).click()
    expect(phone.locator("#etape-courante")).to_have_text("Étape 1 sur 3")
    assert_page_healthy(phone)
    phone.get_by_label("Responsables légaux du foyer (nom et prénom) *").fill("")  # may start with the school's record
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.locator("#erreur-guardians")).to_be_visible()
    phone.get_by_label("Responsables légaux du foyer (nom et prénom) *").fill("Sofia Arnaud")
    phone.get_by_label("Nombre d'enfants à charge *").fill("2")
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.locator("#etape-courante")).to_have_text("Étape 2 sur 3")
    phone.get_by_label("Revenu fiscal de référence (en euros) *").fill("11 000")
    phone.get_by_label("Année de l'avis d'imposition *").fill(str(paris_today().year))
    phone.locator("#champ-avis").set_input_files({"name": "avis.pdf", "mimeType": "application/pdf",
                                                  "buffer": AVIS_PDF})
    phone.get_by_role("button", name="Joindre l'avis").click()
    expect(phone.locator("#avis-joint")).to_have_text("Avis d'imposition joint (PDF)")
    assert_page_healthy(phone)
    phone.get_by_role("button", name="Suivant").click()
    expect(phone.locator("#etape-courante")).to_have_text("Étape 3 sur 3")
    expect(phone.locator("#estimation")).to_contain_text("Échelon 2 estimé")
    # The draft is in the database: a reload comes back to step 3.
    phone.reload()
    wait_for_app(phone)
    expect(phone.locator("#etape-courante")).to_have_text("Étape 3 sur 3")
    phone.get_by_label(re.compile("J'atteste sur l'honneur")).check()
    assert_page_healthy(phone)
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.locator("#reference")).to_contain_text(f"BC-{season_code_for(paris_today())[:4]}-")
    reference = phone.locator("#reference").inner_text()
    with phone.expect_download() as download:
        phone.locator("#accuse-reception").click()
    path = tmp_path / "accuse.pdf"
    download.value.save_as(path)
    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert reference in text and "Inès Arnaud" in text and school_name in text

    # The school grants it.
    _sign_in(phone, app_server, "gestion", staff)
    _open(phone, app_server, "/etablissement/teleservices")
    phone.locator("#filtre-a_instruire").click()
    request = phone.locator("[id^=demande-]").first
    expect(request).to_contain_text("Arnaud Inès")
    expect(request).to_contain_text("avis joint")
    link = request.get_by_role("link", name="Voir l'avis d'imposition joint")
    expect(link).to_have_attribute("href", re.compile(r"^/etablissement/teleservices/bourses/\d+/avis$"))
    opened = phone.request.get(app_server.base_url + link.get_attribute("href"))  # the staff's session
    assert opened.status == 200 and opened.body() == AVIS_PDF
    request.get_by_label("Échelon accordé").select_option("2")
    request.get_by_role("button", name="Accorder").click()
    expect(phone.locator("#avis-action")).to_contain_text("Arnaud Inès : Accordée")
    phone.locator("#filtre-accordees").click()
    expect(phone.locator("[id^=demande-]").first.locator(".decision")).to_contain_text("échelon 2")
    assert_page_healthy(phone)

    # The parent sees the decision.
    _sign_in(phone, app_server, "parent", parent)
    _open(phone, app_server, "/services-en-ligne")
    expect(bourse.locator(".decision")).to_have_text("Bourse accordée : échelon 2 (315 € par an).")
    assert_page_healthy(phone)

    # The Département's agents see the figures of that collège.
    with app_db(app_server) as session:
        agent_account(session)
    _sign_in(phone, app_server, "gestion", AGENT_LOGIN)
    phone.get_by_role("link", name=re.compile("Téléservices")).click()
    expect(phone.locator("h1")).to_have_text("Téléservices")
    expect(phone.locator("#catalogue-bourse_college .fenetre")).to_contain_text("du 01/09/")
    expect(phone.locator("#chiffres tr", has_text=school_name)).to_contain_text("bourse ouverte")
    assert phone.locator("#chiffres tr", has_text=school_name).locator("td").all_inner_texts()[1:4] == ["1", "0", "1"]
    assert_page_healthy(phone)


def test_the_form_is_refused_when_the_school_closed_it_and_outside_the_window(app_server, phone):
    closed_school = app_server.demo["establishments"][1]["uai"]  # the demo leaves it closed
    pupil_id, parent = _parent_of(app_server, closed_school, "Malo")
    _sign_in(phone, app_server, "parent", parent)
    _open(phone, app_server, "/services-en-ligne")
    expect(phone.locator(f"#service-{pupil_id}-bourse_college .etat-service")).to_contain_text(
        "Fermé par l'établissement")
    expect(phone.locator(f"#service-{pupil_id}-bourse_college").get_by_role("link")).to_have_count(0)
    assert_page_healthy(phone)
    _open(phone, app_server, f"/services-en-ligne/bourse?enfant={pupil_id}")
    expect(phone.locator("#refus")).to_contain_text("Fermé par l'établissement")

    # The demo's open collège, once the Département's window is over.
    open_school = app_server.demo["establishments"][0]["uai"]
    other_id, other_parent = _parent_of(app_server, open_school, "Zoé")
    season = season_code_for(paris_today())
    yesterday = paris_today() - dt.timedelta(days=1)
    with app_db(app_server) as session:
        window = session.exec(select(CampaignWindow).where(CampaignWindow.season_code == season)).one()
        kept = (window.opens_on, window.closes_on)
        window.opens_on, window.closes_on = min(window.opens_on, yesterday), yesterday
        session.add(window)
    try:
        _sign_in(phone, app_server, "parent", other_parent)
        _open(phone, app_server, f"/services-en-ligne/bourse?enfant={other_id}")
        expect(phone.locator("#refus")).to_contain_text(f"au {yesterday:%d/%m/%Y}")
        assert_page_healthy(phone)
        _open(phone, app_server, "/services-en-ligne")
        expect(phone.locator(f"#service-{other_id}-bourse_college .etat-service")).to_contain_text(
            f"au {yesterday:%d/%m/%Y}")
    finally:
        with app_db(app_server) as session:
            window = session.exec(select(CampaignWindow).where(CampaignWindow.season_code == season)).one()
            window.opens_on, window.closes_on = kept
            session.add(window)


def test_the_parent_corrects_the_fiche_and_the_staff_see_the_change(app_server, phone):
    uai, _name = _new_school(app_server)
    staff = _staff(app_server, uai)
    pupil_id, parent = _parent_of(app_server, uai, "Jade")
    with app_db(app_server) as session:
        session.add(Guardian(pupil_id=pupil_id, rank=1, last_name="Arnaud", first_name="Sofia", relation="mere",
                             mobile="+33612345678", email=parent, address="1 rue des Écoles 13100 Aix"))
    _sign_in(phone, app_server, "parent", parent)
    _open(phone, app_server, "/services-en-ligne")
    phone.locator(f"#service-{pupil_id}-fiche_renseignements").get_by_role("link").click()
    expect(phone.locator("h1")).to_have_text("Fiche de renseignements")
    expect(phone.locator("#fiche-g1_mobile")).to_have_value("06 12 34 56 78")
    assert_page_healthy(phone)
    phone.locator("#fiche-g1_mobile").fill("06 99 88 77 66")
    phone.locator("#fiche-g1_address").fill("5 avenue Victor Hugo 13100 Aix-en-Provence")
    phone.get_by_role("button", name="Enregistrer les corrections").click()
    expect(phone.locator("#avis-fiche")).to_contain_text("Vos corrections sont enregistrées")
    expect(phone.locator("#fiche-g1_mobile")).to_have_value("06 99 88 77 66")

    _sign_in(phone, app_server, "gestion", staff)
    _open(phone, app_server, "/etablissement/teleservices")
    changes = phone.locator("#corrections-fiches")
    expect(changes).to_contain_text("Arnaud Jade — Responsable 1 : Sofia Arnaud — le ")
    expect(changes).to_contain_text("Mobile : 06 12 34 56 78 → 06 99 88 77 66")
    expect(changes).to_contain_text("5 avenue Victor Hugo 13100 Aix-en-Provence")
    assert_page_healthy(phone)
