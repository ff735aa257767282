"""The photo's round trip on a phone: the family sends a photo from /photo, an agent refuses it
from /admin/photos with a reason, the family sees the reason and sends a new one."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.checks import assert_page_healthy, wait_for_app
from tests.browser.family import new_pupil, photo_jpeg, screenshot, sign_in

AGENT_PASSWORD = "Provence2026"


def test_an_agent_refuses_a_photo_and_the_family_sees_why_then_sends_another(app_server, phone, chromium, tmp_path):
    pupil = new_pupil(app_server, "Fabre", "Lucas")
    sign_in(phone, app_server, "collegien", pupil["login"])
    phone.locator(".a-faire").filter(has_text="Ajouter une photo d'identité").get_by_role(
        "link", name="Ajouter une photo").click()  # the dashboard's to-do
    expect(phone.get_by_role("heading", level=1)).to_have_text("Photo d'identité")
    expect(phone.locator("#etat-photo")).to_have_text("Photo à ajouter")
    assert_page_healthy(phone)
    phone.locator("[data-testid=photo-file]").set_input_files(str(photo_jpeg(tmp_path / "lucas.jpg")))
    phone.get_by_role("button", name="Valider la photo").click()
    expect(phone.locator("#etat-photo")).to_have_text("Photo en cours de vérification")
    expect(phone.locator("#avis-photo")).to_contain_text("La nouvelle photo est enregistrée")

    created = json.loads(app_server.cli("create-user", "--role", "agent", "--email", "agent.photos@departement13.fr",
                                        "--first-name", "Camille", "--last-name", "Agent", "--password-stdin",
                                        "--json", input=AGENT_PASSWORD + "\n"))
    assert created
    agent_context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    try:
        agent = agent_context.new_page()
        agent.set_default_timeout(15_000)
        sign_in(agent, app_server, "gestion", "agent.photos@departement13.fr", AGENT_PASSWORD)
        agent.locator("#a-traiter-photos").click()  # the agent home: "N photo(s) à vérifier"
        expect(agent.get_by_role("heading", level=1)).to_have_text("Photos à vérifier")
        card = agent.locator(".photo-a-verifier").filter(has_text="Lucas Fabre")
        image = card.get_by_role("img", name="Photo d'identité de Lucas Fabre")
        expect(image).to_be_visible()
        agent.wait_for_function("(img) => img.complete && img.naturalWidth === 413", arg=image.element_handle())
        screenshot(agent, "admin-photos")
        assert_page_healthy(agent)
        card.get_by_label("Motif du refus").select_option("La photo est floue.")
        card.get_by_role("button", name="Refuser la photo de Lucas Fabre").click()
        expect(agent.locator("#avis")).to_have_text(
            "Photo refusée : la famille voit le motif et peut en envoyer une nouvelle.")
        expect(agent.locator(".photo-a-verifier").filter(has_text="Lucas Fabre")).to_have_count(0)
    finally:
        agent_context.close()

    # the family sees the reason on the dashboard, then on the photo page it leads to
    phone.goto(app_server.base_url + "/tableau-de-bord")
    wait_for_app(phone)
    refused = phone.locator(".a-faire").filter(has_text="La photo d'identité a été refusée.")
    expect(refused).to_contain_text("La photo est floue.")
    screenshot(phone, "tableau-de-bord-photo-refusee")
    refused.get_by_role("link").click()
    expect(phone).to_have_url(re.compile(r"/photo$"))
    wait_for_app(phone)
    expect(phone.locator("#etat-photo")).to_have_text("Photo refusée")
    expect(phone.locator("#motif-photo")).to_have_text("Motif du refus : La photo est floue.")
    screenshot(phone, "photo-refusee")
    assert_page_healthy(phone)

    phone.locator("[data-testid=photo-file]").set_input_files(str(photo_jpeg(tmp_path / "nette.jpg", 1500, 2000)))
    phone.get_by_role("button", name="Valider la photo").click()
    expect(phone.locator("#etat-photo")).to_have_text("Photo en cours de vérification")
    expect(phone.locator("#motif-photo")).to_have_count(0)
    expect(phone.get_by_role("img", name=re.compile("Photo d'identité actuelle de Lucas Fabre"))).to_be_visible()
