"""/admin/journal: the audit trail, filtered, newest first, exported as CSV."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, ClassVar
from urllib.parse import urlencode

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.use_cases import journal
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage


@dataclasses.dataclass
class JournalRow:
    when: str
    actor: str
    action: str
    target: str
    reason: str
    details: str


def _rows(actor: Actor, params: dict[str, str], page: int) -> tuple[list[JournalRow], bool]:
    found = journal.read_journal(actor, journal.filter_from_fields(params), page=page)
    return ([JournalRow(r.when, r.actor_name, r.action_label, r.target_label, r.reason, r.details)
             for r in found.rows], found.has_more)


class JournalState(PrivatePage, rx.State):
    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.AGENT,)
    sign_in_route: ClassVar[str] = routes.BACK_OFFICE_SIGN_IN
    refused_route: ClassVar[str] = routes.BACK_OFFICE_REFUSED

    rows: list[JournalRow] = []
    csv_href: str = routes.API_PREFIX + routes.ADMIN_JOURNAL_CSV
    page: int = 0  # pages of journal.PAGE_SIZE entries, newest first
    has_more: bool = False
    params: dict[str, str] = {}  # the filter the pages are of
    # Set with the rows (a computed var would make Reflex create this state for every session).
    page_label: str = ""

    async def _opened(self, actor: Actor) -> Any:
        await self._show(actor, {}, 0)

    async def _show(self, actor: Actor, params: dict[str, str], page: int) -> None:
        self.rows, self.has_more = await asyncio.to_thread(_rows, actor, params, page)
        self.params, self.page = params, page
        first = page * journal.PAGE_SIZE + 1
        self.page_label = f"Entrées {first} à {first + len(self.rows) - 1}" if self.rows else ""
        kept = {k: v for k, v in params.items() if v}
        self.csv_href = routes.API_PREFIX + routes.ADMIN_JOURNAL_CSV + (f"?{urlencode(kept)}" if kept else "")

    @rx.event
    async def filter(self, form: dict[str, Any]):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        await self._show(actor, {k: str(form.get(k, "")) for k in ("action", "texte", "du", "au")}, 0)
        return None

    @rx.event
    async def turn(self, step: int):
        """The next (1) or previous (-1) page, with the same filter."""
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        if (step > 0 and not self.has_more) or (step < 0 and self.page == 0):
            return None
        await self._show(actor, dict(self.params), max(0, self.page + (1 if step > 0 else -1)))
        return None



def _labelled(label: str, field_id: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.el.label(label, html_for=field_id, font_weight="bold"), control, spacing="1", width="100%")


def journal_page() -> rx.Component:
    choices = journal.action_choices()
    return page_layout(
        page_title("Journal des actions", "Chaque action d'un agent ou d'un établissement : qui, quand, quoi, "
                                          "pourquoi. Le journal ne peut être ni modifié ni effacé."),
        rx.form(
            rx.vstack(
                _labelled("Action", "filtre-action", rx.el.select(
                    rx.el.option("Toutes", value=""), *[rx.el.option(label, value=code) for code, label in choices],
                    name="action", id="filtre-action", class_name="champ-liste")),
                _labelled("Texte (agent, dossier, motif)", "filtre-texte",
                          rx.input(name="texte", id="filtre-texte", size="3", width="100%")),
                rx.hstack(
                    _labelled("Du (jj/mm/aaaa)", "filtre-du", rx.input(name="du", id="filtre-du", size="3")),
                    _labelled("Au (jj/mm/aaaa)", "filtre-au", rx.input(name="au", id="filtre-au", size="3")),
                    spacing="3", width="100%"),
                rx.button("Filtrer", type="submit", size="3"),
                spacing="2", width="100%"),
            on_submit=JournalState.filter, width="100%"),
        rx.link("Exporter en CSV", href=JournalState.csv_href, reload_document=True, download="",
                id="export-csv", margin_y="1rem", display="block"),
        rx.box(
            rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in
                                       ("Date", "Auteur", "Action", "Objet", "Motif", "Détails")])),
                rx.el.tbody(rx.foreach(JournalState.rows, lambda r: rx.el.tr(
                    rx.el.td(r.when), rx.el.td(r.actor), rx.el.td(r.action), rx.el.td(r.target), rx.el.td(r.reason),
                    rx.el.td(r.details)))),
                id="journal", class_name="tableau"),
            overflow_x="auto", width="100%", tab_index=0, role="region", aria_label="Journal des actions"),
        rx.hstack(
            rx.button("Précédent", on_click=JournalState.turn(-1), disabled=JournalState.page == 0,
                      variant="outline", size="3", id="page-precedente"),
            rx.text(JournalState.page_label, size="2", id="page-journal", aria_live="polite"),
            rx.button("Suivant", on_click=JournalState.turn(1), disabled=~JournalState.has_more,
                      variant="outline", size="3", id="page-suivante"),
            spacing="3", align="center", justify="between", width="100%", margin_top="1rem",
            aria_label="Pages du journal"),
        width="64rem",
    )
