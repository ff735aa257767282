"""/admin/cartes: the establishments with their cards issued, associated and left; agents produce
card stock for a collège chosen in that list (never a typed UAI) and download, for each batch, the
card printer's CSV and the QR codes (authenticated download routes)."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards.printing import MAX_CARDS_PER_BATCH
from cjeune_app.core.dates import format_date
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.use_cases import back_office
from cjeune_app.core.use_cases import cards as card_cases
from cjeune_app.ui.components.forms import field_error, form_field, submit_button
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage

CHOOSE_SCHOOL = "Choisissez l'établissement dans la liste."
COUNT_NOT_A_NUMBER = f"Indiquez le nombre de cartes en chiffres (entre 1 et {MAX_CARDS_PER_BATCH})."


@dataclasses.dataclass
class BatchRow:
    id: str
    school: str
    count: str
    date: str
    csv: str
    zip: str


def _batches(actor: Actor) -> list[BatchRow]:
    return [
        BatchRow(str(b.batch_id), f"{b.establishment_name} ({b.establishment_uai})",
                 f"{b.count} carte{'s' if b.count > 1 else ''}", format_date(b.created_at),
                 routes.API_PREFIX + routes.card_batch_printer_csv(b.batch_id),
                 routes.API_PREFIX + routes.card_batch_qr_zip(b.batch_id))
        for b in card_cases.recent_card_batches(actor)
    ]


@dataclasses.dataclass
class StockRow:
    id: str
    name: str
    uai: str
    commune: str
    issued: str
    associated: str
    left: str


def _stock(actor: Actor) -> list[StockRow]:
    return [StockRow(str(s.establishment_id), s.name, s.uai, s.commune, str(s.issued), str(s.associated), str(s.left))
            for s in back_office.establishments_stock(actor)]


def _issue(actor: Actor, establishment_id: int | None, count: int) -> dict:
    if establishment_id is None:
        return {"errors": {"establishment": CHOOSE_SCHOOL}}
    try:
        batch = back_office.issue_card_lot(actor, establishment_id, count)
    except card_errors.InvalidCardCount as refusal:
        return {"errors": {"count": refusal.message}}
    except Refusal as refusal:
        return {"errors": {"establishment": refusal.message}}
    return {"notice": f"Lot n° {batch.batch_id} créé : {len(batch.numbers)} cartes pour "
                      f"{batch.establishment_name} ({batch.establishment_uai})."}


class AdminCardsState(PrivatePage, rx.State):
    allowed_roles = (Role.AGENT,)
    sign_in_route = routes.BACK_OFFICE_SIGN_IN
    refused_route = routes.BACK_OFFICE_REFUSED

    batches: list[BatchRow] = []
    stock: list[StockRow] = []
    errors: dict[str, str] = {}
    notice: str = ""
    running: bool = False

    async def _opened(self, actor: Actor) -> None:
        self.batches = await asyncio.to_thread(_batches, actor)
        self.stock = await asyncio.to_thread(_stock, actor)

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
        actor = await self._actor()
        if actor is None:
            yield rx.redirect(self.sign_in_route)
            return
        self.running = True
        yield
        try:
            outcome = await asyncio.to_thread(_issue, actor, routes.row_id(form.get("establishment", "")), count)
        finally:
            self.running = False
        self.errors = outcome.get("errors", {})
        self.notice = outcome.get("notice", "")
        if self.notice:
            self.batches = await asyncio.to_thread(_batches, actor)
            self.stock = await asyncio.to_thread(_stock, actor)


def _download(label: str, href: rx.Var, batch_id: rx.Var) -> rx.Component:
    # A document request (not the router's navigation): the browser sends the session cookie
    # and saves the file.
    return rx.link(label, href=href, reload_document=True, download="", underline="always", weight="bold",
                   aria_label=f"{label} du lot " + batch_id.to(str), class_name="lien-fichier")


def _batch(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(rx.text("Lot n° ", row.id, as_="span", weight="bold"), " — ", row.school, size="2"),
        rx.text(row.count, " · créé le ", row.date, size="2", color_scheme="gray"),
        rx.hstack(
            _download("Fichier de l'imprimeur (CSV)", row.csv, row.id),
            _download("QR codes (ZIP)", row.zip, row.id),
            spacing="4", wrap="wrap",
        ),
        class_name="lot",
    )


def admin_cards_page() -> rx.Component:
    return page_layout(
        page_title("Cartes : stock des établissements",
                   "Chaque carte porte un numéro à 16 chiffres (clé de Luhn) imprimé sous son QR code."),
        rx.box(
            rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in
                                       ("Établissement", "UAI", "Commune", "Émises", "Associées", "En stock")])),
                rx.el.tbody(rx.foreach(AdminCardsState.stock, lambda r: rx.el.tr(
                    rx.el.td(r.name), rx.el.td(r.uai), rx.el.td(r.commune), rx.el.td(r.issued),
                    rx.el.td(r.associated), rx.el.td(r.left)))),
                id="stock", class_name="tableau"),
            overflow_x="auto", width="100%", margin_bottom="1.5rem", tab_index=0, role="region",
            aria_label="Stock de cartes par établissement"),
        rx.heading("Créer un lot de cartes", as_="h2", size="5", margin_bottom="0.5rem"),
        rx.form(
            rx.vstack(
                rx.vstack(
                    rx.el.label("Établissement", html_for="champ-establishment", font_weight="bold"),
                    rx.el.select(
                        rx.el.option("Choisissez l'établissement…", value=""),
                        rx.foreach(AdminCardsState.stock, lambda r: rx.el.option(
                            r.name + " (" + r.uai + ") — " + r.left + " en stock", value=r.id)),
                        name="establishment", id="champ-establishment", class_name="champ-liste", required=True),
                    field_error(AdminCardsState.errors, "establishment"),
                    spacing="1", width="100%"),
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
        width="56rem",
    )
