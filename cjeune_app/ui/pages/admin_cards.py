"""/admin/cartes: agents produce card stock for a school (UAI, number of cards) and download,
for each batch, the card printer's CSV and the QR codes (authenticated download routes)."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.api.card_batches import printer_csv_path, printer_zip_path
from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards.api import MAX_CARDS_PER_BATCH, issue_cards, recent_batches
from cjeune_app.core.dates import format_date
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.sign_in import account_for_token
from cjeune_app.ui.components.forms import form_field, submit_button
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import SessionState

COUNT_NOT_A_NUMBER = f"Indiquez le nombre de cartes en chiffres (entre 1 et {MAX_CARDS_PER_BATCH})."


def _is_agent(session, token: str):
    account = account_for_token(session, token)
    return account if account is not None and account.role == Role.AGENT else None


def _batches(token: str) -> list[dict] | None:
    with session_scope() as session:
        if _is_agent(session, token) is None:
            return None
        return [
            {"id": str(b.batch_id), "school": f"{b.establishment_name} ({b.establishment_uai})",
             "count": f"{b.count} carte{'s' if b.count > 1 else ''}", "date": format_date(b.created_at),
             "csv": printer_csv_path(b.batch_id), "zip": printer_zip_path(b.batch_id)}
            for b in recent_batches(session)
        ]


def _issue(token: str, uai: str, count: int) -> dict:
    try:
        with session_scope() as session:
            if _is_agent(session, token) is None:
                return {"errors": {"uai": "Seuls les agents du Département peuvent créer des cartes."}}
            batch = issue_cards(session, uai, count)
    except card_errors.UnknownEstablishment as refusal:
        return {"errors": {"uai": refusal.message}}
    except card_errors.InvalidCardCount as refusal:
        return {"errors": {"count": refusal.message}}
    return {"notice": f"Lot n° {batch.batch_id} créé : {len(batch.numbers)} cartes pour "
                      f"{batch.establishment_name} ({batch.establishment_uai})."}


class AdminCardsState(SessionState):
    batches: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    notice: str = ""
    running: bool = False

    @rx.event
    async def load(self):
        rows = await asyncio.to_thread(_batches, self._token()) if await self._load() else None
        if rows is None:
            return rx.redirect("/connexion/gestion")
        self.batches = rows

    @rx.event
    async def create_batch(self, form: dict):
        if self.running:
            return
        self.notice, self.errors = "", {}
        try:
            count = int(str(form.get("count", "")).strip())
        except ValueError:
            self.errors = {"count": COUNT_NOT_A_NUMBER}
            return
        self.running = True
        yield
        try:
            outcome = await asyncio.to_thread(_issue, self._token(), form.get("uai", ""), count)
        finally:
            self.running = False
        self.errors = outcome.get("errors", {})
        self.notice = outcome.get("notice", "")
        if self.notice:
            self.batches = await asyncio.to_thread(_batches, self._token()) or []


def _download(label: str, href: rx.Var, batch_id: rx.Var) -> rx.Component:
    # A document request (not the router's navigation): the browser sends the session cookie
    # and saves the file.
    return rx.link(label, href=href, reload_document=True, download="", underline="always", weight="bold",
                   aria_label=f"{label} du lot " + batch_id.to(str), class_name="lien-fichier")


def _batch(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(rx.text("Lot n° ", row["id"], as_="span", weight="bold"), " — ", row["school"], size="2"),
        rx.text(row["count"], " · créé le ", row["date"], size="2", color_scheme="gray"),
        rx.hstack(
            _download("Fichier de l'imprimeur (CSV)", row["csv"], row["id"]),
            _download("QR codes (ZIP)", row["zip"], row["id"]),
            spacing="4", wrap="wrap",
        ),
        class_name="lot",
    )


def admin_cards_page() -> rx.Component:
    return page_layout(
        page_title("Cartes : stock des établissements",
                   "Chaque carte porte un numéro à 16 chiffres (clé de Luhn) imprimé sous son QR code."),
        rx.form(
            rx.vstack(
                form_field("Code UAI de l'établissement", "uai", "text", "off", AdminCardsState.errors,
                           placeholder="0131801X"),
                form_field("Nombre de cartes", "count", "number", "off", AdminCardsState.errors,
                           min=1, max=MAX_CARDS_PER_BATCH),
                submit_button("Créer le lot de cartes"),
                spacing="3", width="100%",
            ),
            on_submit=AdminCardsState.create_batch,
            width="100%",
        ),
        rx.cond(AdminCardsState.notice != "",
                rx.box(AdminCardsState.notice, role="status", id="avis", class_name="avis", margin_top="1rem")),
        rx.heading("Derniers lots", as_="h2", size="5", margin_top="1.5rem", margin_bottom="0.5rem"),
        rx.cond(AdminCardsState.batches.length() > 0,
                rx.el.ul(rx.foreach(AdminCardsState.batches, _batch), class_name="lots", id="lots"),
                rx.text("Aucun lot pour l'instant.", size="2")),
        width="40rem",
    )
