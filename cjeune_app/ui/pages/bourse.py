"""/services-en-ligne/bourse?enfant=<id>: the demande de bourse de collège in three steps ("Étape N
sur 3": household, resources with the optional avis d'imposition, estimate and attestation), then
the sent request with its accusé de réception (PDF) and, later, the school's decision.

Core checks on every event that the service is open (window and school); a closed one shows why.
The avis is posted with the session cookie to its authenticated route, never through the state.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import NotSignedIn, Refusal
from cjeune_app.core.teleservices.errors import ServiceClosed
from cjeune_app.core.teleservices.models import BOURSE_STEP_COUNT
from cjeune_app.core.use_cases import teleservices
from cjeune_app.core.use_cases.teleservices import BourseScreen
from cjeune_app.ui import browser
from cjeune_app.ui.components.forms import alert_box, field_error
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage
from cjeune_app.ui.theme import BRAND_BLUE

STEP_TITLES = {1: "Foyer", 2: "Ressources", 3: "Estimation et envoi"}
AVIS_INPUT_ID = "champ-avis"
NETWORK_ERROR = "La connexion a été interrompue : vérifiez votre réseau et réessayez."
NO_FILE = "Choisissez d'abord l'avis d'imposition (PDF ou JPEG)."
ATTESTATION = ("J'atteste sur l'honneur l'exactitude des renseignements donnés et être le représentant légal "
               "de l'enfant.")


class BourseState(PrivatePage, rx.State):
    allowed_roles = (Role.PARENT,)

    ready: bool = False
    refused: str = ""
    closed: bool = False  # the refusal is the service's closure: the paper request is suggested
    children_choice: list[dict[str, str]] = []
    child_name: str = ""
    school: str = ""
    season_code: str = ""
    closes_on: str = ""
    is_draft: bool = True
    step: int = 1
    guardians: str = ""
    dependent_children: str = ""
    rfr_euros: str = ""
    avis_year: str = ""
    avis_attached: str = ""
    can_attach_avis: bool = False
    avis_chosen: str = ""
    avis_failure: str = ""
    sending_avis: bool = False
    estimate_text: str = ""
    status_label: str = ""
    reference: str = ""
    sent_on: str = ""
    decision_text: str = ""
    receipt_url: str = ""
    errors: dict[str, str] = {}
    _pupil_id: int = 0

    def _show(self, screen: BourseScreen) -> None:
        self._pupil_id = screen.pupil_id
        self.child_name, self.school, self.season_code = screen.child_name, screen.school, screen.season_code
        self.closes_on, self.is_draft, self.step = screen.closes_on, screen.is_draft, screen.step
        self.guardians, self.dependent_children = screen.guardians, screen.dependent_children
        self.rfr_euros, self.avis_year = screen.rfr_euros, screen.avis_year
        self.avis_attached, self.can_attach_avis = screen.avis_attached, screen.can_attach_avis
        self.estimate_text, self.status_label = screen.estimate_text, screen.status_label
        self.reference, self.sent_on, self.decision_text = screen.reference, screen.sent_on, screen.decision_text
        self.receipt_url = routes.online_bourse_receipt(screen.pupil_id) if screen.reference else ""

    def _refuse(self, refusal: Refusal) -> Any:
        if isinstance(refusal, NotSignedIn):
            return rx.redirect(self.sign_in_route)
        self.refused, self.closed = refusal.message, isinstance(refusal, ServiceClosed)
        return None

    async def _opened(self, actor: Actor) -> Any:
        self.ready, self.refused, self.children_choice, self.errors = False, "", [], {}
        self.avis_failure = self.avis_chosen = ""
        try:
            opening = await asyncio.to_thread(teleservices.open_bourse, actor,
                                              self.router.url.query_parameters.get("enfant"))
        except Refusal as refusal:
            self.ready = True
            return self._refuse(refusal)
        if opening.screen is not None:
            self._show(opening.screen)
        else:
            self.children_choice = [{"id": str(c.pupil_id), "name": c.name} for c in opening.children]
        self.ready = True
        return None

    async def _call(self, function: Any, *args: Any) -> Any:
        actor = await self._actor()
        try:
            return await asyncio.to_thread(function, actor, self._pupil_id, *args)
        except Refusal as refusal:
            self.refused, self.closed = refusal.message, isinstance(refusal, ServiceClosed)
            if isinstance(refusal, NotSignedIn):
                return rx.redirect(self.sign_in_route)
            return None

    @rx.event
    async def next_step(self, form: dict[str, Any]) -> Any:
        self.errors = {}
        if self.step < BOURSE_STEP_COUNT:
            saved = await self._call(teleservices.save_bourse_step, self.step, form)
            if saved is None or not isinstance(saved, teleservices.BourseSaved):
                return saved
            self._show(saved.screen)
            self.errors = saved.errors
        else:
            attested = str(form.get("attested", "")).lower() in ("on", "true", "1")
            if not attested:
                self.errors = {"attested": "Cochez l'attestation sur l'honneur pour envoyer la demande."}
                return None
            screen = await self._call(teleservices.send_bourse, True)
            if not isinstance(screen, BourseScreen):
                return screen
            self._show(screen)
        return browser.focus("titre-etape", delay_ms=60)

    @rx.event
    async def previous_step(self) -> Any:
        self.errors = {}
        screen = await self._call(teleservices.bourse_go_to_step, self.step - 1)
        if isinstance(screen, BourseScreen):
            self._show(screen)
            return None
        return screen

    @rx.event
    def choose_avis(self, value: str) -> None:
        self.avis_chosen = (value or "").replace("\\", "/").rsplit("/", 1)[-1][:120]
        self.avis_failure = ""

    @rx.event
    async def send_avis(self) -> Any:
        if self.sending_avis:
            return None
        self.sending_avis, self.avis_failure = True, ""
        return browser.post_files(routes.online_bourse_avis(self._pupil_id), {routes.AVIS_FILE_FIELD: AVIS_INPUT_ID},
                                  BourseState.avis_sent, csrf=await self._csrf_token(), missing=NO_FILE,
                                  network=NETWORK_ERROR)

    @rx.event
    async def avis_sent(self, answer: dict | None) -> Any:
        self.sending_avis = False
        answer = answer or {"failure": NETWORK_ERROR}
        self.avis_failure = str(answer.get("failure", "") or "")
        if not self.avis_failure:
            self.avis_attached, self.avis_chosen = str(answer.get("avis", "") or ""), ""
        return None



browser.answers_to(BourseState.avis_sent)


def _described(name: str, hint: bool = False) -> dict[str, Any]:
    has_error = BourseState.errors.contains(name)
    hint_id = f"aide-{name}" if hint else ""
    return {"aria_invalid": rx.cond(has_error, "true", "false"),
            "aria_describedby": rx.cond(has_error, f"{hint_id} erreur-{name}".strip(), hint_id)}


def _field(label: str, name: str, value: rx.Var, hint: str = "", input_mode: str = "text") -> rx.Component:
    parts: list[rx.Component] = [
        rx.el.label(label + " *", html_for=f"champ-{name}", font_weight="bold"),
        rx.input(id=f"champ-{name}", name=name, default_value=value, size="3", width="100%", required=True,
                 input_mode=input_mode, **_described(name, bool(hint))),
    ]
    if hint:
        parts.append(rx.text(hint, id=f"aide-{name}", size="2", color="var(--gray-11)"))
    parts.append(field_error(BourseState.errors, name))
    return rx.vstack(*parts, spacing="1", width="100%")


def _step_indicator() -> rx.Component:
    def item(number: int) -> rx.Component:
        current, done = BourseState.step == number, BourseState.step > number
        return rx.el.li(
            rx.cond(done, rx.text("✓ ", as_="span", aria_hidden="true")),
            f"{number}. {STEP_TITLES[number]}",
            aria_current=rx.cond(current, "step", "false"),
            class_name=rx.cond(current, "etape etape-en-cours", rx.cond(done, "etape etape-faite", "etape")),
        )

    return rx.vstack(
        rx.el.nav(rx.el.ol(*[item(n) for n in range(1, BOURSE_STEP_COUNT + 1)], class_name="etapes"),
                  aria_label="Étapes de la demande de bourse"),
        rx.text("Étape ", BourseState.step, f" sur {BOURSE_STEP_COUNT}", weight="bold", id="etape-courante"),
        rx.progress(value=round(BourseState.step * 100 / BOURSE_STEP_COUNT), max=100, size="3",
                    aria_label="Progression de la demande", width="100%"),
        spacing="2", width="100%", class_name="progression",
    )


def _heading(number: int) -> rx.Component:
    return rx.heading(f"{number}. {STEP_TITLES[number]}", as_="h2", size="5", id="titre-etape", tab_index=-1,
                      color=BRAND_BLUE)


def _step_one() -> rx.Component:
    return rx.vstack(
        _heading(1),
        _field("Responsables légaux du foyer (nom et prénom)", "guardians", BourseState.guardians,
               "Les personnes qui ont la charge de l'enfant et vivent avec lui."),
        _field("Nombre d'enfants à charge", "dependent_children", BourseState.dependent_children,
               "Tel qu'il figure sur l'avis d'imposition (l'enfant compris).", "numeric"),
        spacing="4", width="100%",
    )


def _avis_upload() -> rx.Component:
    return rx.vstack(
        rx.text("Avis d'imposition (facultatif)", weight="bold"),
        rx.text("PDF ou JPEG, 10 Mo au maximum. Il aide l'établissement à instruire la demande.", size="2",
                id="aide-avis"),
        rx.cond(BourseState.avis_attached != "",
                rx.text(BourseState.avis_attached, id="avis-joint", role="status", weight="bold",
                        color="var(--green-11)")),
        rx.box(
            rx.el.input(type="file", id=AVIS_INPUT_ID, name=AVIS_INPUT_ID,
                        accept=".pdf,.jpg,.jpeg,application/pdf,image/jpeg",
                        aria_describedby="aide-avis avis-choisi", on_change=BourseState.choose_avis),
            rx.el.label("Choisir le fichier", html_for=AVIS_INPUT_ID, class_name="bouton-fichier"),
            rx.text(rx.cond(BourseState.avis_chosen != "", BourseState.avis_chosen, "Aucun fichier choisi"),
                    id="avis-choisi", size="2", as_="span"),
            class_name="choix-fichier",
        ),
        rx.button(rx.cond(BourseState.sending_avis, "Envoi en cours…", "Joindre l'avis"), type="button",
                  variant="outline", size="3", width="100%", on_click=BourseState.send_avis, id="joindre-avis",
                  disabled=BourseState.sending_avis),
        rx.cond(BourseState.avis_failure != "", alert_box(BourseState.avis_failure)),
        spacing="2", width="100%",
    )


def _step_two() -> rx.Component:
    return rx.vstack(
        _heading(2),
        _field("Revenu fiscal de référence (en euros)", "rfr_euros", BourseState.rfr_euros,
               "Sur la première page de l'avis d'imposition, sans centimes.", "numeric"),
        _field("Année de l'avis d'imposition", "avis_year", BourseState.avis_year, "Par exemple 2026.", "numeric"),
        _avis_upload(),
        spacing="4", width="100%",
    )


def _step_three() -> rx.Component:
    has_error = BourseState.errors.contains("attested")
    return rx.vstack(
        _heading(3),
        rx.el.dl(
            rx.el.dt("Foyer", font_weight="bold"), rx.el.dd(BourseState.guardians, margin="0"),
            rx.el.dt("Enfants à charge", font_weight="bold"), rx.el.dd(BourseState.dependent_children, margin="0"),
            rx.el.dt("Revenu fiscal de référence", font_weight="bold"),
            rx.el.dd(BourseState.rfr_euros, " €", margin="0"),
            rx.el.dt("Avis d'imposition", font_weight="bold"), rx.el.dd(BourseState.avis_year, margin="0"),
        ),
        rx.box(BourseState.estimate_text, class_name="avis", id="estimation", width="100%"),
        _avis_upload(),
        rx.hstack(
            rx.el.input(type="checkbox", id="champ-attested", name="attested", required=True,
                        aria_invalid=rx.cond(has_error, "true", "false"),
                        aria_describedby=rx.cond(has_error, "erreur-attested", ""),
                        width="1.3rem", height="1.3rem", flex_shrink="0", margin_top="0.2rem"),
            rx.el.label(ATTESTATION + " *", html_for="champ-attested"),
            spacing="2", align="start", width="100%",
        ),
        field_error(BourseState.errors, "attested"),
        spacing="4", width="100%",
    )


def _stepper() -> rx.Component:
    return rx.form(
        rx.vstack(
            _step_indicator(),
            rx.cond(BourseState.errors.length() > 0,
                    alert_box("Certains champs sont à corriger : les explications sont sous chaque champ concerné.")),
            rx.match(BourseState.step, (1, _step_one()), (2, _step_two()), _step_three()),
            rx.hstack(
                rx.cond(BourseState.step > 1,
                        rx.button("Précédent", type="button", variant="outline", size="3", flex="1",
                                  on_click=BourseState.previous_step)),
                rx.button(rx.cond(BourseState.step == BOURSE_STEP_COUNT, "Envoyer", "Suivant"), type="submit",
                          size="3", flex="1", id="bouton-suivant"),
                spacing="3", width="100%",
            ),
            rx.text("* champ obligatoire. Votre brouillon est enregistré à chaque étape.", size="2",
                    color="var(--gray-11)"),
            spacing="4", width="100%",
        ),
        on_submit=BourseState.next_step, reset_on_submit=False, no_validate=True, width="100%",
    )


def _sent() -> rx.Component:
    return rx.vstack(
        rx.heading("Demande envoyée", as_="h2", size="5", id="titre-etape", tab_index=-1, color=BRAND_BLUE),
        rx.box(
            rx.text("Référence : ", rx.el.strong(BourseState.reference, id="reference")),
            rx.text("Envoyée le ", BourseState.sent_on),
            rx.text("État : ", rx.el.strong(BourseState.status_label, id="etat-demande")),
            role="status", class_name="avis", width="100%",
        ),
        rx.cond(BourseState.decision_text != "", rx.text(BourseState.decision_text, id="decision", weight="bold")),
        rx.text(BourseState.estimate_text, size="2"),
        rx.link("Télécharger l'accusé de réception (PDF)", href=BourseState.receipt_url, id="accuse-reception",
                reload_document=True, weight="bold", underline="always"),
        rx.cond(BourseState.can_attach_avis, _avis_upload()),
        rx.text("Un e-mail de confirmation vous a été envoyé. La décision de l'établissement vous sera "
                "communiquée par e-mail et sur la page Services en ligne.", size="2"),
        spacing="3", width="100%",
    )


def bourse_page() -> rx.Component:
    return page_layout(
        rx.link("← Services en ligne", href=routes.ONLINE_SERVICES, size="2"),
        page_title("Demande de bourse de collège"),
        rx.cond(
            BourseState.refused != "",
            rx.vstack(
                rx.box(BourseState.refused, role="alert", id="refus", class_name="refus", width="100%"),
                rx.cond(BourseState.closed, rx.text(
                    "La demande papier (formulaire CERFA) reste possible au secrétariat du collège.",
                    id="demande-papier", size="2")),
                spacing="3", width="100%",
            ),
            rx.cond(
                ~BourseState.ready,
                rx.text("Chargement…", role="status"),
                rx.cond(
                    BourseState.children_choice.length() > 0,
                    rx.vstack(
                        rx.heading("Pour quel enfant ?", as_="h2", size="5"),
                        rx.el.ul(rx.foreach(BourseState.children_choice, lambda c: rx.el.li(
                            rx.link(c["name"], href=f"{routes.ONLINE_BOURSE}?enfant=" + c["id"], size="4")))),
                    ),
                    rx.vstack(
                        rx.text("Pour ", rx.el.strong(BourseState.child_name), " — ", BourseState.school,
                                " — année scolaire ", BourseState.season_code),
                        rx.cond(BourseState.closes_on != "",
                                rx.text("Demande possible jusqu'au ", BourseState.closes_on, " inclus.", size="2")),
                        rx.cond(BourseState.is_draft, _stepper(), _sent()),
                        spacing="4", width="100%",
                    ),
                ),
            ),
        ),
        width="36rem",
    )
