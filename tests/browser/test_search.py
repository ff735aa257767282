"""Trouver un partenaire, on a phone: type, filter, open a partner, switch to the map, bons plans."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.checks import assert_page_healthy, wait_for_app


@pytest.fixture
def offline_tiles(phone):
    """Map tiles come from OpenStreetMap; tests answer them locally (no network here)."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 236, 240)).save(buffer, "PNG")
    tile = buffer.getvalue()
    phone.route(re.compile(r"https://tile\.openstreetmap\.org/.*"),
                lambda route: route.fulfill(body=tile, content_type="image/png"))
    return phone


def results(page):
    return page.locator("article.partner-result h2")


def test_search_filter_open_a_partner_and_see_the_map(app_server, offline_tiles):
    phone = offline_tiles
    phone.goto(app_server.base_url + "/partenaires")
    wait_for_app(phone)
    box = phone.get_by_label("Que recherchez-vous ?")

    box.fill("theatre aix")  # no accent, lower case, commune as a word
    expect(results(phone).first).to_have_text("Théâtre de la Cigale")
    # "theatre" meets "Théâtrale": the compagnie of Aix comes too
    expect(results(phone).filter(has_text="Compagnie Théâtrale de Aix-en-Provence")).to_have_count(1)
    expect(phone.locator("#search-summary")).to_have_text("2 partenaires")

    box.fill("judo marseille")  # an arrondissement counts as Marseille
    expect(results(phone).filter(has_text="Judo Club du Vieux-Port")).to_have_count(1)

    box.fill("cours de maths")  # "de" ignored, "maths" means mathématiques, "cours" soutien scolaire
    expect(phone.locator("article.partner-result").first).to_contain_text("Soutien scolaire")
    found = phone.locator("article.partner-result").all_inner_texts()
    assert found and all("Soutien scolaire" in text for text in found[:3])

    box.fill("judo trampoline marseille")  # no partner has every word: the closest ones
    expect(phone.locator("#search-approaching")).to_contain_text("Résultats approchants")
    expect(phone.locator("#search-approaching")).to_contain_text("« trampoline »")
    expect(results(phone).filter(has_text="Judo Club du Vieux-Port")).to_have_count(1)

    box.fill("natatoin")  # one typo forgiven
    expect(results(phone).first).to_contain_text("Natation")
    expect(phone.get_by_text("Recherche élargie aux mots proches")).to_be_visible()

    box.fill("")
    phone.get_by_text("Filtres et tri").click()
    phone.get_by_label("Catégorie").select_option("soutien_scolaire")
    expect(phone.locator("article.partner-result").first).to_contain_text("Soutien scolaire")
    categories = phone.locator("article.partner-result").all_inner_texts()
    assert categories and all("Soutien scolaire" in text for text in categories)
    assert_page_healthy(phone)

    phone.get_by_label("Catégorie").select_option("")
    box.fill("cigale")
    expect(results(phone).first).to_have_text("Théâtre de la Cigale")  # seen before tapped, as a person does
    results(phone).first.click()
    expect(phone).to_have_url(re.compile(r"/partenaires/\d+$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Théâtre de la Cigale")
    expect(phone.get_by_text("Accepte la carte")).to_contain_text("Sport & Culture")
    assert_page_healthy(phone)

    phone.go_back()
    wait_for_app(phone)
    phone.get_by_label("Que recherchez-vous ?").fill("natation")
    expect(results(phone).first).to_contain_text("Natation")
    phone.get_by_role("radio", name="Carte").click()
    expect(phone.get_by_role("region", name="Carte des partenaires")).to_be_visible()
    expect(phone.locator(".leaflet-interactive").first).to_be_attached()  # one marker per result


def test_sorting_by_distance_from_a_chosen_commune(app_server, phone):
    phone.goto(app_server.base_url + "/partenaires")
    wait_for_app(phone)
    phone.get_by_text("Filtres et tri").click()
    phone.get_by_label("Près de").select_option(label="Aubagne")
    first = phone.locator("article.partner-result").first
    expect(first).to_contain_text("Aubagne")
    distances = phone.locator("article.partner-result").all_inner_texts()[:5]
    kilometres = [float(re.search(r"à ([\d,]+) km", text).group(1).replace(",", ".")) for text in distances]
    assert kilometres == sorted(kilometres)


def test_bons_plans_lists_only_current_offers_soonest_first(app_server, phone):
    phone.goto(app_server.base_url + "/bons-plans")
    wait_for_app(phone)
    cards = phone.locator("article.offer-result")
    expect(cards.first).to_be_visible()
    dates = [re.search(r"Expire le (\d\d)/(\d\d)/(\d{4})", t).groups() for t in cards.all_inner_texts()]
    as_sortable = [(int(y), int(m), int(d)) for d, m, y in dates]
    assert as_sortable == sorted(as_sortable)
    assert_page_healthy(phone)


def test_filters_show_as_chips_and_live_in_the_url(app_server, phone):
    phone.goto(app_server.base_url + "/partenaires")
    wait_for_app(phone)
    summary = phone.locator("#search-summary")
    expect(summary).to_contain_text("partenaires")
    everyone = summary.inner_text()

    phone.get_by_label("Que recherchez-vous ?").fill("judo")
    expect(phone).to_have_url(re.compile(r"\?q=judo$"))
    phone.get_by_text("Filtres et tri").click()
    phone.get_by_label("Catégorie").select_option("sport")
    phone.get_by_label("Commune", exact=True).select_option(label="Marseille")
    chips = phone.get_by_role("group", name="Filtres actifs")
    expect(chips.get_by_role("button", name="Retirer le filtre Marseille")).to_be_visible()
    expect(chips.get_by_role("button", name="Retirer le filtre Sport")).to_be_visible()
    expect(phone.locator(".filters-summary")).to_contain_text("2 actifs")
    expect(phone).to_have_url(re.compile(r"\?q=judo&categorie=sport&commune=13055$"))
    filtered = phone.locator("article.partner-result").all_inner_texts()
    assert filtered and all("Marseille" in text and "Sport" in text for text in filtered)
    marseille_only = summary.inner_text()

    # the same search, reloaded from its address: same results
    phone.reload()
    wait_for_app(phone)
    expect(summary).to_have_text(marseille_only)
    expect(phone.get_by_label("Que recherchez-vous ?")).to_have_value("judo")
    expect(results(phone).first).to_be_visible()
    assert phone.locator("article.partner-result").all_inner_texts() == filtered

    # a chip removed: the list widens, the address follows; back puts the filter back
    chips.get_by_role("button", name="Retirer le filtre Marseille").click()
    expect(phone).to_have_url(re.compile(r"\?q=judo&categorie=sport$"))
    expect(summary).not_to_have_text(marseille_only)
    phone.go_back()
    expect(phone).to_have_url(re.compile(r"commune=13055"))
    expect(summary).to_have_text(marseille_only)
    expect(chips.get_by_role("button", name="Retirer le filtre Marseille")).to_be_visible()

    phone.get_by_role("button", name="Tout effacer").click()
    expect(phone.get_by_role("group", name="Filtres actifs")).to_have_count(0)
    expect(phone).to_have_url(re.compile(r"/partenaires\?q=judo$"))
    assert_page_healthy(phone)

    # from the menu: a fresh search, no filter left over
    phone.goto(app_server.base_url + "/partenaires")
    wait_for_app(phone)
    expect(summary).to_have_text(everyone)
    expect(phone.get_by_role("group", name="Filtres actifs")).to_have_count(0)


def test_no_result_in_a_commune_offers_to_look_around_it(app_server, phone):
    phone.goto(app_server.base_url + "/partenaires?q=judo&commune=13093")  # Saint-Estève-Janson: no partner there
    wait_for_app(phone)
    expect(phone.locator("#search-summary")).to_contain_text("Aucun partenaire ne correspond")
    phone.get_by_role("button", name="Chercher autour de Saint-Estève-Janson").click()
    expect(results(phone).first).to_contain_text("Judo")
    expect(phone.get_by_role("button", name="Retirer le filtre Près de Saint-Estève-Janson")).to_be_visible()
    first = phone.locator("article.partner-result").first.inner_text()
    assert re.search(r"à [\d,]+ km", first)


def test_the_map_shows_every_result_of_the_search(app_server, offline_tiles):
    phone = offline_tiles
    phone.goto(app_server.base_url + "/partenaires")
    wait_for_app(phone)
    total = int(re.match(r"(\d+) partenaires", phone.locator("#search-summary").inner_text()).group(1))
    assert total > 20  # more than the list's first page
    phone.get_by_role("radio", name="Carte").click()
    expect(phone).to_have_url(re.compile(r"vue=carte"))
    region = phone.get_by_role("region", name="Carte des partenaires")
    expect(region).to_have_attribute("data-points", str(total))
    expect(region.locator(".marker-cluster").first).to_be_visible()
    # every point is on the map: alone, or counted in a group
    phone.wait_for_function(
        """total => {
            const alone = document.querySelectorAll('.partner-marker').length;
            const grouped = [...document.querySelectorAll('.marker-cluster span')]
                .reduce((sum, span) => sum + Number(span.textContent), 0);
            return alone + grouped === total;
        }""", arg=total)
    assert_page_healthy(phone)
