"""/admin/corrections: manual ledger corrections waiting for a second agent (four eyes)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, ClassVar

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.use_cases import assistance
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage


@dataclasses.dataclass
class CorrectionRow:
    id: str
    title: str
    reason: str
    proposed: str
    href: str
    mine: bool


def _pending(actor: Actor) -> list[CorrectionRow]:
    return [CorrectionRow(str(p.line.correction_id),
                          f"Correction n°{p.line.correction_id} — {p.pupil} — {p.line.envelope} {p.line.amount}",
                          p.line.reason, p.line.proposed, routes.assistance_file(p.pupil_id), p.mine)
            for p in assistance.pending_corrections(actor)]


def _decide(actor: Actor, correction_id: int, note: str | None) -> str:
    try:
        if note is None:
            return assistance.approve_correction(actor, correction_id)
        return assistance.refuse_correction(actor, correction_id, note)
    except Refusal as refusal:
        return refusal.message


class CorrectionsState(PrivatePage, rx.State):
    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.AGENT,)
    sign_in_route: ClassVar[str] = routes.BACK_OFFICE_SIGN_IN
    refused_route: ClassVar[str] = routes.BACK_OFFICE_REFUSED

    rows: list[CorrectionRow] = []
    notice: str = ""

    async def _opened(self, actor: Actor) -> Any:
        self.notice = ""
        self.rows = await asyncio.to_thread(_pending, actor)

    async def _after(self, correction_id: int, note: str | None) -> Any:
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        self.notice = await asyncio.to_thread(_decide, actor, correction_id, note)
        self.rows = await asyncio.to_thread(_pending, actor)
        return None

    @rx.event
    async def approve(self, correction_id: str):
        return await self._after(int(correction_id), None)

    @rx.event
    async def refuse(self, form: dict[str, Any]):
        return await self._after(int(form["correction_id"]), str(form.get("note", "")))


def _row(row: rx.Var[CorrectionRow]) -> rx.Component:
    suffix = row.id.to(str)
    return rx.card(
        rx.vstack(
            rx.heading(row.title, as_="h2", size="4"),
            rx.text("Motif : ", row.reason, size="2"),
            rx.text("Proposée le ", row.proposed, size="2"),
            rx.link("Ouvrir le dossier", href=row.href, size="2"),
            rx.cond(row.mine,
                    rx.text("Vous avez proposé cette correction : un autre agent doit l'approuver.", size="2",
                            weight="bold"),
                    rx.button("Approuver", on_click=CorrectionsState.approve(row.id), size="3",
                              aria_label="Approuver la correction n°" + suffix)),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="correction_id", value=row.id),
                    rx.el.label("Motif du refus", html_for="refus-" + suffix, font_weight="bold"),
                    rx.input(name="note", id="refus-" + suffix, required=True, size="3", width="100%"),
                    rx.button("Refuser", type="submit", variant="outline", color_scheme="red",
                              aria_label="Refuser la correction n°" + suffix),
                    spacing="2", width="100%"),
                on_submit=CorrectionsState.refuse, reset_on_submit=True, width="100%"),
            spacing="2", width="100%",
        ),
        width="100%", class_name="correction",
    )


def corrections_page() -> rx.Component:
    return page_layout(
        page_title("Corrections à approuver",
                   "Une correction du solde ne bouge l'argent qu'une fois approuvée par un second agent."),
        rx.cond(CorrectionsState.notice != "",
                rx.text(CorrectionsState.notice, role="status", id="avis", weight="bold")),
        rx.cond(CorrectionsState.rows.length() > 0,
                rx.vstack(rx.foreach(CorrectionsState.rows, _row), spacing="3", width="100%"),
                rx.text("Aucune correction n'attend d'approbation.", size="2", id="aucune-correction")),
    )
