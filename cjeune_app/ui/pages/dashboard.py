"""/tableau-de-bord: the signed-in home. For now the shell: who is signed in, children of a
parent, sign-out. Balances, card and photo come with their own issues."""

from __future__ import annotations

import reflex as rx

from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import SessionState


def dashboard_page() -> rx.Component:
    return page_layout(
        page_title("Tableau de bord"),
        rx.cond(
            SessionState.first_name != "",
            rx.vstack(
                rx.heading(f"Bonjour {SessionState.first_name}", as_="h2", size="6", id="bonjour"),
                rx.text("Compte : ", SessionState.role_label, size="2"),
                rx.cond(
                    SessionState.children.length() > 0,
                    rx.vstack(
                        rx.heading("Mes enfants", as_="h2", size="5"),
                        rx.el.ul(rx.foreach(SessionState.children, lambda name: rx.el.li(name)),
                                 id="enfants"),
                        spacing="2",
                    ),
                ),
                rx.cond(SessionState.role == "partenaire",
                        rx.link("Espace partenaire : encaisser, paiements, bons plans", href="/espace-partenaire",
                                id="lien-espace-partenaire")),
                rx.cond(SessionState.role == "agent",
                        rx.link("Structures en attente de validation", href="/admin/partenaires")),
                rx.cond(SessionState.role == "agent", rx.link("Photos à vérifier", href="/admin/photos")),
                rx.cond((SessionState.role == "collegien") | (SessionState.role == "parent"),
                        rx.hstack(rx.link("Inscription à la carte", href="/inscription"),
                                  rx.link("Photo d'identité", href="/photo"), spacing="4", wrap="wrap")),
                rx.button("Se déconnecter", on_click=SessionState.sign_out, variant="outline", size="3"),
                spacing="4",
            ),
            rx.text("Chargement…", size="2"),
        ),
    )
