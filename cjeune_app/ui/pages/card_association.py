"""/carte/associer: "1. Informations > 2. Numéro", then "Scanner la carte" OU "Saisir le numéro",
"Terminer". On success the dashboard shows the credited balances at once.

- The number is checked with core's own rule (Luhn, 16 digits) as it is typed: a typo is caught
  before any association is asked, with core's message.
- "Terminer" runs once at a time (disabled while running) under an idempotency key held for the
  attempt: a double click or a retried request credits once (core replays the first result).
- The youth comes from `?enfant=<id>`, checked against the account on load and again by core.
"""

from __future__ import annotations

import dataclasses
import uuid

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards.loss import CardShown
from cjeune_app.core.cards.numbers import (
    NUMBER_LENGTH,
    format_card_number,
    is_well_formed,
    normalize_card_number,
)
from cjeune_app.core.errors import NotSignedIn, Refusal
from cjeune_app.core.formats import format_cents
from cjeune_app.core.use_cases import cards as card_cases
from cjeune_app.core.use_cases.family import PageRead
from cjeune_app.core.use_cases.sessions import SessionDigest
from cjeune_app.ui.components.card_scanner import card_scanner
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.pages.dashboard import DashboardState
from cjeune_app.ui.state import PrivatePage
from cjeune_app.ui.theme import BRAND_BLUE

NO_ACCESS = "Vous n'avez pas accès à la carte de ce jeune."
SESSION_EXPIRED = "Votre session a expiré : reconnectez-vous, puis recommencez."
ALREADY_ACTIVE = ("Une carte est déjà active sur ce compte. Si elle est perdue ou volée, déclarez-la "
                  "d'abord depuis le tableau de bord, puis associez la nouvelle.")
SCAN_NOT_A_CARD = ("Ce QR code n'est pas celui d'une carte CJeune de Provence. Scannez le QR code au dos "
                   "de la carte, ou saisissez les 16 chiffres inscrits dessous.")
BLOCKER_LINKS = {
    card_errors.EnrollmentNotCompleted: (routes.ENROLLMENT, "Terminer l'inscription"),
    card_errors.PhotoMissing: (routes.PHOTO, "Ajouter une photo"),
}


@dataclasses.dataclass
class BlockerRow:
    text: str
    href: str
    action: str


def unbroken(masked_number: str) -> str:
    """A masked card number kept on one line in a sentence."""
    return masked_number.replace(" ", "\u00a0")


def number_problem(typed: str, finished: bool) -> str:
    """Core's message for a number that cannot be a card's, "" otherwise. While typing, an
    incomplete number is not an error yet; anything else wrong is said at once."""
    number = normalize_card_number(typed)
    if not number:
        return card_errors.InvalidCardNumber.message if finished else ""
    if not number.isdigit() or len(number) > NUMBER_LENGTH:
        return card_errors.InvalidCardNumber.message
    if len(number) < NUMBER_LENGTH and not finished:
        return ""
    return "" if is_well_formed(number) else card_errors.InvalidCardNumber.message


def _prepare(screen: card_cases.AssociationScreen | None) -> dict:
    if screen is None:
        return {"allowed": False}
    query = screen.family.child_query
    blockers = []
    for blocker in screen.blockers:
        href, action = BLOCKER_LINKS.get(type(blocker), ("", ""))
        blockers.append(BlockerRow(blocker.message, href + query if href else "", action))
    return {"allowed": True, "pupil_id": str(screen.family.child.pupil_id),
            "child_first_name": screen.family.child.first_name, "is_parent": bool(query), "blockers": blockers,
            "card_state": screen.card.state, "dashboard_href": routes.DASHBOARD + query}


def _associate(who: SessionDigest, pupil_id: int, typed: str, key: str) -> dict:
    try:
        result = card_cases.associate_card(who, pupil_id, typed, key)
    except NotSignedIn:
        raise  # the page says it in its own words (`finish`)
    except Refusal as refusal:
        return {"error": refusal.message}
    masked = unbroken(result.masked_number)
    if result.credited_cents:
        message = (f"La carte {masked} est associée : {format_cents(result.credited_cents)} "
                   "d'avantages ont été crédités.")
    elif result.replaces_card_id and not result.was_already_associated:
        message = f"La nouvelle carte {masked} est associée : elle reprend le solde restant."
    else:
        message = f"La carte {masked} est associée à ce compte."
    return {"message": message}


