"""The page a signed-in person who is not an agent reaches from any /admin page: the back office is
the Département's, and the way back to their own space (a visitor without a session is sent to the
back office's sign-in instead)."""

from __future__ import annotations

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.enums import Role
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import SessionState

OWN_SPACE = {  # role: (address, link)
    Role.ESTABLISHMENT: (routes.SCHOOL, "Aller à l'espace établissement"),
    Role.PARTNER: (routes.PARTNER_SPACE, "Aller à l'espace partenaire"),
}
DEFAULT_SPACE = (routes.DASHBOARD, "Aller à mon tableau de bord")


class AccessRefusedState(rx.State):
    space_href: str = DEFAULT_SPACE[0]
    space_label: str = DEFAULT_SPACE[1]

    @rx.event
    async def open_page(self):
        actor = await (await self.get_state(SessionState))._load()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        self.space_href, self.space_label = OWN_SPACE.get(actor.role, DEFAULT_SPACE)
        return None


def access_refused_page() -> rx.Component:
    return page_layout(
        page_title("Accès réservé aux agents du Département",
                   "Ces pages servent aux agents du Département des Bouches-du-Rhône qui gèrent la carte "
                   "CJeune de Provence. Votre compte n'y a pas accès."),
        rx.link(AccessRefusedState.space_label, href=AccessRefusedState.space_href, underline="always",
                weight="bold", id="lien-mon-espace"),
        width="40rem",
    )
