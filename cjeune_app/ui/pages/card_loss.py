"""/carte/perte: "Déclarer ma carte perdue ou volée" — only for an activated card. A confirmation
screen (lost or stolen), then the card is blocked at once; back on the dashboard the card shows as
blocked and "Associer une carte" takes the replacement, which carries the remaining balance."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.cards.api import card_state, declare_lost
from cjeune_app.core.cards.errors import CardNotActive
from cjeune_app.core.dashboard import chosen_pupil
from cjeune_app.core.db import session_scope
from cjeune_app.core.errors import DomainError, Refusal
from cjeune_app.core.partners.sign_in import account_for_token
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE, ASSISTANCE_PHONE_URI
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.pages.card_association import unbroken
from cjeune_app.ui.pages.dashboard import DashboardState, child_query
from cjeune_app.ui.state import SessionState

NO_ACCESS = "Vous n'avez pas accès à la carte de ce jeune."
REASON_MISSING = "Indiquez si la carte a été perdue ou volée."


def _prepare(token: str, wanted: str | None) -> dict | None:
    with session_scope() as session:
        account = account_for_token(session, token)
        if account is None:
            return None
        try:
            child = chosen_pupil(session, account, wanted)
        except Refusal:
            return {"allowed": False}
        card = card_state(session, child.pupil_id)
        return {"allowed": True, "pupil_id": str(child.pupil_id), "active": card.state == "active",
                "card_id": str(card.card_id or ""), "card_number": card.masked_number or "",
                "dashboard_href": "/tableau-de-bord" + child_query(account.role, child.pupil_id)}


def _declare(token: str, pupil_id: int, card_id: int, reason: str) -> dict:
    try:
        with session_scope() as session:
            account = account_for_token(session, token)
            if account is None:
                return {"error": "Votre session a expiré : reconnectez-vous, puis recommencez."}
            card = declare_lost(session, account.id, pupil_id, card_id, reason)
            masked = unbroken(card_state(session, pupil_id).masked_number)
    except DomainError as refusal:
        return {"error": refusal.message}
    what = "perdue" if card.blocked_reason == "perte" else "volée"
    return {"message": f"La carte {masked} est déclarée {what} et bloquée : plus aucun paiement n'est "
                       "accepté avec elle. Le solde restant est conservé : associez la nouvelle carte "
                       "remise par l'établissement pour le retrouver."}


class CardLossState(SessionState):
    ready: bool = False
    allowed: bool = True
    active: bool = False
    pupil_id: str = ""
    card_id: str = ""
    card_number: str = ""
    dashboard_href: str = "/tableau-de-bord"
    error: str = ""
    running: bool = False
    _done: bool = False  # declared: later taps queued behind the first do nothing

    @rx.event
    async def load(self):
        if not await self._load():
            return rx.redirect("/connexion")
        prepared = await asyncio.to_thread(_prepare, self._token(), self.router.url.query_parameters.get("enfant"))
        if prepared is None:
            return rx.redirect("/connexion")
        self.error, self.running, self._done = "", False, False
        self.allowed, self.ready = prepared["allowed"], True
        if self.allowed:
            for name in ("pupil_id", "active", "card_id", "card_number", "dashboard_href"):
                setattr(self, name, prepared[name])

    @rx.event
    async def confirm(self, form: dict):
        if self.running or self._done:
            return
        reason = form.get("raison", "")
        if reason not in ("perte", "vol"):
            self.error = REASON_MISSING
            return
        self.running, self.error = True, ""
        yield
        try:
            outcome = await asyncio.to_thread(_declare, self._token(), int(self.pupil_id), int(self.card_id), reason)
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
                rx.vstack(alert_box(NO_ACCESS), rx.link("Retour au tableau de bord", href="/tableau-de-bord")),
                rx.vstack(
                    rx.cond(CardLossState.active, _confirmation(),
                            rx.vstack(rx.text(CardNotActive.message, size="3", id="pas-active"),
                                      rx.link("Retour au tableau de bord", href=CardLossState.dashboard_href))),
                    _assistance(),
                    spacing="5", width="100%",
                ),
            ),
        ),
        width="32rem",
    )
