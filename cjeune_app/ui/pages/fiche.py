"""/services-en-ligne/fiche?enfant=<id>: the fiche de renseignements. The family checks the contact
details the school keeps for the child and its guardians and corrects them; the school's staff see
each change with its date."""

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
from cjeune_app.core.use_cases.teleservices import FicheScreen
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage


@dataclasses.dataclass
class GuardianItem:
    rank: str = ""
    name: str = ""
    relation: str = ""
    mobile: str = ""
    email: str = ""
    address: str = ""


class FicheState(PrivatePage, rx.State):
    allowed_roles = (Role.PARENT,)

    ready: bool = False
    refused: str = ""
    children_choice: list[dict[str, str]] = []
    child_name: str = ""
    school: str = ""
    class_name: str = ""
    birth_date: str = ""
    child_mobile: str = ""
    child_email: str = ""
    guardians: list[GuardianItem] = []
    errors: dict[str, str] = {}
    notice: str = ""
    revision: int = 0  # remounts the fields with the stored values after a save
    _pupil_id: int = 0

    def _show(self, screen: FicheScreen) -> None:
        self._pupil_id, self.child_name, self.school = screen.pupil_id, screen.child_name, screen.school
        self.class_name, self.birth_date = screen.class_name, screen.birth_date
        self.child_mobile, self.child_email = screen.fiche.child_mobile, screen.fiche.child_email
        self.guardians = [GuardianItem(str(g.rank), g.name, g.relation, g.mobile, g.email, g.address)
                          for g in screen.fiche.guardians]

    async def _opened(self, actor: Actor) -> Any:
        self.ready, self.refused, self.children_choice, self.errors, self.notice = False, "", [], {}, ""
        try:
            opening = await asyncio.to_thread(teleservices.open_fiche, actor,
                                              self.router.url.query_parameters.get("enfant"))
        except Refusal as refusal:
            self.ready, self.refused = True, refusal.message
            return None
        if opening.screen is not None:
            self._show(opening.screen)
        else:
            self.children_choice = [{"id": str(c.pupil_id), "name": c.name} for c in opening.children]
        self.ready = True
        return None

    @rx.event
    async def save(self, form: dict[str, Any]) -> Any:
        actor = await self._actor()
        try:
            saved = await asyncio.to_thread(teleservices.save_fiche, actor, self._pupil_id, form)
        except NotSignedIn:
            return rx.redirect(self.sign_in_route)
        except Refusal as refusal:
            self.refused = refusal.message
            return None
        self.errors = saved.errors
        if saved.errors:
            self.notice = ""
            return None
        self._show(saved.screen)
        self.revision += 1
        self.notice = "Vos corrections sont enregistrées : le secrétariat du collège les voit avec leur date."
        return None


F = FicheState


def _input(label: str, name: str | rx.Var, value: rx.Var, input_type: str = "text") -> rx.Component:
    field_id = "fiche-" + name
    has_error = F.errors.contains(name)
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="bold"),
        rx.input(id=field_id, name=name, default_value=value, type=input_type, size="3", width="100%",
                 key=F.revision.to_string() + name, aria_invalid=rx.cond(has_error, "true", "false"),
                 aria_describedby=rx.cond(has_error, "erreur-" + name, "")),
        rx.cond(has_error, rx.text(F.errors[name], id="erreur-" + name, size="2", color="var(--red-11)")),
        spacing="1", width="100%",
    )


def _guardian(g: rx.Var[GuardianItem]) -> rx.Component:
    return rx.card(rx.vstack(
        rx.heading("Responsable légal ", g.rank, " : ", g.name, as_="h3", size="4"),
        rx.text(g.relation, size="2"),
        _input("Mobile", "g" + g.rank + "_mobile", g.mobile, "tel"),
        _input("Adresse e-mail", "g" + g.rank + "_email", g.email, "email"),
        _input("Adresse", "g" + g.rank + "_address", g.address),
        spacing="3", width="100%"), width="100%")


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(F.errors.length() > 0,
                    alert_box("Certains champs sont à corriger : les explications sont sous chaque champ concerné.")),
            rx.heading("Élève", as_="h2", size="5"),
            rx.el.dl(
                rx.el.dt("Nom et prénom", font_weight="bold"), rx.el.dd(F.child_name, margin="0"),
                rx.el.dt("Né(e) le", font_weight="bold"), rx.el.dd(F.birth_date, margin="0"),
                rx.el.dt("Classe", font_weight="bold"), rx.el.dd(F.class_name, margin="0"),
            ),
            rx.text("Une erreur sur l'identité ? Signalez-la au secrétariat du collège.", size="2"),
            _input("Mobile de l'élève (facultatif)", "child_mobile", F.child_mobile, "tel"),
            _input("Adresse e-mail de l'élève (facultatif)", "child_email", F.child_email, "email"),
            rx.heading("Responsables légaux", as_="h2", size="5"),
            rx.cond(F.guardians.length() == 0,
                    rx.text("Le collège n'a encore enregistré aucun responsable légal pour cet enfant.")),
            rx.foreach(F.guardians, _guardian),
            rx.button("Enregistrer les corrections", type="submit", size="3", width="100%", id="enregistrer-fiche"),
            spacing="4", width="100%",
        ),
        on_submit=F.save, reset_on_submit=False, no_validate=True, width="100%",
    )


def fiche_page() -> rx.Component:
    return page_layout(
        rx.link("← Services en ligne", href=routes.ONLINE_SERVICES, size="2"),
        page_title("Fiche de renseignements"),
        rx.cond(
            F.refused != "",
            rx.box(F.refused, role="alert", id="refus", class_name="refus", width="100%"),
            rx.cond(
                ~F.ready,
                rx.text("Chargement…", role="status"),
                rx.cond(
                    F.children_choice.length() > 0,
                    rx.vstack(
                        rx.heading("Pour quel enfant ?", as_="h2", size="5"),
                        rx.el.ul(rx.foreach(F.children_choice, lambda c: rx.el.li(
                            rx.link(c["name"], href=f"{routes.ONLINE_FICHE}?enfant=" + c["id"], size="4")))),
                    ),
                    rx.vstack(
                        rx.text(F.child_name, " — ", F.school, weight="bold"),
                        rx.cond(F.notice != "", rx.box(F.notice, role="status", class_name="avis", id="avis-fiche",
                                                       width="100%")),
                        _form(),
                        spacing="4", width="100%",
                    ),
                ),
            ),
        ),
        width="36rem",
    )
