"""The public pages a parent finds first, on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_page_healthy, wait_for_app

PUBLIC_PAGES = [
    ("/", "150 € par an pour le sport, la culture et le soutien scolaire"),
    ("/faq", "Questions fréquentes"),
    ("/mentions-legales", "Mentions légales"),
    ("/confidentialite", "Politique de confidentialité"),
    ("/conditions-utilisation", "Conditions d'utilisation"),
    ("/contact", "Contact"),
    ("/accessibilite", "Déclaration d'accessibilité"),
]


@pytest.mark.parametrize("path,title", PUBLIC_PAGES)
def test_public_page_renders_in_french_on_a_phone(app_server, phone, path, title):
    phone.goto(app_server.base_url + path)
    wait_for_app(phone)
    assert phone.locator("h1").inner_text().strip() == title
    assert_page_healthy(phone)


def test_home_explains_the_card_and_shows_navigation_and_assistance(app_server, phone):
    phone.goto(app_server.base_url + "/")
    wait_for_app(phone)
    nav = phone.get_by_role("navigation", name="Navigation principale")
    for label in ("Trouver un partenaire", "FAQ", "Connexion"):
        assert nav.get_by_role("link", name=label).is_visible()
    main = phone.locator("main").text_content()
    for fact in ("100 €", "Sport & Culture", "50 €", "Soutien scolaire", "Bouches-du-Rhône",
                 "fernandezj@eduprovence.fr", "Eduprovence"):
        assert fact in main
    footer = phone.locator("footer")
    assert footer.get_by_role("link", name="☎ 04 86 68 47 44").is_visible()
    assert footer.get_by_role("link", name="contact@cjeunedeprovence.fr").is_visible()
    for legal in ("Mentions légales", "Politique de confidentialité", "Conditions d'utilisation",
                  "Accessibilité : partiellement conforme"):
        footer.get_by_role("link", name=legal).scroll_into_view_if_needed()
        assert footer.get_by_role("link", name=legal).is_visible()


def test_faq_search_filters_questions_while_typing(app_server, phone):
    phone.goto(app_server.base_url + "/faq")
    wait_for_app(phone)
    questions = phone.locator("article.faq-entry h2")
    total = questions.count()
    assert total >= 10

    phone.get_by_label("Rechercher dans la FAQ").fill("photo")
    phone.wait_for_function(f"() => document.querySelectorAll('article.faq-entry').length < {total}")
    shown = questions.all_inner_texts()
    assert "Quelle photo faut-il fournir ?" in shown
    assert "Ma carte est perdue ou volée : que faire ?" not in shown

    phone.get_by_label("Rechercher dans la FAQ").fill("oublie MOT de passe")  # accents and case ignored
    expect(questions.filter(has_text="Mon enfant a oublié son mot de passe : que faire ?")).to_be_visible()
    expect(questions.filter(has_text="Quelle photo faut-il fournir ?")).to_have_count(0)

    phone.get_by_label("Rechercher dans la FAQ").fill("xylophone")
    expect(questions).to_have_count(0)
    expect(phone.locator("#faq-summary")).to_contain_text("Aucune question ne correspond")


FIRST_PAGES = ["/", "/partenaires", "/connexion", "/tableau-de-bord", "/faq", "/connexion/parent",
               "/bons-plans", "/connexion/jeune/inscription"]


def test_pages_answer_at_once_with_or_without_their_slash_in_french_with_a_description(app_server):
    """A link typed, shared or e-mailed without its trailing slash costs no 307 round trip; every page
    says it is in French and describes itself for search engines."""
    import re

    import httpx

    for path in FIRST_PAGES:
        for form in {path, path.rstrip("/") + "/"}:
            answer = httpx.get(app_server.base_url + form, follow_redirects=False, timeout=10)
            assert answer.status_code == 200, (form, answer.status_code, answer.headers.get("location"))
            html = answer.text
            assert '<html lang="fr"' in html, form
            assert re.search(r"<title>[^<]+ \| CJeune de Provence</title>|<title>Accueil", html), form
            description = re.search(r'<meta content="([^"]{50,})" name="description"/>', html)
            assert description and "CJeune" in description.group(1), form
    robots = httpx.get(app_server.base_url + "/robots.txt", timeout=10)
    assert robots.status_code == 200 and "Disallow: /api/" in robots.text
    assert "/tableau-de-bord" not in robots.text  # the installed app's start page stays crawlable
