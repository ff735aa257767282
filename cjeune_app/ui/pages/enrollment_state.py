"""/inscription: "INSCRIPTION À LA CARTE CJEUNE DE PROVENCE", the "Bienvenue" screen, then
1. Informations > 2. Coordonnées > 3. Photo d'identité > 4. Mentions légales, then "C'EST PARFAIT !".

The truth is the draft in the database (core.enrollment): each "Suivant" validates and saves its
step, so a reload, another device or a restarted server resumes at the same step with the same
values. The state holds only what the screen shows; nothing typed is lost on an error or on
"Précédent". Who may fill it in is core's (core.use_cases.enrollment): the pupil signed in with
their Eduprovence account, or a parent for a linked child, `?enfant=<id>` choosing among several.
The screen's pieces are in `enrollment_parts`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enrollment.models import STEP_COUNT
from cjeune_app.core.enrollment.wording import OUTSIDE_DEPARTMENT
from cjeune_app.core.errors import NotSignedIn, Refusal
from cjeune_app.core.use_cases import enrollment as use_case
from cjeune_app.core.use_cases import photos as photo_use_cases
from cjeune_app.core.use_cases.enrollment import EnrollmentScreen
from cjeune_app.core.use_cases.photos import PhotoSummary
from cjeune_app.ui import browser
from cjeune_app.ui.components.address_fields import AddressFields
from cjeune_app.ui.state import PrivatePage, assign_changed

# The form's hidden field: the step it was shown for.
SHOWN_STEP = "etape"
TEXT_FIELDS = ("guardian_last_name", "guardian_first_name", "address_line", "address_complement",
               "postal_code", "commune_name", "email", "email_confirmation", "mobile")
CHECKBOXES = ("optin_email", "optin_sms", "attested")
# The element to focus for an error, when it is not "champ-<field>" (the town is typed as a name).
FOCUS_IDS = {"commune_insee": "champ-commune_name"}
UNSENT_PHOTO = ("La photo choisie n'est pas encore envoyée : touchez « Valider la photo » pour l'envoyer, "
                "ou « Annuler » pour continuer sans elle.")
# The screens around the steps.
WELCOME, FORM, DONE, ALREADY = "welcome", "form", "done", "already"


@dataclasses.dataclass
class ChildRow:
    last_name: str = ""
    first_name: str = ""
    birth_date: str = ""
    establishment: str = ""
    class_name: str = ""


@dataclasses.dataclass
class ChoiceRow:
    pupil_id: str = ""
    name: str = ""


class EnrollmentState(AddressFields, PrivatePage, rx.State):
    """The address fields of step 2 and their suggestions come from `AddressFields` (shared with
    "Mon compte")."""

    ready: bool = False
    refused: str = ""
    children_choice: list[ChoiceRow] = []
    screen: str = WELCOME
    step: int = 1
    season_code: str = ""
    previous_season: str = ""
    advantages: str = ""  # the season's total, "150 €"
    # Plain vars and frontend expressions, no computed var: those made Reflex create this state
    # (and save it) for every session, whatever its page.
    is_renewal: bool = False
    completed_on: str = ""
    sent_mail: str = ""  # what "Terminer" e-mailed to the guardian (ParentMail)
    sent_to: str = ""  # the address actually used, as stored
    child: ChildRow = ChildRow()
    # The fields, as shown
    guardian_last_name: str = ""
    guardian_first_name: str = ""
    email: str = ""
    email_confirmation: str = ""
    mobile: str = ""
    optin_email: bool = False
    optin_sms: bool = False
    attested: bool = False
    errors: dict[str, str] = {}
    # Step 3
    photo_missing: bool = True
    photo_rejected: bool = False
    photo_label: str = ""
    photo_reason: str = ""
    photo_url: str = ""
    upload_url: str = ""
    photo_unsent: bool = False  # chosen in the editor, "Valider la photo" not pressed yet
    _pupil_id: int = 0

    def _refuse(self, refusal: Refusal) -> Any:
        if isinstance(refusal, NotSignedIn):
            return rx.redirect(self.sign_in_route)
        self.refused = refusal.message
        return None

    def _show(self, screen: EnrollmentScreen) -> None:
        view = screen.view
        values = view.values
        self._pupil_id = screen.pupil_id
        self.season_code, self.previous_season = screen.season_code, screen.previous_season
        self.advantages = screen.advantages
        self.is_renewal, self.completed_on = view.is_renewal, screen.completed_on
        self.child = ChildRow(**dataclasses.asdict(screen.child))
        self.step = view.current_step
        self.guardian_last_name = values.get("guardian_last_name") or ""
        self.guardian_first_name = values.get("guardian_first_name") or ""
        self.address_line = values.get("address_line") or ""
        self.address_complement = values.get("address_complement") or ""
        self.postal_code = values.get("postal_code") or ""
        self.commune_insee = values.get("commune_insee") or ""
        self.email = values.get("email") or ""
        self.email_confirmation = values.get("email_confirmation") or ""
        self.mobile = values.get("mobile") or ""
        self.commune_name = view.commune_name
        self.optin_email, self.optin_sms = bool(values["optin_email"]), bool(values["optin_sms"])
        self.attested = bool(values["attested"])
        self.upload_url = routes.api_pupil_photo(self._pupil_id)
        self._show_photo(screen.photo)

    def _show_photo(self, photo: PhotoSummary) -> None:
        self.photo_missing, self.photo_rejected = photo.is_missing, photo.is_rejected
        self.photo_label, self.photo_reason, self.photo_url = photo.label, photo.reason, photo.url

    def _values(self, step: int) -> dict[str, Any]:
        if step == 1:
            return {"guardian_last_name": self.guardian_last_name, "guardian_first_name": self.guardian_first_name}
        if step == 2:
            return {"address_line": self.address_line, "address_complement": self.address_complement,
                    "postal_code": self.postal_code, "commune_insee": self.commune_insee,
                    "commune_name": self.commune_name, "email": self.email,
                    "email_confirmation": self.email_confirmation, "mobile": self.mobile,
                    "optin_email": self.optin_email, "optin_sms": self.optin_sms}
        return {}

    def _put(self, name: str, value: Any) -> None:
        assign_changed(self, **{name: value})

    def _moved_to(self, step: int) -> Any:
        for name, value in (("step", step), ("errors", {}), ("commune_options", []), ("address_options", [])):
            self._put(name, value)
        return browser.focus("titre-etape", top=True)

    # -- opening -------------------------------------------------------------------------------

    async def _opened(self, actor: Actor) -> Any:
        self.ready, self.refused, self.children_choice, self.errors = False, "", [], {}
        child = self.router.url.query_parameters.get("enfant")
        try:
            opening = await asyncio.to_thread(use_case.open_enrollment, actor, child)
        except Refusal as refusal:
            return self._refuse(refusal)
        if opening.screen is None:
            self.children_choice = [ChoiceRow(str(c.pupil_id), c.name) for c in opening.children]
            self.ready = True
            return None
        screen = opening.screen
        typed = self._typed_on(screen)
        self._show(screen)
        for name, value in typed.items():
            self._put(name, value)
        self.screen = ALREADY if screen.is_completed else (WELCOME if screen.on_welcome else FORM)
        self.ready = True
        return None

    def _typed_on(self, screen: EnrollmentScreen) -> dict[str, Any]:
        """What this tab typed on the step it shows, when the same draft opens again at that step (the
        socket reconnected after a network cut or a server restart, the page was reloaded): not saved
        before "Suivant", it is kept over the saved draft instead of being lost."""
        if (self.screen != FORM or screen.is_completed or self._pupil_id != screen.pupil_id
                or self.step != screen.view.current_step):
            return {}
        return self._values(self.step) | ({"attested": self.attested} if self.step == STEP_COUNT else {})

    @rx.event
    def start(self) -> Any:
        self.screen = FORM
        return self._moved_to(self.step)

    # -- typing --------------------------------------------------------------------------------

    @rx.event
    def set_text(self, name: str, value: str) -> None:
        if name in TEXT_FIELDS:
            self._put(name, value or "")

    @rx.event
    def set_check(self, name: str, value: bool) -> None:
        if name in CHECKBOXES:
            setattr(self, name, bool(value))

    # -- moving --------------------------------------------------------------------------------

    @rx.event
    async def next_step(self, form: dict[str, Any] | None = None) -> Any:
        if form and str(form.get(SHOWN_STEP, self.step)) != str(self.step):
            return None  # a second "Suivant" of a step already left (a double tap on a slow line)
        # The form's own values win over a change still on its way from a debounced field.
        for name in TEXT_FIELDS:
            if form and name in form:
                self._put(name, form[name] or "")
        step = self.step
        if step == 3 and self.photo_unsent:
            self.errors = {"photo": UNSENT_PHOTO}
            return browser.focus("valider-photo")
        if step == STEP_COUNT:
            saved = await self._as_session(use_case.finish, self._pupil_id, self.season_code, self.attested)
        else:
            saved = await self._as_session(use_case.save_step, self._pupil_id, self.season_code, step,
                                           self._values(step))
        if isinstance(saved, Refusal):
            return self._refuse(saved)
        if saved.errors:
            errors = dict(saved.errors)
            if errors.get("postal_code") == errors.get("commune_insee") == OUTSIDE_DEPARTMENT:
                del errors["postal_code"]  # the seed's sentence once, under the town, is enough
            self.errors = errors
            first = next(iter(self.errors))
            if saved.step != step:  # "Terminer" found an earlier step incomplete
                self.step = saved.step
            return browser.focus(FOCUS_IDS.get(first, f"champ-{first}"))
        if saved.completed:
            self.screen, self.errors = DONE, {}
            self.completed_on = saved.completed_on
            self.sent_mail, self.sent_to = saved.parent_mail, saved.view.values.get("email") or ""
            return browser.focus("fin-inscription", top=True)
        if step == 2:  # what was stored, normalized (mobile shown as +33 …, trimmed e-mail)
            values = saved.view.values
            for name in ("mobile", "email", "email_confirmation", "commune_insee"):
                self._put(name, values[name] or "")
            self._put("commune_name", saved.view.commune_name)
        return self._moved_to(saved.step)

    @rx.event
    async def previous_step(self) -> Any:
        step = self.step
        if step == 1:
            self.screen, self.errors = WELCOME, {}
            return browser.focus("titre-bienvenue", top=True)
        # What was typed stays in the state; core also stores it when it is valid.
        moved = await self._as_session(use_case.go_back, self._pupil_id, self.season_code, step,
                                       self._values(step) if step in (1, 2) else None)
        if isinstance(moved, Refusal):
            return self._refuse(moved)
        return self._moved_to(moved)

    # -- photo ---------------------------------------------------------------------------------

    @rx.event
    async def photo_uploaded(self, _answer: dict[str, Any]) -> Any:
        photo = await self._as_session(photo_use_cases.photo_of, self._pupil_id)
        if isinstance(photo, Refusal):
            return self._refuse(photo)
        self._show_photo(photo)
        return browser.focus("etat-photo")

    @rx.event
    def photo_failed(self, _message: str) -> None:
        pass  # the editor shows the message beside itself

    @rx.event
    def photo_pending(self, pending: bool) -> None:
        self.photo_unsent = bool(pending)
        if not pending:
            self.errors = {k: v for k, v in self.errors.items() if k != "photo"}
