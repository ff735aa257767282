"""/admin/partenaires: the agents' queue of structures waiting for validation.

Every action checks the session again on the server: the list in the state is only what
the screen shows.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.permissions import require_role
from cjeune_app.core.dates import format_date
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import CATEGORY_LABELS, PARTNER_KIND_LABELS, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.partners.api import pending_partners, reject_partner, validate_partner
from cjeune_app.core.partners.sign_in import account_for_token
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import SessionState


def _queue(token: str) -> list[dict] | None:
    with session_scope() as session:
        agent = account_for_token(session, token)
        if agent is None or agent.role != Role.AGENT:
            return None
        return [
            {
                "id": str(review.partner.id),
                "name": review.partner.name,
                "kind": PARTNER_KIND_LABELS.get(review.partner.kind, review.partner.kind),
                "siret": review.partner.siret,
                "place": f"{review.partner.address}, {review.partner.postal_code} {review.commune_name}",
                "categories": ", ".join(CATEGORY_LABELS.get(c, c) for c in review.categories),
                "email": review.partner.contact_email,
                "since": format_date(review.email_confirmed_at),
            }
            for review in pending_partners(session, agent)
        ]


def _decide(token: str, partner_id: int, reason: str | None) -> str:
    try:
        with session_scope() as session:
            agent = require_role(account_for_token(session, token), Role.AGENT)
            if reason is None:
                partner = validate_partner(session, agent, partner_id)
                return f"« {partner.name} » est validée : la structure est prévenue par e-mail."
            partner = reject_partner(session, agent, partner_id, reason)
            return f"« {partner.name} » est refusée : la structure est prévenue par e-mail avec le motif."
    except FormErrors as errors:
        return " ".join(errors.fields.values())
    except Refusal as error:
        return error.message


class PartnerQueueState(rx.State):
    rows: list[dict] = []
    notice: str = ""

    async def _token(self) -> str:
        session_state = await self.get_state(SessionState)
        return session_state._token()

    @rx.event
    async def load(self):
        rows = await asyncio.to_thread(_queue, await self._token())
        if rows is None:
            return rx.redirect("/connexion/gestion")
        self.rows = rows

    @rx.event
    async def validate(self, partner_id: str):
        self.notice = await asyncio.to_thread(_decide, await self._token(), int(partner_id), None)
        return PartnerQueueState.load

    @rx.event
    async def reject(self, form: dict):
        self.notice = await asyncio.to_thread(_decide, await self._token(), int(form["partner_id"]),
                                              form.get("reason", ""))
        return PartnerQueueState.load


def _row(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(row["name"], as_="h2", size="4"),
            rx.text(row["kind"], " — SIRET ", row["siret"], size="2"),
            rx.text(row["place"], size="2"),
            rx.text("Catégories : ", row["categories"], size="2"),
            rx.text("Contact : ", row["email"], " (adresse confirmée le ", row["since"], ")", size="2"),
            rx.button("Valider", on_click=PartnerQueueState.validate(row["id"]), size="3",
                      aria_label="Valider " + row["name"].to(str)),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="partner_id", value=row["id"]),
                    rx.el.label("Motif du refus", html_for="motif-" + row["id"].to(str), font_weight="bold"),
                    rx.text_area(name="reason", id="motif-" + row["id"].to(str), required=True, width="100%"),
                    rx.button("Refuser", type="submit", variant="outline", color_scheme="red",
                              aria_label="Refuser " + row["name"].to(str)),
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
            rx.vstack(rx.foreach(PartnerQueueState.rows, _row), spacing="3", width="100%"),
            rx.text("Aucune structure n'attend de validation.", size="2"),
        ),
    )