class CardAssociationState(PrivatePage, rx.State):
    allowed: bool = True
    ready: bool = False
    pupil_id: str = ""
    child_first_name: str = ""
    is_parent: bool = False
    blockers: list[BlockerRow] = []
    already_active: bool = False
    dashboard_href: str = routes.DASHBOARD
    step: int = 1
    scanning: bool = False
    scan_status: str = ""
    number: str = ""
    number_error: str = ""
    running: bool = False
    _key: str = ""  # idempotency key of the current attempt (a new number, a new attempt)
    _done: bool = False  # associated: the page is left, later taps do nothing

    def _page_read(self) -> PageRead:
        return card_cases.association_read(self.router.url.query_parameters.get("enfant"))

    async def _opened_with(self, actor: Actor, page: card_cases.AssociationScreen | None) -> None:
        prepared = _prepare(page)
        kept = self._typed_for(prepared)
        self.step, self.scanning, self.scan_status = 1, False, ""
        self.number = self.number_error = ""
        self.running, self._key, self._done = False, uuid.uuid4().hex, False
        if kept:  # the number, and the key of the request it may have been sent with
            self.step, self.number, self._key = kept
        self.allowed, self.ready = prepared["allowed"], True
        if not self.allowed:
            return
        self.pupil_id, self.child_first_name = prepared["pupil_id"], prepared["child_first_name"]
        self.is_parent, self.blockers = prepared["is_parent"], prepared["blockers"]
        self.already_active = prepared["card_state"] == CardShown.ACTIVE
        self.dashboard_href = prepared["dashboard_href"]

    def _typed_for(self, prepared: dict) -> tuple[int, str, str] | None:
        """The number this tab typed for the same youth, when the page opens again before it was
        associated (the socket reconnected after a network cut or a server restart, the page was
        reloaded): kept, with its idempotency key, so that a "Terminer" sent again is the same request."""
        if not (self.ready and self.allowed and prepared["allowed"] and not self._done and self.step == 2
                and self.number and self.pupil_id == prepared["pupil_id"]):
            return None
        return self.step, self.number, self._key

    @rx.event
    def next_step(self):
        self.step = 2

    @rx.event
    def previous_step(self):
        self.step, self.scanning = 1, False

    def _set_number(self, typed: str) -> None:
        if normalize_card_number(typed) != normalize_card_number(self.number):
            self._key = uuid.uuid4().hex  # another number: another attempt
        self.number = typed
        self.number_error = number_problem(typed, finished=False)

    @rx.event
    def type_number(self, typed: str):
        self._set_number(typed)

    @rx.event
    def leave_number(self, _value: str = ""):
        if self.number.strip():
            self.number_error = number_problem(self.number, finished=True)

    @rx.event
    def start_scan(self):
        self.scanning, self.scan_status = True, ""

    @rx.event
    def stop_scan(self):
        self.scanning = False

    @rx.event
    def scanned(self, text: str):
        self.scanning = False
        number = normalize_card_number(text)
        if not (number.isdigit() and is_well_formed(number)):
            self.scan_status = SCAN_NOT_A_CARD
            return
        self._set_number(format_card_number(number))
        self.scan_status = f"QR code lu : {format_card_number(number)}. Vérifiez le numéro, puis « Terminer »."

    @rx.event
    def scan_failed(self, message: str):
        self.scanning, self.scan_status = False, message

    @rx.event
    async def finish(self):
        if self.running or self._done:
            return  # a second tap queued behind the first: the first one already answered
        problem = number_problem(self.number, finished=True)
        if problem:  # nothing is sent for a number that cannot be a card's
            self.number_error = problem
            return
        self.running, self.number_error = True, ""
        yield
        try:  # the session is checked in the association's own transaction
            outcome = await self._as_session(_associate, int(self.pupil_id), self.number, self._key)
        finally:
            self.running = False
        if isinstance(outcome, NotSignedIn):
            outcome = {"error": SESSION_EXPIRED}
        if "error" in outcome:
            self.number_error = outcome["error"]
            return
        self._done = True
        dashboard = await self.get_state(DashboardState)
        dashboard._flash = outcome["message"]
        yield rx.redirect(self.dashboard_href)


# --- page ----------------------------------------------------------------------------------------

def _steps() -> rx.Component:
    def step(number: int, label: str) -> rx.Component:
        current = CardAssociationState.step == number
        return rx.el.li(
            f"{number}. {label}",
            aria_current=rx.cond(current, "step", "false"),
            class_name=rx.cond(current, "etape etape-courante", "etape"),
        )

    return rx.el.ol(step(1, "Informations"), rx.el.li(" > ", aria_hidden="true", class_name="etape-sep"),
                    step(2, "Numéro"), class_name="etapes", aria_label="Étapes de l'association")


def _blocker(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(item.text, size="3"),
        rx.cond(item.href != "", rx.link(item.action, href=item.href, weight="bold")),
        class_name="a-faire",
    )


