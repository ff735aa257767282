"""The page of an address that leads nowhere: in French, in the site's frame, with ways back."""

from __future__ import annotations

import reflex as rx

from cjeune_app import routes
from cjeune_app.ui.components.layout import page_layout, page_title


def not_found_page() -> rx.Component:
    return page_layout(
        page_title("Page introuvable", "L'adresse demandée n'existe pas ou n'existe plus."),
        rx.text("Vérifiez l'adresse saisie, ou reprenez depuis l'une de ces pages :", size="3"),
        rx.el.ul(
            rx.el.li(rx.link("Accueil", href=routes.HOME, underline="always")),
            rx.el.li(rx.link("Mon tableau de bord", href=routes.DASHBOARD, underline="always")),
            rx.el.li(rx.link("Trouver un partenaire", href=routes.PARTNERS_SEARCH, underline="always")),
            rx.el.li(rx.link("Questions fréquentes", href=routes.FAQ, underline="always")),
            id="liens-retour",
            class_name="liens-compte",
        ),
        width="40rem",
    )
