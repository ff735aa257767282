"""/admin/remboursements: the agents prepare a month's reimbursement batch, check its transfers,
generate the SEPA file (pain.001), download it for the bank, and mark the batch as sent.

Every action asks core again who is acting: the state holds only what the screen shows.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, ClassVar

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.dates import format_date
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.formats import format_cents
from cjeune_app.core.reimbursements.batches import BatchSummary, of_month
from cjeune_app.core.reimbursements.models import BatchStatus
from cjeune_app.core.use_cases import reimbursements
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage

STATUS_LABELS = {BatchStatus.PREPARED: "Préparé, à vérifier", BatchStatus.GENERATED: "Fichier généré, à envoyer",
                 BatchStatus.SENT: "Envoyé à la banque"}


@dataclasses.dataclass
class BatchRow:
    id: str
    title: str  # "Lot d'octobre 2026"
    view_label: str  # "Voir le lot d'octobre 2026"
    status: str
    state: str  # prepared, generated, sent
    total: str
    count: str
    xml: str


@dataclasses.dataclass
class LineRow:
    partner: str
    holder: str
    iban: str
    amount: str
    detail: str


def _batch_row(b: BatchSummary) -> BatchRow:
    status = STATUS_LABELS[b.status]
    if b.sent_at:
        status += f" le {format_date(b.sent_at)}"
    of = of_month(b.month)
    return BatchRow(str(b.id), f"Lot {of}", f"Voir le lot {of}", status, b.status.value,
                    format_cents(b.total_cents), f"{b.lines_count} virement(s)",
                    routes.reimbursement_transfer_xml(b.id))


def _overview(actor: Actor) -> dict[str, Any]:
    view = reimbursements.overview(actor)
    check = view.reconciliation
    return {
        "batches": [_batch_row(b) for b in view.batches],
        "month": view.to_prepare[0].code if view.to_prepare else "",
        "check": [
            f"Paiements acceptés : {format_cents(check.payments_cents)}",
            f"Annulations : {format_cents(check.cancellations_cents)}",
            f"Remboursé par les lots : {format_cents(check.reimbursed_cents)}",
            f"Reste dû : {format_cents(check.still_due_cents)}",
            f"Débits nets du grand livre : {format_cents(check.ledger_cents)}",
        ],
        "balanced": check.balanced,
    }


def _detail(actor: Actor, batch_id: int) -> dict[str, Any]:
    view = reimbursements.batch_view(actor, batch_id)
    lines = [LineRow(f"{line.partner_name} (SIRET {line.siret})", line.holder_name,
                     f"{line.iban[:4]} •••• {line.iban[-4:]} — {line.bic}", format_cents(line.amount_cents),
                     f"{line.payments_count} paiement(s), {line.cancellations_count} annulation(s) — "
                     f"réf. {line.end_to_end_id}") for line in view.lines]
    owed = [f"{o.partner_name} : {format_cents(o.amount_cents)} — "
            + ("à déduire d'un prochain lot" if o.amount_cents < 0 else
               "reste dû" if o.has_bank_details else "en attente de coordonnées bancaires")
            for o in view.still_owed]
    return {"selected": _batch_row(view.batch), "lines": lines, "owed": owed}


class ReimbursementsState(PrivatePage, rx.State):
    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.AGENT,)
    sign_in_route: ClassVar[str] = routes.BACK_OFFICE_SIGN_IN
    refused_route: ClassVar[str] = routes.BACK_OFFICE_REFUSED

    batches: list[BatchRow] = []
    month: str = ""
    check: list[str] = []
    balanced: bool = True
    selected: BatchRow | None = None
    lines: list[LineRow] = []
    owed: list[str] = []
    notice: str = ""
    error: str = ""

    async def _opened(self, actor: Actor) -> Any:
        self.notice = self.error = ""
        self.selected, self.lines, self.owed = None, [], []
        await self._refresh(actor)

    async def _refresh(self, actor: Actor, batch_id: int | None = None) -> None:
        for name, value in (await asyncio.to_thread(_overview, actor)).items():
            setattr(self, name, value)
        if batch_id is not None:
            for name, value in (await asyncio.to_thread(_detail, actor, batch_id)).items():
                setattr(self, name, value)

    async def _act(self, batch_id: int, action: Any, done: str) -> Any:
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        try:
            summary = await asyncio.to_thread(action, actor, batch_id)
            self.notice, self.error = done.format(label=of_month(summary.month)), ""
            await self._refresh(actor, summary.id)
        except Refusal as refusal:
            self.notice, self.error = "", refusal.message
        return None

    @rx.event
    async def prepare(self, form: dict[str, Any]):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        try:
            summary = await asyncio.to_thread(reimbursements.prepare_batch, actor, str(form.get("month", "")))
            self.notice = (f"Lot {of_month(summary.month)} préparé : {summary.lines_count} virement(s) pour "
                           f"{format_cents(summary.total_cents)}. Vérifiez-le puis générez le fichier.")
            self.error = ""
            await self._refresh(actor, summary.id)
        except Refusal as refusal:
            self.notice, self.error = "", refusal.message
        return None

    @rx.event
    async def show(self, batch_id: str):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        self.notice = self.error = ""
        await self._refresh(actor, int(batch_id))
        return None

    @rx.event
    async def generate(self, batch_id: str):
        return await self._act(int(batch_id), reimbursements.generate_transfer,
                               "Fichier de virement SEPA du lot {label} généré : téléchargez-le pour la banque.")

    @rx.event
    async def mark_sent(self, batch_id: str):
        return await self._act(int(batch_id), reimbursements.mark_sent,
                               "Lot {label} marqué envoyé : les partenaires voient le remboursement sur leurs "
                               "relevés.")


def _batch_card(row: rx.Var[BatchRow]) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.heading(row.title, as_="h3", size="3"),
                rx.text(row.status, " — ", row.count, " — ", row.total, size="2"),
                spacing="1",
            ),
            rx.button("Voir le lot", variant="outline", size="2", on_click=ReimbursementsState.show(row.id),
                      aria_label=row.view_label),
            justify="between", align="center", wrap="wrap", gap="0.5rem", width="100%",
        ),
        width="100%", class_name="lot",
    )


def _line(line: rx.Var[LineRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text(line.partner, weight="bold", size="2"), rx.text(line.amount, weight="bold"),
                      justify="between", width="100%"),
            rx.text("Titulaire : ", line.holder, " — ", line.iban, size="2"),
            rx.text(line.detail, size="1", color_scheme="gray"),
            spacing="1", width="100%",
        ),
        width="100%", class_name="virement",
    )


def _selected() -> rx.Component:
    batch = ReimbursementsState.selected
    return rx.cond(
        batch,
        rx.vstack(
            rx.heading(batch.title, as_="h2", size="5", id="lot-choisi"),
            rx.text(batch.status, " — ", batch.count, " — total ", rx.text(batch.total, as_="span", weight="bold",
                                                                          id="total-lot"), size="3"),
            rx.flex(
                rx.cond(batch.state == BatchStatus.PREPARED.value,
                        rx.button("Générer le fichier de virement (SEPA)", size="3",
                                  on_click=ReimbursementsState.generate(batch.id))),
                rx.cond(batch.state != BatchStatus.PREPARED.value,
                        rx.button("Télécharger le fichier SEPA (XML)", variant="outline", size="3",
                                  on_click=rx.download(url=batch.xml))),
                rx.cond(batch.state == BatchStatus.GENERATED.value,
                        rx.button("Marquer le lot comme envoyé", size="3", color_scheme="green",
                                  on_click=ReimbursementsState.mark_sent(batch.id))),
                gap="0.75rem", wrap="wrap",
            ),
            rx.cond(ReimbursementsState.lines.length() > 0,
                    rx.vstack(rx.foreach(ReimbursementsState.lines, _line), spacing="2", width="100%"),
                    rx.text("Aucun virement dans ce lot.", size="2")),
            rx.cond(
                ReimbursementsState.owed.length() > 0,
                rx.vstack(
                    rx.heading("Hors de ce lot", as_="h3", size="3"),
                    rx.el.ul(rx.foreach(ReimbursementsState.owed, lambda o: rx.el.li(rx.text(o, size="2")))),
                    spacing="1", width="100%",
                ),
            ),
            spacing="3", width="100%",
        ),
    )


def admin_reimbursements_page() -> rx.Component:
    return page_layout(
        page_title("Remboursements des partenaires",
                   "Chaque mois : préparer le lot, le vérifier, générer le fichier SEPA, le marquer envoyé."),
        rx.cond(ReimbursementsState.notice != "",
                rx.text(ReimbursementsState.notice, role="status", id="avis", weight="bold")),
        rx.cond(ReimbursementsState.error != "", alert_box(ReimbursementsState.error)),
        rx.form(
            rx.flex(
                rx.vstack(
                    rx.el.label("Mois à rembourser", html_for="champ-mois", font_weight="bold"),
                    rx.input(id="champ-mois", name="month", type="month", default_value=ReimbursementsState.month,
                             required=True, size="3", key=ReimbursementsState.month),
                    spacing="1",
                ),
                rx.button("Préparer le lot", type="submit", size="3"),
                gap="0.75rem", align="end", wrap="wrap",
            ),
            on_submit=ReimbursementsState.prepare, reset_on_submit=False, width="100%",
        ),
        _selected(),
        rx.heading("Lots", as_="h2", size="5"),
        rx.cond(ReimbursementsState.batches.length() > 0,
                rx.vstack(rx.foreach(ReimbursementsState.batches, _batch_card), spacing="2", width="100%"),
                rx.text("Aucun lot préparé pour l'instant.", size="2")),
        rx.card(
            rx.vstack(
                rx.heading("Rapprochement", as_="h2", size="4"),
                rx.foreach(ReimbursementsState.check, lambda line: rx.text(line, size="2")),
                rx.cond(ReimbursementsState.balanced,
                        rx.text("Équilibré : remboursé + reste dû = paiements − annulations = grand livre.",
                                weight="bold", color="var(--green-11)", size="2", id="rapprochement"),
                        alert_box("Écart de rapprochement : prévenez l'équipe technique avant tout envoi.")),
                spacing="1",
            ),
            width="100%",
        ),
    )
