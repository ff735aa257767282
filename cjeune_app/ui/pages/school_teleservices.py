"""/etablissement/teleservices: the staff of a collège open or close its online services (inside the
Département's campaign windows), instruct the bourse requests of their pupils (grant with an échelon,
refuse with a reason, ask for a missing document), record a paper (CERFA) request, export the CSV,
and see the corrections families made to the fiche de renseignements."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.errors import NotSignedIn, Refusal
from cjeune_app.core.use_cases import teleservices
from cjeune_app.core.use_cases.teleservices import Decision
from cjeune_app.ui.components.forms import alert_box, field_error
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage

FILTERS = [("", "Toutes"), ("a_instruire", "À instruire"), ("accordees", "Accordées"),
           ("refusees", "Refusées"), ("incompletes", "Incomplètes")]


@dataclasses.dataclass
class ServiceRow:
    service: str = ""
    label: str = ""
    is_open: bool = False
    opened_by_school: bool = False
    closable: bool = False
    status: str = ""
    changed: str = ""


@dataclasses.dataclass
class RequestItem:
    id: str = ""
    reference: str = ""
    name: str = ""
    class_name: str = ""
    status: str = ""
    channel: str = ""
    sent_on: str = ""
    guardians: str = ""
    children: str = ""
    rfr: str = ""
    avis_year: str = ""
    has_avis: bool = False
    estimated: str = ""
    decision: str = ""
    decided: str = ""
    decidable: bool = False


@dataclasses.dataclass
class ChangeItem:
    pupil: str = ""
    subject: str = ""
    field: str = ""
    old_value: str = ""
    new_value: str = ""
    changed_on: str = ""


@dataclasses.dataclass
class PupilOption:
    id: str = ""
    name: str = ""


class SchoolTeleservicesState(PrivatePage, rx.State):
    sign_in_route = routes.BACK_OFFICE_SIGN_IN

    loaded: bool = False
    forbidden: str = ""
    school: str = ""
    season_code: str = ""
    services: list[ServiceRow] = []
    requests: list[RequestItem] = []
    pupils: list[PupilOption] = []
    changes: list[ChangeItem] = []
    status_filter: str = ""
    notice: str = ""
    problem: str = ""
    paper_errors: dict[str, str] = {}

    async def _show(self, actor: Actor | None) -> None:
        try:
            screen = await asyncio.to_thread(teleservices.school_teleservices, actor, self.status_filter or None)
        except Refusal as refusal:
            self.forbidden = refusal.message
            self.loaded = True
            return
        self.forbidden, self.school, self.season_code = "", screen.school, screen.season_code
        self.services = [ServiceRow(s.service, s.label, s.is_open, s.opened_by_school, s.closable, s.status_text,
                                    s.changed_text) for s in screen.services]
        self.requests = [RequestItem(
            str(r.request_id), r.reference, r.pupil_name, r.class_name, r.status_label, r.channel_label, r.sent_on,
            r.guardians, str(r.dependent_children), str(r.rfr_euros), str(r.avis_year), r.has_avis,
            r.estimated_echelon, r.decision_text, r.decided_text, r.decidable)
            for r in screen.requests]
        self.pupils = [PupilOption(str(p.pupil_id), p.name) for p in screen.pupils_without_request]
        self.changes = [ChangeItem(c.pupil_name, c.subject, c.field, c.old_value or "(vide)", c.new_value or "(vide)",
                                   c.changed_on) for c in screen.contact_changes]
        self.loaded = True

    async def _opened(self, actor: Actor) -> Any:
        self.loaded, self.notice, self.problem, self.paper_errors = False, "", "", {}
        self.status_filter = ""
        await self._show(actor)

    async def _act(self, function: Any, *args: Any) -> Any:
        actor = await self._actor()
        try:
            result = await asyncio.to_thread(function, actor, *args)
        except NotSignedIn:
            return rx.redirect(self.sign_in_route), None
        except Refusal as refusal:
            self.problem, self.notice = refusal.message, ""
            return None, None
        self.problem = ""
        await self._show(actor)
        return None, result

    @rx.event
    async def toggle(self, service: str, is_open: bool) -> Any:
        redirect, view = await self._act(teleservices.set_school_service, service, is_open)
        if view is not None:
            self.notice = f"{view.label} : {view.status_text}."
        return redirect

    @rx.event
    async def filter_by(self, status: str) -> Any:
        self.status_filter = status
        await self._show(await self._actor())

    @rx.event
    async def decide(self, form: dict[str, Any]) -> Any:
        request_id = str(form.get("request_id", ""))
        decision = str(form.get("decision", ""))
        if not request_id.isdigit():
            return None
        redirect, row = await self._act(teleservices.decide_bourse, int(request_id), decision,
                                        str(form.get("value", "")))
        if row is not None:
            self.notice = f"{row.pupil_name} : {row.status_label}. La famille est prévenue par e-mail."
        return redirect

    @rx.event
    async def record_paper(self, form: dict[str, Any]) -> Any:
        pupil_id = str(form.get("pupil_id", ""))
        if not pupil_id.isdigit():
            self.paper_errors = {"pupil_id": "Choisissez l'élève."}
            return None
        redirect, recorded = await self._act(teleservices.record_paper_request, int(pupil_id), form)
        if recorded is not None:
            self.paper_errors = recorded.errors
            if recorded.row is not None:
                self.notice = f"Demande papier de {recorded.row.pupil_name} enregistrée ({recorded.row.reference})."
        return redirect



S = SchoolTeleservicesState


def _csv_url() -> rx.Var:
    """The export of the list as filtered, built in the page (a computed var would make Reflex create
    and save this state for every session, whatever its page)."""
    return rx.cond(S.status_filter != "", routes.SCHOOL_BOURSE_CSV + "?statut=" + S.status_filter.to(str),
                   routes.SCHOOL_BOURSE_CSV)
# A long label wraps inside its button on a phone instead of spilling out of it.
WRAPPING = {"height": "auto", "min_height": "2.75rem", "white_space": "normal", "padding_y": "0.5rem"}


def _service(row: rx.Var[ServiceRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(row.label, as_="h3", size="4"),
            rx.text(row.status, weight="bold", class_name="etat-service"),
            rx.cond(row.changed != "", rx.text(row.changed, size="2", class_name="modifie-par")),
            rx.cond(
                row.closable,
                rx.cond(row.opened_by_school,
                        rx.button("Fermer : ", row.label, variant="outline", size="3", width="100%",
                                  on_click=S.toggle(row.service, False), **WRAPPING),
                        rx.button("Ouvrir : ", row.label, size="3", width="100%",
                                  on_click=S.toggle(row.service, True), **WRAPPING)),
                rx.text("Ouvert par défaut : ne peut pas être fermé.", size="2"),
            ),
            spacing="2", width="100%",
        ),
        id="service-" + row.service, width="100%",
    )


def _decision_form(row: rx.Var[RequestItem], decision: str, label: str, field: rx.Component,
                   field_id: str, variant: str = "solid") -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="request_id", value=row.id),
            rx.el.input(type="hidden", name="decision", value=decision),
            field,
            rx.button(label, type="submit", size="2", width="100%", variant=variant,
                      id=f"{field_id}-bouton-" + row.id),
            spacing="1", width="100%",
        ),
        on_submit=S.decide, reset_on_submit=True, width="100%",
    )


def _labelled(label: str, control_id: rx.Var, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.el.label(label, html_for=control_id, font_weight="bold", font_size="0.9rem"), control,
                     spacing="1", width="100%")


def _decisions(row: rx.Var[RequestItem]) -> rx.Component:
    echelon_id = "echelon-" + row.id
    reason_id = "motif-" + row.id
    document_id = "document-" + row.id
    return rx.vstack(
        _decision_form(row, Decision.GRANT, "Accorder", _labelled("Échelon accordé", echelon_id, rx.el.select(
            rx.el.option("Échelon 1", value="1"), rx.el.option("Échelon 2", value="2"),
            rx.el.option("Échelon 3", value="3"), name="value", id=echelon_id, default_value=row.estimated,
            class_name="choix")), "accorder"),
        _decision_form(row, Decision.REFUSE, "Refuser", _labelled("Motif du refus", reason_id, rx.input(
            name="value", id=reason_id, size="2", width="100%")), "refuser", "outline"),
        _decision_form(row, Decision.ASK_DOCUMENT, "Demander un document", _labelled(
            "Document manquant", document_id, rx.input(name="value", id=document_id, size="2", width="100%")),
            "demander", "outline"),
        spacing="3", width="100%",
    )


_AVIS_BEFORE_ID, _AVIS_AFTER_ID = routes.SCHOOL_BOURSE_AVIS_PATTERN.split("{request_id}")


def _request(row: rx.Var[RequestItem]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(row.name, " — ", row.class_name, as_="h3", size="4"),
            rx.text(row.reference, " · ", row.channel, " · envoyée le ", row.sent_on, size="2"),
            rx.text("État : ", rx.el.strong(row.status), class_name="etat-demande"),
            rx.text("Foyer : ", row.guardians, " · ", row.children, " enfant(s) à charge", size="2"),
            rx.text("RFR : ", row.rfr, " € (avis ", row.avis_year, ")",
                    rx.cond(row.has_avis, " · avis joint", " · avis non joint"), size="2"),
            rx.cond(row.has_avis, rx.link(
                "Voir l'avis d'imposition joint", href=_AVIS_BEFORE_ID + row.id + _AVIS_AFTER_ID,
                reload_document=True, size="2", class_name="voir-avis")),
            rx.cond(row.estimated != "", rx.text("Échelon estimé : ", row.estimated, size="2")),
            rx.cond(row.decision != "", rx.text(row.decision, " (", row.decided, ")", weight="bold",
                                                 class_name="decision")),
            rx.cond(row.decidable, _decisions(row)),
            spacing="2", width="100%",
        ),
        id="demande-" + row.id, width="100%",
    )


def _paper_field(label: str, name: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"papier-{name}", font_weight="bold"),
        rx.input(id=f"papier-{name}", name=name, size="3", width="100%",
                 aria_describedby=rx.cond(S.paper_errors.contains(name), f"erreur-{name}", "")),
        field_error(S.paper_errors, name),
        spacing="1", width="100%",
    )


def _paper_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label("Élève", html_for="papier-eleve", font_weight="bold"),
            rx.el.select(rx.el.option("Choisir l'élève", value=""),
                         rx.foreach(S.pupils, lambda p: rx.el.option(p.name, value=p.id)),
                         name="pupil_id", id="papier-eleve", class_name="choix"),
            field_error(S.paper_errors, "pupil_id"),
            _paper_field("Responsables légaux du foyer", "guardians"),
            _paper_field("Nombre d'enfants à charge", "dependent_children"),
            _paper_field("Revenu fiscal de référence (€)", "rfr_euros"),
            _paper_field("Année de l'avis d'imposition", "avis_year"),
            rx.button("Enregistrer la demande papier", type="submit", size="3", width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=S.record_paper, reset_on_submit=False, width="100%",
    )


def school_teleservices_page() -> rx.Component:
    return page_layout(
        rx.link("← Espace établissement", href=routes.SCHOOL, size="2"),
        page_title("Téléservices"),
        rx.cond(
            S.forbidden != "",
            rx.box(S.forbidden, role="alert", id="refus", class_name="refus"),
            rx.cond(
                S.loaded,
                rx.vstack(
                    rx.text(S.school, " — année scolaire ", S.season_code, weight="bold", id="etablissement"),
                    rx.cond(S.notice != "", rx.box(S.notice, role="status", class_name="avis", id="avis-action",
                                                   width="100%")),
                    rx.cond(S.problem != "", alert_box(S.problem)),
                    rx.heading("Services en ligne", as_="h2", size="5"),
                    rx.foreach(S.services, _service),
                    rx.heading("Demandes de bourse", as_="h2", size="5"),
                    rx.el.nav(
                        rx.hstack(*[rx.button(label, size="2", on_click=S.filter_by(value),
                                              variant=rx.cond(S.status_filter == value, "solid", "outline"),
                                              aria_pressed=rx.cond(S.status_filter == value, "true", "false"),
                                              id=f"filtre-{value or 'toutes'}")
                                    for value, label in FILTERS], wrap="wrap", spacing="2"),
                        aria_label="Filtrer les demandes",
                    ),
                    rx.link("Exporter la liste (CSV)", href=_csv_url(), id="export-csv", reload_document=True,
                            underline="always"),
                    rx.cond(S.requests.length() == 0, rx.text("Aucune demande.", id="aucune-demande")),
                    rx.foreach(S.requests, _request),
                    rx.heading("Enregistrer une demande papier (CERFA)", as_="h2", size="5"),
                    rx.card(_paper_form(), width="100%"),
                    rx.heading("Fiches de renseignements : corrections des familles", as_="h2", size="5"),
                    rx.cond(S.changes.length() == 0, rx.text("Aucune correction pour l'instant.")),
                    rx.el.ul(rx.foreach(S.changes, lambda c: rx.el.li(
                        rx.text(rx.el.strong(c.pupil), " — ", c.subject, " — le ", c.changed_on),
                        rx.text(c.field, " : ", c.old_value, " → ", rx.el.strong(c.new_value), size="2"),
                        padding_y="0.4rem", border_bottom="1px solid var(--gray-5)", list_style_type="none")),
                        id="corrections-fiches", margin="0", padding="0", width="100%"),
                    spacing="4", width="100%",
                ),
                rx.text("Chargement…", size="2"),
            ),
        ),
        width="40rem",
    )
