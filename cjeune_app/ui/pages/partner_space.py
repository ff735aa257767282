"""/espace-partenaire: the frame shared by the partner pages (who is signed in, navigation) and
the guard every one of them goes through.

Each partner page's state mixes in `PartnerPage` (the `PrivatePage` guard set for partners: no
session, or another role, goes to the partner sign-in page) and registers `on_load=XState.open_page`;
its `_opened(actor)` starts with `await self._frame(actor)`, which fills the shared frame. Every
later event asks `await self._actor()` again (None: redirect to `PARTNER_SIGN_IN`), so a list left
open after a sign-out does nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.use_cases import partners
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage
from cjeune_app.ui.theme import BRAND_BLUE

PARTNER_SIGN_IN = routes.PARTNER_SIGN_IN
SECTIONS = [
    ("Encaisser", routes.PARTNER_CHECKOUT, "Scanner ou saisir la carte, débiter, remettre le reçu."),
    ("Paiements", routes.PARTNER_PAYMENTS, "Consulter les paiements d'une période, en annuler un."),
    ("Relevés mensuels", routes.PARTNER_STATEMENTS, "Totaux par mois, relevés CSV et PDF pour le remboursement."),
    ("Bons plans", routes.PARTNER_OFFERS, "Publier, modifier ou dépublier vos offres."),
    ("Clés d'API", routes.PARTNER_API_KEYS, "Brancher votre caisse ou votre logiciel sur l'API."),
    ("Coordonnées bancaires", routes.PARTNER_BANK_DETAILS, "Le compte où le Département vous rembourse."),
]


class PartnerPage(PrivatePage, mixin=True):
    """The guard of the partner pages (see the module's docstring)."""

    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.PARTNER,)
    sign_in_route: ClassVar[str] = routes.PARTNER_SIGN_IN
    refused_route: ClassVar[str] = routes.PARTNER_SIGN_IN

    async def _frame(self, actor: Actor) -> None:
        """Shows who is signed in in the frame of the page (`partner_page`)."""
        home = partners.partner_home(actor)  # no database read: the actor holds the name
        (await self.get_state(PartnerSpaceState)).partner_name = home.name


class PartnerSpaceState(PartnerPage, rx.State):
    """The frame of the partner pages, and the home of the space."""

    partner_name: str = ""

    async def _opened(self, actor: Actor) -> Any:
        await self._frame(actor)


    async def _enter(self) -> int | None:
        """on_load of a partner page not yet on `PartnerPage`: the partner's id, or None."""
        actor = await self._actor()
        if actor is None or actor.role is not Role.PARTNER or actor.partner_id is None:
            return None
        await self._frame(actor)
        return actor.partner_id


def partner_nav(current: str) -> rx.Component:
    """The sections of the space; the current one is plain text marked as the current page."""
    def item(label: str, href: str) -> rx.Component:
        if label == current:
            return rx.text(label, size="2", weight="bold", aria_current="page", color="var(--gray-12)")
        return rx.link(label, href=href, size="2", weight="bold", color=BRAND_BLUE)

    return rx.el.nav(
        rx.flex(
            item("Espace partenaire", routes.PARTNER_SPACE),
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
