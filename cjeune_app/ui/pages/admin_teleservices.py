"""/admin/teleservices: the agents of the Département see the catalogue of online services, set each
campaign's window per school year (dates as data) and read the figures of the bourse per school."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import NotSignedIn, Refusal
from cjeune_app.core.use_cases import teleservices
from cjeune_app.core.use_cases.teleservices import AdminTeleservices
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage


@dataclasses.dataclass
class CatalogueRow:
    service: str = ""
    label: str = ""
    description: str = ""
    window: str = ""
    has_campaign: bool = False


@dataclasses.dataclass
class FiguresRow:
    school: str = ""
    state: str = ""
    requests: str = ""
    to_instruct: str = ""
    granted: str = ""
    refused: str = ""
    incomplete: str = ""


class AdminTeleservicesState(PrivatePage, rx.State):
    allowed_roles = (Role.AGENT,)
    sign_in_route = routes.BACK_OFFICE_SIGN_IN
    refused_route = routes.BACK_OFFICE_REFUSED

    season_code: str = ""
    catalogue: list[CatalogueRow] = []
    figures: list[FiguresRow] = []
    notice: str = ""
    problem: str = ""

    def _show(self, screen: AdminTeleservices) -> None:
        self.season_code = screen.season_code
        self.catalogue = [CatalogueRow(c.service, c.label, c.description,
                                       c.window_text + (" (dates par défaut)" if c.window_is_default and
                                                        not c.open_by_default else ""), not c.open_by_default)
                          for c in screen.catalogue]
        self.figures = [FiguresRow(f.school, "bourse ouverte" if f.bourse_open else "bourse fermée", str(f.requests),
                                   str(f.to_instruct), str(f.granted), str(f.refused), str(f.incomplete))
                        for f in screen.figures]

    async def _opened(self, actor: Actor) -> Any:
        self.notice = self.problem = ""
        try:
            self._show(await asyncio.to_thread(teleservices.admin_teleservices, actor, None))
        except Refusal:
            return rx.redirect(self.sign_in_route)
        return None

    @rx.event
    async def set_window(self, form: dict[str, Any]) -> Any:
        actor = await self._actor()
        try:
            screen = await asyncio.to_thread(
                teleservices.set_campaign_window, actor, str(form.get("service", "")),
                str(form.get("season_code", "")).strip(), str(form.get("opens_on", "")),
                str(form.get("closes_on", "")))
        except NotSignedIn:
            return rx.redirect(self.sign_in_route)
        except Refusal as refusal:
            self.problem, self.notice = refusal.message, ""
            return None
        self._show(screen)
        self.problem, self.notice = "", f"Fenêtre de la campagne {screen.season_code} enregistrée."
        return None


A = AdminTeleservicesState


def _window_form(row: rx.Var[CatalogueRow]) -> rx.Component:
    def field(label: str, name: str, value: Any) -> rx.Component:
        field_id = f"{name}-" + row.service
        return rx.vstack(rx.el.label(label, html_for=field_id, font_weight="bold", font_size="0.9rem"),
                         rx.input(id=field_id, name=name, default_value=value, size="2", width="100%"),
                         spacing="1", width="100%")

    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="service", value=row.service),
            field("Année scolaire", "season_code", A.season_code),
            field("Premier jour (jj/mm/aaaa)", "opens_on", ""),
            field("Dernier jour inclus (jj/mm/aaaa)", "closes_on", ""),
            rx.button("Enregistrer la fenêtre", type="submit", size="2", width="100%"),
            spacing="2", width="100%",
        ),
        on_submit=A.set_window, reset_on_submit=False, width="100%",
    )


def _service(row: rx.Var[CatalogueRow]) -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading(row.label, as_="h3", size="4"),
        rx.text(row.description, size="2"),
        rx.text("Ouverture ", A.season_code, " : ", row.window, weight="bold", class_name="fenetre"),
        rx.cond(row.has_campaign, _window_form(row)),
        spacing="2", width="100%"), id="catalogue-" + row.service, width="100%")


def _figures() -> rx.Component:
    head = ["Établissement", "Bourse", "Demandes", "À instruire", "Accordées", "Refusées", "Incomplètes"]
    return rx.box(rx.el.table(
        rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in head])),
        rx.el.tbody(rx.foreach(A.figures, lambda f: rx.el.tr(
            rx.el.th(f.school, scope="row"), rx.el.td(f.state), rx.el.td(f.requests), rx.el.td(f.to_instruct),
            rx.el.td(f.granted), rx.el.td(f.refused), rx.el.td(f.incomplete)))),
        id="chiffres", class_name="tableau"), overflow_x="auto", width="100%", tab_index=0,
        role="region", aria_label="Chiffres par établissement")


def admin_teleservices_page() -> rx.Component:
    return page_layout(
        page_title("Téléservices", "Catalogue, fenêtres des campagnes et chiffres par établissement."),
        rx.cond(A.notice != "", rx.box(A.notice, role="status", class_name="avis", width="100%")),
        rx.cond(A.problem != "", alert_box(A.problem)),
        rx.heading("Catalogue des services", as_="h2", size="5"),
        rx.foreach(A.catalogue, _service),
        rx.heading("Chiffres par établissement (", A.season_code, ")", as_="h2", size="5"),
        _figures(),
        width="48rem",
    )