def _information_step() -> rx.Component:
    return rx.vstack(
        rx.heading("ASSOCIATION DE LA CARTE", as_="h2", size="5", color=BRAND_BLUE),
        rx.text(
            rx.cond(CardAssociationState.is_parent,
                    "Pour associer la nouvelle carte de " + CardAssociationState.child_first_name
                    + " à son compte CJeune de Provence et créditer ses avantages : ",
                    "Pour associer votre carte à votre compte CJeune de Provence et créditer vos avantages : "),
            "recopiez le numéro inscrit au dos de la carte, juste en dessous du QR code, ou scannez le QR code "
            "avec l'appareil photo du téléphone.",
            size="3",
        ),
        rx.text("Si une carte précédente a été déclarée perdue ou volée, la nouvelle carte reprend le "
                "solde restant.", size="2", color_scheme="gray"),
        rx.button("Suivant", on_click=CardAssociationState.next_step, size="3", width="100%"),
        spacing="4", width="100%",
    )


def _number_step() -> rx.Component:
    return rx.vstack(
        rx.cond(
            CardAssociationState.scanning,
            rx.vstack(
                card_scanner(on_detected=CardAssociationState.scanned, on_failed=CardAssociationState.scan_failed),
                rx.button("Arrêter la caméra", on_click=CardAssociationState.stop_scan, variant="outline",
                          size="3", width="100%"),
                width="100%", spacing="2",
            ),
            rx.button("Scanner la carte", on_click=CardAssociationState.start_scan, size="3", width="100%",
                      variant="outline", id="scanner"),
        ),
        rx.cond(CardAssociationState.scan_status.length() > 0,
                rx.text(CardAssociationState.scan_status, role="status", size="2", id="etat-scan")),
        rx.text("OU", weight="bold", align="center", width="100%", aria_hidden="true"),
        rx.form(
            rx.vstack(
                rx.el.label("Saisir le numéro", html_for="numero-carte", font_weight="bold"),
                rx.text("Les 16 chiffres inscrits sous le QR code, au dos de la carte.", size="2",
                        id="aide-numero", color_scheme="gray"),
                rx.input(
                    id="numero-carte", name="numero", value=CardAssociationState.number,
                    on_change=CardAssociationState.type_number, on_blur=CardAssociationState.leave_number,
                    input_mode="numeric", auto_complete="off", placeholder="6013 0000 0000 0000",
                    max_length=24, size="3", width="100%",
                    aria_describedby=rx.cond(CardAssociationState.number_error != "",
                                             "aide-numero erreur-numero", "aide-numero"),
                    aria_invalid=rx.cond(CardAssociationState.number_error != "", "true", "false"),
                ),
                rx.cond(CardAssociationState.number_error != "",
                        rx.text(CardAssociationState.number_error, id="erreur-numero", role="alert",
                                class_name="erreur-champ", size="2", color="var(--red-11)", weight="medium")),
                rx.button("Terminer", type="submit", size="4", width="100%", id="terminer",
                          loading=CardAssociationState.running, disabled=CardAssociationState.running),
                rx.button("Précédent", type="button", variant="ghost", size="3",
                          on_click=CardAssociationState.previous_step),
                spacing="2", width="100%",
            ),
            on_submit=CardAssociationState.finish,
            width="100%",
        ),
        spacing="3", width="100%",
    )


def _association() -> rx.Component:
    return rx.cond(
        CardAssociationState.already_active,
        rx.vstack(rx.text(ALREADY_ACTIVE, size="3", id="deja-active"),
                  rx.link("Retour au tableau de bord", href=CardAssociationState.dashboard_href)),
        rx.cond(
            CardAssociationState.blockers.length() > 0,
            rx.vstack(
                rx.text("Avant d'associer la carte",
                        rx.cond(CardAssociationState.is_parent, " de " + CardAssociationState.child_first_name, ""),
                        "\u00a0:", weight="bold"),
                rx.el.ul(rx.foreach(CardAssociationState.blockers, _blocker), class_name="liste-a-faire",
                         id="prealables"),
                rx.link("Retour au tableau de bord", href=CardAssociationState.dashboard_href),
                width="100%",
            ),
            rx.vstack(
                _steps(),
                rx.cond(CardAssociationState.step == 1, _information_step(), _number_step()),
                width="100%", spacing="4",
            ),
        ),
    )


def card_association_page() -> rx.Component:
    return page_layout(
        page_title("Associer une carte"),
        rx.cond(
            ~CardAssociationState.ready,
            rx.text("Chargement…", size="2"),
            rx.cond(CardAssociationState.allowed, _association(),
                    rx.vstack(alert_box(NO_ACCESS), rx.link("Retour au tableau de bord", href=routes.DASHBOARD))),
        ),
        width="32rem",
    )
