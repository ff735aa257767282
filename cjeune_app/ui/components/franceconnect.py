"""FranceConnect's button (its own look and wording) and the link explaining what it is."""

from __future__ import annotations

import reflex as rx

from cjeune_app import routes

ABOUT_FRANCECONNECT = "https://franceconnect.gouv.fr/"


def franceconnect_button() -> rx.Component:
    """A link to the HTTP route that sends the browser to FranceConnect: a full page load
    (`reload_document`), not a move between the app's pages."""
    return rx.el.div(
        rx.link(
            rx.el.span("S'identifier avec", class_name="fr-connect__login"),
            rx.el.span("FranceConnect", class_name="fr-connect__brand"),
            href=routes.FRANCECONNECT_START,
            reload_document=True,
            underline="none",
            class_name="fr-connect",
            color="#ffffff",
        ),
        rx.el.p(
            rx.el.a("Qu'est-ce que FranceConnect ?", href=ABOUT_FRANCECONNECT, target="_blank", rel="noopener",
                    title="Qu'est-ce que FranceConnect ? - nouvelle fenêtre"),
        ),
        class_name="fr-connect-group",
    )
