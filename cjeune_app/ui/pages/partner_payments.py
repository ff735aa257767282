"""/espace-partenaire/paiements (payments of a period, "Annuler" within 30 days) and
/espace-partenaire/releves (totals per month, statements to download)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.dates import format_hour
from cjeune_app.core.enums import PaymentStatus
from cjeune_app.core.errors import Refusal
from cjeune_app.core.formats import format_cents, format_date, paris_today
from cjeune_app.core.partners.payments import Receipt
from cjeune_app.core.reimbursements.batches import PartnerReimbursement
from cjeune_app.core.use_cases import payments as payment_cases
from cjeune_app.core.use_cases import reimbursements as reimbursement_cases
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.pages.partner_space import PartnerPage, partner_page

MAX_ROWS = 200  # the list is for the screen; the statements hold everything


@dataclasses.dataclass
class PaymentRow:
    id: str
    number: str
    amount: str
    date: str
    envelope: str
    first_name: str
    status: str
    cancellable: str  # "oui" or ""
    until: str


@dataclasses.dataclass
class MonthRow:
    code: str
    label: str
    payments: str
    cancellations: str
    net: str
    csv: str
    pdf: str
    reimbursed: str  # "Remboursé le 05/12/2026 (virement CJ-2026-11-P42) : 120,00 €", or ""


def payment_row(r: Receipt) -> PaymentRow:
    return PaymentRow(
        id=str(r.payment_id), number=r.number, amount=format_cents(r.amount_cents),
        date=f"{format_date(r.created_at)} à {format_hour(r.created_at)}", envelope=r.envelope_label,
        first_name=r.first_name,
        status="Annulé" if r.status == PaymentStatus.CANCELLED else "Accepté",
        cancellable="oui" if r.cancellable() else "",
        until=format_date(r.cancellable_until),
    )


def _rows(actor: Actor, date_from: dt.date, date_to: dt.date) -> list[PaymentRow]:
    receipts = payment_cases.list_payments(actor, date_from, date_to, limit=MAX_ROWS)
    return [payment_row(r) for r in receipts]


def _cancel(actor: Actor, payment_id: int) -> str:
    receipt = payment_cases.cancel_payment(actor, payment_id)
    return (f"Paiement {receipt.number} de {format_cents(receipt.amount_cents)} annulé : la carte du "
            "bénéficiaire est re-créditée de la somme correspondante.")


def _parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


class PaymentsState(PartnerPage, rx.State):
    date_from: str = ""
    date_to: str = ""
    rows: list[PaymentRow] = []
    notice: str = ""
    error: str = ""
    confirming: str = ""

    async def _opened(self, actor: Actor) -> None:
        await self._frame(actor)
        today = paris_today()
        self.date_from, self.date_to = today.replace(day=1).isoformat(), today.isoformat()
        self.notice = self.confirming = ""
        await self._refresh()

    async def _refresh(self) -> None:
        actor = await self._actor()
        date_from, date_to = _parse_day(self.date_from), _parse_day(self.date_to)
        if actor is None:
            return
        if date_from is None or date_to is None:
            self.error = "Indiquez les deux dates de la période (jj/mm/aaaa)."
            return
        try:
            self.rows = await asyncio.to_thread(_rows, actor, date_from, date_to)
            self.error = ""
        except Refusal as refusal:
            self.rows, self.error = [], refusal.message

    @rx.event
    async def filter(self, form: dict):
        self.date_from, self.date_to = form.get("date_from", ""), form.get("date_to", "")
        self.notice = self.confirming = ""
        await self._refresh()

    @rx.event
    def ask_cancel(self, payment_id: str):
        self.confirming, self.notice = payment_id, ""

    @rx.event
    def keep(self):
        self.confirming = ""

    @rx.event
    async def cancel(self, payment_id: str):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(self.sign_in_route)
        try:
            self.notice = await asyncio.to_thread(_cancel, actor, int(payment_id))
            self.error = ""
        except Refusal as refusal:
            self.error = refusal.message
        self.confirming = ""
        await self._refresh()


def _row(row: rx.Var) -> rx.Component:
    label = row.number.to(str)
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text(row.number, weight="bold"), rx.text(row.amount, weight="bold"),
                      justify="between", width="100%"),
            rx.text(row.date, " — ", row.envelope, size="2"),
            rx.text("Bénéficiaire : ", row.first_name, " — ", row.status, size="2"),
            rx.cond(
                PaymentsState.confirming == row.id,
                rx.vstack(
                    rx.text("Annuler ce paiement ? La carte du bénéficiaire sera re-créditée de ",
                            row.amount, ".", size="2", weight="bold"),
                    rx.button("Oui, annuler le paiement", color_scheme="red", size="3", width="100%",
                              on_click=PaymentsState.cancel(row.id), aria_label="Confirmer l'annulation de " + label),
                    rx.button("Non, le garder", variant="outline", size="3", width="100%", on_click=PaymentsState.keep),
                    spacing="2", width="100%",
                ),
                rx.cond(
                    row.cancellable == "oui",
                    rx.button("Annuler", variant="outline", color_scheme="red", size="2",
                              on_click=PaymentsState.ask_cancel(row.id), aria_label="Annuler le paiement " + label),
                ),
            ),
            spacing="2", width="100%",
        ),
        width="100%", class_name="paiement",
    )


def _date_field(label: str, name: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"champ-{name}", font_weight="bold"),
        rx.input(id=f"champ-{name}", name=name, type="date", default_value=value, required=True, size="3",
                 width="100%"),
        spacing="1", width="100%",
    )


def partner_payments_page() -> rx.Component:
    return partner_page(
        "Paiements",
        rx.form(
            rx.flex(
                _date_field("Du", "date_from", PaymentsState.date_from),
                _date_field("Au", "date_to", PaymentsState.date_to),
                rx.button("Afficher", type="submit", size="3"),
                gap="0.75rem", align="end", wrap="wrap", width="100%",
            ),
            on_submit=PaymentsState.filter, reset_on_submit=False, width="100%",
            key=PaymentsState.date_from + PaymentsState.date_to,
        ),
        rx.cond(PaymentsState.notice != "", rx.text(PaymentsState.notice, role="status", id="avis", weight="bold")),
        rx.cond(PaymentsState.error != "", alert_box(PaymentsState.error)),
        rx.cond(
            PaymentsState.rows.length() > 0,
            rx.vstack(rx.foreach(PaymentsState.rows, _row), spacing="3", width="100%"),
            rx.text("Aucun paiement sur cette période.", size="2"),
        ),
        rx.text(f"Un paiement peut être annulé pendant 30 jours. Au-delà de {MAX_ROWS} paiements, "
                "réduisez la période ou téléchargez le relevé mensuel.", size="2", color_scheme="gray"),
        subtitle="Les paiements encaissés sur la carte, les plus récents d'abord.",
    )


# --- monthly statements ---------------------------------------------------------------------------

def _reimbursed(paid: PartnerReimbursement | None) -> str:
    if paid is None:
        return ""
    return (f"Remboursé le {format_date(paid.sent_at)} (virement {paid.end_to_end_id}) : "
            f"{format_cents(paid.amount_cents)}")


def _totals(actor: Actor) -> list[MonthRow]:
    return [
        MonthRow(
            code=t.month.code, label=t.month.label.capitalize(),
            payments=f"{t.payments_count} paiement(s) : {format_cents(t.payments_cents)}",
            cancellations=f"{t.cancellations_count} annulation(s) : {format_cents(t.cancellations_cents)}",
            net=format_cents(t.net_cents),
            csv=routes.partner_statement(t.month.code, "csv"), pdf=routes.partner_statement(t.month.code, "pdf"),
            reimbursed=_reimbursed(m.reimbursement),
        )
        for m in reimbursement_cases.statement_months(actor)
        for t in (m.total,)
    ]


class StatementsState(PartnerPage, rx.State):
    months: list[MonthRow] = []

    async def _opened(self, actor: Actor) -> None:
        await self._frame(actor)
        self.months = await asyncio.to_thread(_totals, actor)


def _month(month: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(month.label, as_="h2", size="4"),
            rx.text(month.payments, size="2"),
            rx.text(month.cancellations, size="2"),
            rx.text("À rembourser par le Département : ", rx.text(month.net, as_="span", weight="bold"), size="3"),
            rx.cond(month.reimbursed != "", rx.text(month.reimbursed, size="2", weight="bold", color="var(--green-11)",
                                                    class_name="rembourse")),
            # A button that downloads (the page's router would take a plain link to the file for a page).
            rx.flex(
                rx.button("Relevé CSV", variant="outline", size="2", on_click=rx.download(url=month.csv),
                          aria_label="Télécharger le relevé CSV de " + month.label.to(str)),
                rx.button("Relevé PDF", variant="outline", size="2", on_click=rx.download(url=month.pdf),
                          aria_label="Télécharger le relevé PDF de " + month.label.to(str)),
                gap="1rem", wrap="wrap",
            ),
            spacing="2", width="100%",
        ),
        width="100%", class_name="mois",
    )


def partner_statements_page() -> rx.Component:
    return partner_page(
        "Relevés mensuels",
        rx.text("Chaque relevé liste les paiements encaissés dans le mois et les annulations faites dans le "
                "mois : c'est sur cette base que le Département vous rembourse.", size="2"),
        rx.vstack(rx.foreach(StatementsState.months, _month), spacing="3", width="100%"),
    )
