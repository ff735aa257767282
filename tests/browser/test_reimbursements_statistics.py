"""The back office's money views with the demo data, on a phone (390×844) and on a desktop:
an agent prepares October's reimbursement batch, generates the SEPA file (valid pain.001, total equal
to the partners' statements), marks it sent, and the partner reads "Remboursé le … (virement …)";
the statistics page shows its charts and exports its tables as CSV."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.db import engine_for, utcnow
from cjeune_app.core.formats import paris_today
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.partners.statements import Month, monthly_totals
from cjeune_app.core.reimbursements.batches import of_month
from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.chromium import PHONE
from tests.browser.family import screenshot
from tests.browser.test_partner_sign_up import sign_in
from tests.core.reimbursements.builders import transfers, valid_pain_001

AGENT_EMAIL = "agent.remboursements@departement13.fr"
PASSWORD = "Provence2026"
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def agent_login(app_server):
    json.loads(app_server.cli("create-user", "--role", "agent", "--email", AGENT_EMAIL, "--first-name", "Alix",
                              "--last-name", "Agent", "--password-stdin", "--json", input=PASSWORD + "\n"))
    return AGENT_EMAIL


def open_as_agent(page, app_server, path: str) -> None:
    sign_in(page, app_server, "gestion", AGENT_EMAIL, PASSWORD)
    page.get_by_role("button", name="Non").click()
    page.wait_for_url(lambda url: "/connexion" not in url)
    page.goto(app_server.base_url + path)
    wait_for_app(page)


def owed_until(db_url: str, partner_id: int, last: Month) -> int:
    """What the partner's statements of every month up to `last` say the Département owes."""
    with Session(engine_for(db_url)) as s:
        totals = monthly_totals(s, partner_id, months=24, today=dt.date(last.year, last.month, 1))
    return sum(t.net_cents for t in totals if (t.month.year, t.month.month) <= (last.year, last.month))


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_months_batch_is_generated_sent_and_read_by_the_partner(app_server, agent_login, phone, desktop, chromium):
    last_month = Month.of(paris_today()).previous()
    open_as_agent(phone, app_server, "/admin/remboursements")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Remboursements des partenaires")
    expect(phone.get_by_label("Mois à rembourser")).to_have_value(last_month.code)
    expect(phone.locator("#rapprochement")).to_be_visible()
    assert_page_healthy(phone)
    phone.get_by_role("button", name="Préparer le lot").click()
    expect(phone.locator("#avis")).to_contain_text(f"Lot {of_month(last_month)} préparé")
    expect(phone.locator(".virement").first).to_be_visible()
    assert_page_healthy(phone)
    screenshot(phone, "admin-remboursements-lot-prepare")
    phone.get_by_role("button", name="Générer le fichier de virement (SEPA)").click()
    expect(phone.locator("#avis")).to_contain_text("Fichier de virement SEPA")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Télécharger le fichier SEPA (XML)").click()
    xml = Path(download.value.path()).read_bytes()
    sent = transfers(valid_pain_001(xml))  # the XSD of pain.001.001.03 says it is valid
    assert sent and download.value.suggested_filename == f"virements-cjeune-{last_month.code}.xml"
    total_shown = phone.locator("#total-lot").inner_text()
    assert total_shown.replace("\u202f", " ").replace("\xa0", " ") == (
        f"{sum(c for _, c in sent.values()) / 100:,.2f} €".replace(",", " ").replace(".", ","))
    # each transfer is what that partner's statements up to the month say it is owed
    for reference, (_iban, cents) in sent.items():
        partner_id = int(reference.rsplit("-P", 1)[1])
        assert cents == owed_until(app_server.db_url, partner_id, last_month), reference
    phone.get_by_role("button", name="Marquer le lot comme envoyé").click()
    expect(phone.locator("#avis")).to_contain_text("marqué envoyé")
    screenshot(phone, "admin-remboursements-lot-envoye")

    # the partner of the first transfer reads it on its statements (desktop)
    reference = sorted(sent)[0]
    partner_id = int(reference.rsplit("-P", 1)[1])
    login = f"compta{partner_id}@partenaire-demo.fr"
    with Session(engine_for(app_server.db_url)) as s:
        assert s.get(Partner, partner_id) is not None
        if s.exec(select(Account).where(Account.login == login)).first() is None:
            s.add(Account(role="partenaire", login=login, email=login, password_hash=hash_password(PASSWORD),
                          partner_id=partner_id, email_verified_at=utcnow()))
            s.commit()
    sign_in(desktop, app_server, "partenaire", login, PASSWORD)
    desktop.get_by_role("button", name="Non").click()
    desktop.wait_for_url(lambda url: "/connexion" not in url)
    desktop.goto(app_server.base_url + "/espace-partenaire/releves")
    wait_for_app(desktop)
    month_card = desktop.locator(".mois").filter(has_text=last_month.label.capitalize())
    expect(month_card.locator(".rembourse")).to_contain_text(f"Remboursé le {paris_today():%d/%m/%Y} (virement {reference})")
    assert_page_healthy(desktop)
    screenshot(desktop, "releves-rembourse")
    desktop.goto(app_server.base_url + "/espace-partenaire/coordonnees-bancaires")
    wait_for_app(desktop)
    expect(desktop.locator("#iban-enregistre")).to_contain_text("FR76 •••• ••••")
    desktop.get_by_label("Nom du titulaire du compte").fill("Club démo")
    desktop.get_by_label("IBAN").fill("FR76 3000 4000 0000 0000 0000 152")
    desktop.get_by_label("BIC").fill("BNPAFRPP")
    desktop.get_by_label("Votre mot de passe (pour confirmer)").fill(PASSWORD)
    desktop.get_by_role("button", name="Enregistrer les coordonnées bancaires").click()
    expect(desktop.locator("#erreur-iban")).to_contain_text("IBAN invalide")
    assert_page_healthy(desktop)
    desktop.get_by_label("IBAN").fill("FR76 3000 4000 0000 0000 0000 151")
    desktop.get_by_role("button", name="Enregistrer les coordonnées bancaires").click()
    expect(desktop.locator("#avis")).to_contain_text("Coordonnées bancaires enregistrées")
    expect(desktop.locator("#iban-enregistre")).to_contain_text("FR76 •••• •••• 0151")

    # another agent, at a desk, reads the sent batch: same file, same total, the books still balanced
    context = chromium.new_context(viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris")
    agent_desk = context.new_page()
    agent_desk.set_default_timeout(15_000)
    try:
        open_as_agent(agent_desk, app_server, "/admin/remboursements")
        expect(agent_desk.locator("#rapprochement")).to_be_visible()
        agent_desk.get_by_role("button", name=f"Voir le lot {of_month(last_month)}").click()
        expect(agent_desk.locator("#lot-choisi")).to_have_text(f"Lot {of_month(last_month)}")
        expect(agent_desk.locator("#total-lot")).to_have_text(total_shown)
        expect(agent_desk.get_by_role("button", name="Marquer le lot comme envoyé")).to_have_count(0)
        assert_page_healthy(agent_desk)
        with agent_desk.expect_download() as again:
            agent_desk.get_by_role("button", name="Télécharger le fichier SEPA (XML)").click()
        assert transfers(valid_pain_001(Path(again.value.path()).read_bytes())) == sent
        screenshot(agent_desk, "admin-remboursements-bureau")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_statistics_page_charts_the_demo_season(app_server, agent_login, chromium, viewport):
    context = chromium.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        open_as_agent(page, app_server, "/admin/statistiques")
        expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques")
        expect(page.get_by_label("Saison")).to_have_value("2026-2027")
        charts = page.locator(".graphique .recharts-wrapper")
        expect(charts).to_have_count(7)
        expect(page.locator(".graphique .recharts-bar-rectangle").first).to_be_visible()
        # credited, spent, expired, then the agents' manual corrections on lines of their own
        expect(page.locator(".statistique-montants tbody tr")).to_have_count(5)
        expect(page.locator(".statistique-montants tbody")).to_contain_text("corrections créditées (manuelles)")
        expect(page.locator(".statistique-partenaires tbody tr").first).to_be_visible()
        assert_page_healthy(page)
        screenshot(page, f"admin-statistiques-{viewport['width']}")
        with page.expect_download() as download:
            page.get_by_role("button", name="Exporter en CSV : Montants crédités, dépensés, expirés et corrigés").click()
        body = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert body.splitlines()[0] == "mouvement;montant_centimes;montant" and "crédité;" in body
    finally:
        context.close()
