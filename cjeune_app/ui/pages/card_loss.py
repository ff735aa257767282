"""/carte/perte: "Déclarer ma carte perdue ou volée" — only for an activated card. A confirmation
screen (lost or stolen), then the card is blocked at once; back on the dashboard the card shows as
blocked and "Associer une carte" takes the replacement, which carries the remaining balance."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.cards.errors import OnlyActiveCardDeclaredLost
from cjeune_app.core.cards.loss import CardShown
from cjeune_app.core.errors import Forbidden, Refusal
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE, ASSISTANCE_PHONE_URI
from cjeune_app.core.use_cases import cards as card_cases
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.pages.card_association import unbroken
from cjeune_app.ui.pages.dashboard import DashboardState
from cjeune_app.ui.state import PrivatePage

NO_ACCESS = "Vous n'avez pas accès à la carte de ce jeune."
REASON_MISSING = "Indiquez si la carte a été perdue ou volée."
SESSION_EXPIRED = "Votre session a expiré : reconnectez-vous, puis recommencez."


def _prepare(actor: Actor, wanted: str | None) -> dict:
    try:
        screen = card_cases.loss_screen(actor, wanted)
    except Forbidden:
        return {"allowed": False}
    card = screen.card
    return {"allowed": True, "pupil_id": str(screen.family.child.pupil_id), "active": card.state == CardShown.ACTIVE,
            "card_id": str(card.card_id or ""), "card_number": card.masked_number or "",
            "dashboard_href": routes.DASHBOARD + screen.family.child_query}


def _declare(actor: Actor, pupil_id: int, card_id: int, reason: str) -> dict:
    try:
        declared = card_cases.declare_lost(actor, pupil_id, card_id, reason)
    except Refusal as refusal:
        return {"error": refusal.message}
    masked = unbroken(declared.masked_number)
    what = "perdue" if declared.reason == "perte" else "volée"
    return {"message": f"La carte {masked} est déclarée {what} et bloquée : plus aucun paiement n'est "
                       "accepté avec elle. Le solde restant est conservé : associez la nouvelle carte "
                       "remise par l'établissement pour le retrouver."}


class CardLossState(PrivatePage, rx.State):
    ready: bool = False
    allowed: bool = True
    active: bool = False
    pupil_id: str = ""
    card_id: str = ""
    card_number: str = ""
    dashboard_href: str = routes.DASHBOARD
    error: str = ""
    running: bool = False
    _done: bool = False  # declared: later taps queued behind the first do nothing

    async def _opened(self, actor: Actor) -> None:
        prepared = await asyncio.to_thread(_prepare, actor, self.router.url.query_parameters.get("enfant"))
        self.error, self.running, self._done = "", False, False
        self.allowed, self.ready = prepared["allowed"], True
        if self.allowed:
            self.pupil_id, self.active, self.card_id = prepared["pupil_id"], prepared["active"], prepared["card_id"]
            self.card_number, self.dashboard_href = prepared["card_number"], prepared["dashboard_href"]

    @rx.event
    async def confirm(self, form: dict):
        if self.running or self._done:
            return
        reason = form.get("raison", "")
        if reason not in ("perte", "vol"):
            self.error = REASON_MISSING
            return
        actor = await self._actor()
        if actor is None:
            self.error = SESSION_EXPIRED
            return
        self.running, self.error = True, ""
        yield
        try:
            outcome = await asyncio.to_thread(_declare, actor, int(self.pupil_id), int(self.card_id), reason)
        finally:
            self.running = False
        if "error" in outcome:
            self.error = outcome["error"]
            return
        self._done = True
        dashboard = await self.get_state(DashboardState)
        dashboard._flash = outcome["message"]
        yield rx.redirect(self.dashboard_href)


def _reason(value: str, label: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="radio", name="raison", value=value, id=f"raison-{value}", required=True,
                    class_name="choix-radio"),
        label,
        html_for=f"raison-{value}",
        class_name="choix",
    )


def _confirmation() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("La carte ", rx.text(CardLossState.card_number, as_="span", weight="bold", id="carte-a-bloquer"),
                    " sera bloquée immédiatement : plus aucun paiement ne sera accepté avec elle. "
                    "Le solde restant est conservé et passera sur la nouvelle carte quand vous l'associerez.",
                    size="3"),
            rx.el.fieldset(
                rx.el.legend("Que s'est-il passé ?", class_name="legende"),
                _reason("perte", "La carte est perdue"),
                _reason("vol", "La carte a été volée"),
                class_name="groupe-choix",
            ),
            rx.cond(CardLossState.error != "", alert_box(CardLossState.error)),
            rx.button("Bloquer la carte", type="submit", size="4", width="100%", background="#b91c1c",
                      loading=CardLossState.running, disabled=CardLossState.running),
            rx.link("Annuler", href=CardLossState.dashboard_href, align="center", width="100%"),
            spacing="4", width="100%",
        ),
        on_submit=CardLossState.confirm,
        width="100%",
    )


def _assistance() -> rx.Component:
    return rx.text(
        "Vous pouvez aussi déclarer la perte auprès de l'assistance : ",
        rx.link(ASSISTANCE_PHONE, href=ASSISTANCE_PHONE_URI, underline="always"), " ou ",
        rx.link(ASSISTANCE_EMAIL, href=f"mailto:{ASSISTANCE_EMAIL}", underline="always"), ".",
        size="2",
    )


def card_loss_page() -> rx.Component:
    return page_layout(
        page_title("Déclarer ma carte perdue ou volée"),
        rx.cond(
            ~CardLossState.ready,
            rx.text("Chargement…", size="2"),
            rx.cond(
                ~CardLossState.allowed,
                rx.vstack(alert_box(NO_ACCESS), rx.link("Retour au tableau de bord", href=routes.DASHBOARD)),
                rx.vstack(
                    rx.cond(CardLossState.active, _confirmation(),
                            rx.vstack(rx.text(OnlyActiveCardDeclaredLost.message, size="3", id="pas-active"),
                                      rx.link("Retour au tableau de bord", href=CardLossState.dashboard_href))),
                    _assistance(),
                    spacing="5", width="100%",
                ),
            ),
        ),
        width="32rem",
    )
