"""Header, footer and the frame of every page (landmarks, skip link, one h1 per page)."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from cjeune_app import routes
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE, ASSISTANCE_PHONE_URI
from cjeune_app.ui.state import SessionState
from cjeune_app.ui.theme import BRAND_BLUE, MAX_WIDTH


def page_link(*children: rx.Component | str | rx.Var, href: str | rx.Var, class_name: str | rx.Var = "lien",
              **props) -> rx.Component:
    """A link to a page of the site, followed without reloading the page (as `rx.link`), without the
    theme's styled component around it (styles.css: .lien, .lien-gras, .lien-souligne...)."""
    return ReactRouterLink.create(*children, to=href, class_name=class_name, **props)


def logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.text("CJEUNE", font_weight="900", font_size="1.5rem", color=BRAND_BLUE,
                    letter_spacing="0.02em"),
            rx.text("de Provence", font_weight="600", font_size="1rem", color=BRAND_BLUE),
            align="baseline",
            spacing="1",
        ),
        href=routes.HOME,
        underline="none",
    )


def _nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, weight="bold", size="2", color=BRAND_BLUE,
                   underline="hover", white_space="nowrap", padding_y="0.5rem")


def site_header() -> rx.Component:
    return rx.el.header(
        rx.link("Aller au contenu", href="#contenu", class_name="skip-link"),
        rx.box(
            rx.hstack(
                rx.link(ASSISTANCE_PHONE, href=ASSISTANCE_PHONE_URI, size="1", color="white",
                        _hover={"color": "white"}),
                rx.link(ASSISTANCE_EMAIL, href=f"mailto:{ASSISTANCE_EMAIL}", size="1", color="white",
                        _hover={"color": "white"}),
                justify="end",
                spacing="4",
                max_width=MAX_WIDTH,
                margin_x="auto",
                padding_x="1rem",
                padding_y="0.25rem",
            ),
            background=BRAND_BLUE,
        ),
        rx.flex(
            logo(),
            rx.el.nav(
                rx.hstack(
                    _nav_link("Trouver un partenaire", routes.PARTNERS_SEARCH),
                    _nav_link("FAQ", routes.FAQ),
                    rx.cond(  # signed in: the way back to one's own space, not a second sign-in
                        SessionState.first_name != "",
                        rx.link(rx.button("Mon espace", size="2", variant="solid"), href=routes.DASHBOARD),
                        rx.link(rx.button("Connexion", size="2", variant="solid"), href=routes.SIGN_IN),
                    ),
                    spacing="4",
                    align="center",
                ),
                aria_label="Navigation principale",
            ),
            justify="between",
            align="center",
            wrap="wrap",
            gap="0.5rem",
            max_width=MAX_WIDTH,
            margin_x="auto",
            padding_x="1rem",
            padding_y="0.75rem",
        ),
        border_bottom="1px solid var(--gray-5)",
        background="white",
    )


def _footer_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, size="2", color="white", underline="always", _hover={"color": "white"})


def site_footer() -> rx.Component:
    return rx.el.footer(
        rx.vstack(
            rx.heading("Besoin d'aide ?", as_="h2", size="4", color="white"),
            rx.text("L'assistance CJeune de Provence vous répond :", size="2", color="white"),
            # White under the pointer too: the theme's hover colour is unreadable on the blue footer.
            rx.link(f"☎ {ASSISTANCE_PHONE}", href=ASSISTANCE_PHONE_URI, size="3", color="white",
                    weight="bold", _hover={"color": "white"}),
            rx.link(ASSISTANCE_EMAIL, href=f"mailto:{ASSISTANCE_EMAIL}", size="3", color="white",
                    weight="bold", _hover={"color": "white"}),
            rx.el.nav(
                rx.flex(
                    _footer_link("Mentions légales", routes.LEGAL_NOTICE),
                    _footer_link("Politique de confidentialité", routes.PRIVACY),
                    _footer_link("Conditions d'utilisation", routes.TERMS),
                    _footer_link("Contact", routes.CONTACT),
                    _footer_link("Accessibilité : partiellement conforme", routes.ACCESSIBILITY),
                    _footer_link("FAQ", routes.FAQ),
                    wrap="wrap",
                    gap="0.75rem 1.25rem",
                ),
                aria_label="Informations légales",
            ),
            rx.text("© Département des Bouches-du-Rhône", size="1", color="white"),
            spacing="3",
            max_width=MAX_WIDTH,
            margin_x="auto",
            padding="1.5rem 1rem",
        ),
        background=BRAND_BLUE,
        margin_top="3rem",
    )


def page_layout(*children: rx.Component, width: str = MAX_WIDTH) -> rx.Component:
    return rx.box(
        site_header(),
        rx.el.main(
            rx.box(*children, max_width=width, margin_x="auto", padding_x="1rem", padding_y="1.5rem"),
            id="contenu",
            tab_index=-1,
            flex="1",  # short pages: the footer stays at the bottom of the screen
        ),
        site_footer(),
        min_height="100vh",
        display="flex",
        flex_direction="column",
        overflow_x="hidden",
    )


def page_title(text: str, subtitle: str | None = None) -> rx.Component:
    parts = [rx.heading(text, as_="h1", size="7", color=BRAND_BLUE)]
    if subtitle:
        parts.append(rx.text(subtitle, size="3", color_scheme="gray"))
    return rx.vstack(*parts, spacing="2", margin_bottom="1.25rem")
