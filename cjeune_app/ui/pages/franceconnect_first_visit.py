"""/connexion/parent/franceconnect: the first visit after FranceConnect confirmed who the guardian is.
The guardian proves which Parent they are (the mobile number the school has, the SMS code, each
child's birth date); the FranceConnect identity is then linked to that Parent account and the next
visits sign in directly.

The first visit's ticket is an HttpOnly cookie set by the return route: read here from the
websocket's request headers (server side), kept in a backend-only variable, never sent to the page.
"""

from __future__ import annotations

import asyncio
from http.cookies import CookieError, SimpleCookie

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.errors import Refusal
from cjeune_app.core.franceconnect.web import ARRIVAL_COOKIE
from cjeune_app.core.use_cases import franceconnect
from cjeune_app.ui.components.forms import error_message
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.pages.sign_in import NARROW


def arrival_ticket(cookie_header: str) -> str:
    try:
        morsel = SimpleCookie(cookie_header or "").get(ARRIVAL_COOKIE)
    except CookieError:
        return ""
    return morsel.value if morsel is not None else ""


class FirstVisitState(rx.State):
    ready: bool = False
    full_name: str = ""
    error: str = ""
    _ticket: str = ""

    @rx.event
    async def open_page(self):
        self.ready, self.error = False, ""
        self._ticket = arrival_ticket(self.router.headers.cookie)
        try:
            found = await asyncio.to_thread(franceconnect.arrival, self._ticket)
        except Refusal as refusal:
            self.error = refusal.message
            return
        self.full_name = f"{found.given_name} {found.family_name}".strip()
        self.ready = True


def first_visit_page() -> rx.Component:
    return page_layout(
        rx.link("← Connexion Parent", href=routes.sign_in_door("parent"), size="2"),
        page_title("Première connexion avec FranceConnect"),
        error_message(FirstVisitState.error),
        rx.cond(
            FirstVisitState.ready,
            rx.card(
                rx.vstack(
                    rx.text("FranceConnect a confirmé votre identité : ", rx.el.strong(FirstVisitState.full_name),
                            "."),
                    rx.text("Pour relier cette identité à votre compte Parent, confirmez que vous êtes bien le parent "
                            "de vos enfants collégiens : le numéro de mobile connu du collège, le code reçu par SMS, "
                            "puis la date de naissance de chacun de vos enfants. Ensuite, vous vous connecterez "
                            "directement avec FranceConnect."),
                    spacing="3",
                ),
                width="100%", padding="1.25rem",
            ),
        ),
        rx.cond(FirstVisitState.error != "",
                rx.link("Recommencer", href=routes.sign_in_door("parent"), underline="always")),
        width=NARROW,
    )
