"""/admin/suppressions: the agents read the requests to delete an account made from "Mon compte"."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.dates import format_date, format_hour
from cjeune_app.core.enums import Role
from cjeune_app.core.use_cases import my_account
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage


@dataclasses.dataclass
class DeletionRow:
    name: str
    login: str
    asked: str


class DeletionRequestsState(PrivatePage, rx.State):
    allowed_roles = (Role.AGENT,)
    sign_in_route = routes.BACK_OFFICE_SIGN_IN
    refused_route = routes.BACK_OFFICE_REFUSED
    rows: list[DeletionRow] = []

    async def _opened(self, actor: Actor) -> None:
        found = await asyncio.to_thread(my_account.deletion_requests, actor)
        self.rows = [DeletionRow(r.name, r.login, f"{format_date(r.requested_at)} à {format_hour(r.requested_at)}")
                     for r in found]


def _row(row: rx.Var) -> rx.Component:
    return rx.el.li(rx.text(row.name, weight="bold"), rx.text(row.login, size="2"),
                    rx.text("Demandée le ", row.asked, size="2"), class_name="demande-suppression")


def deletion_requests_page() -> rx.Component:
    return page_layout(
        page_title("Demandes de suppression de compte",
                   "Faites depuis « Mon compte » ; à traiter dans le mois (RGPD), historique des paiements conservé."),
        rx.cond(DeletionRequestsState.rows.length() > 0,
                rx.el.ul(rx.foreach(DeletionRequestsState.rows, _row), id="demandes-suppression"),
                rx.text("Aucune demande en attente.", id="aucune-demande")),
        width="40rem",
    )
