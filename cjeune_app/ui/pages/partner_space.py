"""/espace-partenaire: the frame shared by the partner pages (who is signed in, navigation) and
the guard every one of them and every action goes through.

The state holds only what the screen shows; each action finds the partner again from the session
token on the server (core.accounts), so a list left open after a sign-out does nothing.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.db import session_scope
from cjeune_app.core.partners.api import partner_id_for_session
from cjeune_app.core.partners.models import Partner
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import SessionState
from cjeune_app.ui.theme import BRAND_BLUE

SPACE_ROUTE = "/espace-partenaire"
PARTNER_SIGN_IN = "/connexion/partenaire"
SECTIONS = [
    ("Encaisser", f"{SPACE_ROUTE}/encaisser", "Scanner ou saisir la carte, débiter, remettre le reçu."),
    ("Paiements", f"{SPACE_ROUTE}/paiements", "Consulter les paiements d'une période, en annuler un."),
    ("Relevés mensuels", f"{SPACE_ROUTE}/releves", "Totaux par mois, relevés CSV et PDF pour le remboursement."),
    ("Bons plans", f"{SPACE_ROUTE}/bons-plans", "Publier, modifier ou dépublier vos offres."),
    ("Clés d'API", f"{SPACE_ROUTE}/cles-api", "Brancher votre caisse ou votre logiciel sur l'API."),
]


def partner_id_for_token(token: str) -> int | None:
    """The validated partner of a signed-in partner account, or None."""
    if not token:
        return None
    with session_scope() as session:  # writing: a short session's expiry is pushed back
        return partner_id_for_session(session, token)


def _partner_name(partner_id: int) -> str:
    with session_scope(read_only=True) as session:
        partner = session.get(Partner, partner_id)
        return partner.name if partner else ""


class PartnerSpaceState(rx.State):
    partner_name: str = ""

    async def _partner_id(self) -> int | None:
        session_state = await self.get_state(SessionState)
        return await asyncio.to_thread(partner_id_for_token, session_state._token())

    async def _enter(self) -> int | None:
        """on_load of every partner page: the partner's id, or None after arranging the redirect."""
        partner_id = await self._partner_id()
        if partner_id is not None:
            self.partner_name = await asyncio.to_thread(_partner_name, partner_id)
        return partner_id

    @rx.event
    async def load_home(self):
        if await self._enter() is None:
            return rx.redirect(PARTNER_SIGN_IN)


def partner_nav(current: str) -> rx.Component:
    """The sections of the space; the current one is plain text marked as the current page."""
    def item(label: str, href: str) -> rx.Component:
        if label == current:
            return rx.text(label, size="2", weight="bold", aria_current="page", color="var(--gray-12)")
        return rx.link(label, href=href, size="2", weight="bold", color=BRAND_BLUE)

    return rx.el.nav(
        rx.flex(
            item("Espace partenaire", SPACE_ROUTE),
            *[item(label, href) for label, href, _ in SECTIONS],
            wrap="wrap", gap="0.5rem 1rem",
        ),
        aria_label="Espace partenaire",
        margin_bottom="1rem",
    )


def partner_page(title: str, *children: rx.Component, subtitle: str | None = None) -> rx.Component:
    return page_layout(
        partner_nav(title),
        page_title(title, subtitle),
        rx.cond(
            PartnerSpaceState.partner_name != "",
            rx.vstack(*children, spacing="4", width="100%"),
            rx.text("Chargement…", size="2"),
        ),
        width="40rem",
    )


def partner_home_page() -> rx.Component:
    return partner_page(
        "Espace partenaire",
        rx.text(PartnerSpaceState.partner_name, weight="bold", size="4", id="structure"),
        rx.vstack(
            *[
                rx.link(
                    rx.card(
                        rx.heading(label, as_="h2", size="4"),
                        rx.text(description, size="2", color_scheme="gray"),
                        width="100%",
                    ),
                    href=href, underline="none", width="100%",
                )
                for label, href, description in SECTIONS
            ],
            spacing="3", width="100%",
        ),
    )
