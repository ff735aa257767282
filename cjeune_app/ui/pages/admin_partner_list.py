"""/admin/structures: every partner structure for the agents (filters: state, category, commune;
search by name or SIRET), each with its payments; suspend with a reason, and reactivate."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, ClassVar

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import CATEGORY_LABELS, PARTNER_STATUS_LABELS, Category, PartnerStatus, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.partners.admin import PartnerFilter
from cjeune_app.core.territory import all_communes
from cjeune_app.core.use_cases import back_office
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage


@dataclasses.dataclass
class StructureRow:
    id: str
    name: str
    details: str
    status: str
    status_label: str
    paid: str
    suspended: bool
    validated: bool


def _filter(fields: dict[str, str]) -> PartnerFilter:
    status, category = fields.get("status", ""), fields.get("category", "")
    commune = fields.get("commune", "").strip()
    return PartnerFilter(
        status=PartnerStatus(status) if status in {str(s) for s in PartnerStatus} else None,
        category=Category(category) if category in {str(c) for c in Category} else None,
        commune_insee=commune, text=fields.get("text", "")[:100],
    )


def _rows(actor: Actor, fields: dict[str, str]) -> list[StructureRow]:
    return [StructureRow(str(r.partner_id), r.name,
                         f"SIRET {r.siret} — {r.commune} — {r.categories} — {r.contact_email}", r.status,
                         r.status_label, f"{r.payments} paiement(s), {r.paid}",
                         r.status == PartnerStatus.SUSPENDED, r.status == PartnerStatus.VALIDATED)
            for r in back_office.partners_list(actor, _filter(fields))]


def _decide(actor: Actor, partner_id: int, reason: str, suspend: bool) -> str:
    try:
        if suspend:
            return back_office.suspend_partner(actor, partner_id, reason)
        return back_office.reactivate_partner(actor, partner_id, reason)
    except FormErrors as errors:
        return " ".join(errors.fields.values())
    except Refusal as refusal:
        return refusal.message


class PartnerListState(PrivatePage, rx.State):
    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.AGENT,)
    sign_in_route: ClassVar[str] = routes.BACK_OFFICE_SIGN_IN
    refused_route: ClassVar[str] = routes.BACK_OFFICE_REFUSED

    rows: list[StructureRow] = []
    notice: str = ""
    payments_of: str = ""
    payments: list[dict[str, str]] = []
    _fields: dict[str, str] = {}

    async def _opened(self, actor: Actor) -> Any:
        self.notice, self._fields, self.payments, self.payments_of = "", {}, [], ""
        self.rows = await asyncio.to_thread(_rows, actor, {})

    @rx.event
    async def filter(self, form: dict[str, Any]):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        self._fields = {k: str(form.get(k, "")) for k in ("status", "category", "commune", "text")}
        self.rows = await asyncio.to_thread(_rows, actor, self._fields)
        return None

    async def _decide(self, form: dict[str, Any], suspend: bool) -> Any:
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        self.notice = await asyncio.to_thread(_decide, actor, int(form["partner_id"]), str(form.get("reason", "")),
                                              suspend)
        self.rows = await asyncio.to_thread(_rows, actor, self._fields)
        return None

    @rx.event
    async def suspend(self, form: dict[str, Any]):
        return await self._decide(form, True)

    @rx.event
    async def reactivate(self, form: dict[str, Any]):
        return await self._decide(form, False)

    @rx.event
    async def show_payments(self, partner_id: str, name: str):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        lines = await asyncio.to_thread(back_office.partner_payments, actor, int(partner_id))
        self.payments_of = name
        self.payments = [{"when": p.when, "amount": p.amount, "status": p.status} for p in lines]
        return None


def _decision(row: rx.Var[StructureRow], label: str, event: Any, prefix: str) -> rx.Component:
    field_id = prefix + "-" + row.id.to(str)
    return rx.form(
        rx.el.input(type="hidden", name="partner_id", value=row.id),
        rx.vstack(
            rx.el.label("Motif (envoyé à la structure)", html_for=field_id, font_weight="bold"),
            rx.input(id=field_id, name="reason", required=True, size="3", width="100%"),
            rx.button(label, type="submit", size="3", variant="outline",
                      aria_label=label + " " + row.name.to(str)),
            spacing="1", width="100%"),
        on_submit=event, reset_on_submit=True, width="100%")


def _structure(row: rx.Var[StructureRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(row.name, as_="h2", size="4"),
            rx.text(row.status_label, " — ", row.paid, size="2", weight="bold"),
            rx.text(row.details, size="2"),
            rx.button("Voir les paiements", variant="ghost", size="2",
                      on_click=PartnerListState.show_payments(row.id, row.name),
                      aria_label="Voir les paiements de " + row.name.to(str)),
            rx.cond(row.validated, _decision(row, "Suspendre", PartnerListState.suspend, "suspension")),
            rx.cond(row.suspended, _decision(row, "Réactiver", PartnerListState.reactivate, "reactivation")),
            spacing="2", width="100%"),
        width="100%", class_name="structure")


def _select(label: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    field_id = f"filtre-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="bold"),
        rx.el.select(rx.el.option("Tous", value=""), *[rx.el.option(text, value=v) for v, text in options],
                     name=name, id=field_id, class_name="champ-liste"),
        spacing="1", width="100%")


def partner_list_page() -> rx.Component:
    return page_layout(
        page_title("Structures partenaires", "Toutes les structures, avec leurs paiements."),
        rx.form(
            rx.vstack(
                _select("État", "status", [(str(k), v) for k, v in PARTNER_STATUS_LABELS.items()]),
                _select("Catégorie", "category", [(str(k), v) for k, v in CATEGORY_LABELS.items()]),
                _select("Commune", "commune", sorted(((c.insee_code, c.name) for c in all_communes()),
                                                    key=lambda pair: pair[1])),
                rx.vstack(rx.el.label("Nom ou SIRET", html_for="filtre-texte", font_weight="bold"),
                          rx.input(name="text", id="filtre-texte", type="search", size="3", width="100%"),
                          spacing="1", width="100%"),
                rx.button("Filtrer", type="submit", size="3"),
                spacing="2", width="100%"),
            on_submit=PartnerListState.filter, width="100%"),
        rx.cond(PartnerListState.notice != "",
                rx.text(PartnerListState.notice, role="status", id="avis", weight="bold", margin_top="1rem")),
        rx.cond(PartnerListState.payments_of != "",
                rx.box(
                    rx.heading("Paiements de ", PartnerListState.payments_of, as_="h2", size="4"),
                    rx.el.ul(rx.foreach(PartnerListState.payments, lambda p: rx.el.li(
                        p["when"], " — ", p["amount"], " — ", p["status"]))),
                    id="paiements", margin_y="1rem")),
        rx.vstack(rx.foreach(PartnerListState.rows, _structure), spacing="3", width="100%", margin_top="1rem"),
    )
