"""/services-en-ligne: for each child of the parent, the online services of the child's collège,
each open (with its closing date, and a link to its form) or closed (why, with its dates)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.use_cases import teleservices
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage


@dataclasses.dataclass
class ServiceItem:
    item_id: str = ""
    child_heading: str = ""  # set on the first service of each child
    label: str = ""
    status: str = ""
    is_open: bool = False
    href: str = ""
    request_text: str = ""
    decision_text: str = ""


class OnlineServicesState(PrivatePage, rx.State):
    allowed_roles = (Role.PARENT,)

    ready: bool = False
    refused: str = ""
    items: list[ServiceItem] = []

    async def _opened(self, actor: Actor) -> Any:
        self.ready, self.refused = False, ""
        try:
            children = await asyncio.to_thread(teleservices.online_services, actor)
        except Refusal as refusal:
            self.refused, self.items = refusal.message, []
        else:
            items = []
            for child in children:
                for index, line in enumerate(child.services):
                    items.append(ServiceItem(
                        f"service-{child.pupil_id}-{line.view.service}",
                        f"{child.name} — {child.school}" if index == 0 else "",
                        line.view.label, line.view.status_text, line.view.is_open, line.href,
                        line.request_text, line.decision_text))
            self.items = items
        self.ready = True
        return None


def _service(item: rx.Var[ServiceItem]) -> rx.Component:
    return rx.fragment(
        rx.cond(item.child_heading != "", rx.heading(item.child_heading, as_="h2", size="5", padding_top="0.5rem")),
        rx.card(
            rx.vstack(
                rx.heading(item.label, as_="h3", size="4"),
                rx.text(item.status, weight="bold", class_name="etat-service",
                        color=rx.cond(item.is_open, "var(--green-11)", "var(--gray-12)")),
                rx.cond(item.request_text != "", rx.text(item.request_text, class_name="etat-demande")),
                rx.cond(item.decision_text != "",
                        rx.box(item.decision_text, class_name="avis decision", role="status", width="100%")),
                rx.cond(item.href != "",
                        rx.button(rx.link("Ouvrir : ", item.label, href=item.href, class_name="ouvrir-service"),
                                  as_child=True, size="3", height="auto", min_height="2.75rem",
                                  white_space="normal", padding_y="0.5rem", text_align="center")),
                spacing="2", width="100%",
            ),
            id=item.item_id, width="100%",
        ),
    )


def online_services_page() -> rx.Component:
    return page_layout(
        rx.link("← Tableau de bord", href=routes.DASHBOARD, size="2"),
        page_title("Services en ligne", "Les démarches en ligne proposées par le collège de votre enfant."),
        rx.cond(
            OnlineServicesState.refused != "",
            alert_box(OnlineServicesState.refused),
            rx.cond(
                OnlineServicesState.ready,
                rx.vstack(
                    rx.cond(OnlineServicesState.items.length() == 0,
                            rx.text("Aucun enfant n'est rattaché à votre compte.")),
                    rx.foreach(OnlineServicesState.items, _service),
                    rx.text("La demande de bourse reste possible sur papier (formulaire CERFA) au secrétariat "
                            "du collège.", size="2", color="var(--gray-11)"),
                    spacing="3", width="100%",
                ),
                rx.text("Chargement…", role="status"),
            ),
        ),
        width="36rem",
    )
