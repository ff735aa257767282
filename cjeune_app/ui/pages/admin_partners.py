"""/admin/partenaires: the agents' queue of structures waiting for validation.

Every action asks core again who is acting: the list in the state is only what the screen shows.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, ClassVar

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.actor import Actor
from cjeune_app.core.dates import format_date
from cjeune_app.core.enums import CATEGORY_LABELS, PARTNER_KIND_LABELS, PartnerKind, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.partners.api import PartnerReview
from cjeune_app.core.use_cases import partners
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage


@dataclasses.dataclass
class ReviewRow:
    id: str
    name: str
    kind: str
    siret: str
    place: str
    categories: str
    email: str
    since: str


def _row(review: PartnerReview) -> ReviewRow:
    partner = review.partner
    return ReviewRow(
        id=str(partner.id),
        name=partner.name,
        kind=PARTNER_KIND_LABELS.get(PartnerKind(partner.kind), partner.kind),
        siret=partner.siret,
        place=f"{partner.address}, {partner.postal_code} {review.commune_name}",
        categories=", ".join(CATEGORY_LABELS.get(c, c) for c in review.categories),
        email=partner.contact_email,
        since=format_date(review.email_confirmed_at),
    )


def _queue(actor: Actor) -> list[ReviewRow]:
    return [_row(review) for review in partners.validation_queue(actor)]


def _decide(actor: Actor, partner_id: int, reason: str | None) -> str:
    try:
        if reason is None:
            partner = partners.validate_partner(actor, partner_id)
            return f"« {partner.name} » est validée : la structure est prévenue par e-mail."
        partner = partners.reject_partner(actor, partner_id, reason)
        return f"« {partner.name} » est refusée : la structure est prévenue par e-mail avec le motif."
    except FormErrors as errors:
        return " ".join(errors.fields.values())
    except Refusal as refusal:
        return refusal.message


class PartnerQueueState(PrivatePage, rx.State):
    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.AGENT,)
    sign_in_route: ClassVar[str] = routes.BACK_OFFICE_SIGN_IN
    refused_route: ClassVar[str] = routes.BACK_OFFICE_REFUSED

    rows: list[ReviewRow] = []
    notice: str = ""

    async def _opened(self, actor: Actor) -> Any:
        self.rows = await asyncio.to_thread(_queue, actor)

    async def _after(self, partner_id: int, reason: str | None) -> Any:
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        self.notice = await asyncio.to_thread(_decide, actor, partner_id, reason)
        try:
            self.rows = await asyncio.to_thread(_queue, actor)
        except Refusal:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        return None

    @rx.event
    async def validate(self, partner_id: str):
        return await self._after(int(partner_id), None)

    @rx.event
    async def reject(self, form: dict[str, Any]):
        return await self._after(int(form["partner_id"]), str(form.get("reason", "")))


def _row_card(row: rx.Var[ReviewRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(row.name, as_="h2", size="4"),
            rx.text(row.kind, " — SIRET ", row.siret, size="2"),
            rx.text(row.place, size="2"),
            rx.text("Catégories : ", row.categories, size="2"),
            rx.text("Contact : ", row.email, " (adresse confirmée le ", row.since, ")", size="2"),
            rx.button("Valider", on_click=PartnerQueueState.validate(row.id), size="3",
                      aria_label="Valider " + row.name.to(str)),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="partner_id", value=row.id),
                    rx.el.label("Motif du refus", html_for="motif-" + row.id.to(str), font_weight="bold"),
                    rx.text_area(name="reason", id="motif-" + row.id.to(str), required=True, width="100%"),
                    rx.button("Refuser", type="submit", variant="outline", color_scheme="red",
                              aria_label="Refuser " + row.name.to(str)),
                    spacing="2", width="100%",
                ),
                on_submit=PartnerQueueState.reject,
                width="100%",
            ),
            spacing="2", width="100%",
        ),
        width="100%",
        class_name="demande-partenaire",
    )


def partner_queue_page() -> rx.Component:
    return page_layout(
        page_title("Structures en attente de validation"),
        rx.cond(PartnerQueueState.notice != "",
                rx.text(PartnerQueueState.notice, role="status", id="avis", weight="bold")),
        rx.cond(
            PartnerQueueState.rows.length() > 0,
            rx.vstack(rx.foreach(PartnerQueueState.rows, _row_card), spacing="3", width="100%"),
            rx.text("Aucune structure n'attend de validation.", size="2"),
        ),
    )
