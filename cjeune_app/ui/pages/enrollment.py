"""/inscription: "INSCRIPTION À LA CARTE CJEUNE DE PROVENCE", the "Bienvenue" screen, then
1. Informations > 2. Coordonnées > 3. Photo d'identité > 4. Mentions légales, then "C'EST PARFAIT !".

The truth is the draft in the database (core.enrollment): each "Suivant" validates and saves its
step, so a reload, another device or a restarted server resumes at the same step with the same
values. The state holds only what the screen shows; nothing typed is lost on an error or on
"Précédent". Who may fill it in: the pupil signed in with their Eduprovence account, or a parent
for a linked child (a renewal, or an update of this season's answers), `?enfant=<id>` choosing
among several children.
"""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.enrollment.addresses import MIN_QUERY_LENGTH, suggest_addresses_async
from cjeune_app.core.enrollment.models import STEP_COUNT
from cjeune_app.core.enrollment.validation import MOBILE_EXAMPLE, clean_postal_code, field_label, is_required
from cjeune_app.core.enrollment.wording import (
    ATTESTATION_LABEL,
    FORM_NOTICE,
    FORM_TITLE,
    OPTIN_EMAIL_LABEL,
    OPTIN_SMS_LABEL,
    OUTSIDE_DEPARTMENT,
    PHOTO_INVITE,
    PRIVACY_LINK_TEXT,
    PRIVACY_NOTICE,
    REQUIRED_NOTE,
    STEP_TITLES,
    SUCCESS_MESSAGE,
    SUCCESS_TITLE,
    WELCOME_PARAGRAPHS,
    WELCOME_TITLE,
)
from cjeune_app.ui.components.forms import alert_box, field_error, form_field
from cjeune_app.ui.components.layout import page_layout
from cjeune_app.ui.components.photo_editor import photo_editor
from cjeune_app.ui.pages import enrollment_flow as flow
from cjeune_app.ui.state import SessionState
from cjeune_app.ui.theme import BRAND_BLUE

ROUTE = "/inscription"
TEXT_FIELDS = ("guardian_last_name", "guardian_first_name", "address_line", "address_complement",
               "postal_code", "commune_name", "email", "email_confirmation", "mobile")
CHECKBOXES = ("optin_email", "optin_sms", "attested")
# The element to focus for an error, when it is not "champ-<field>" (the town is typed as a name).
FOCUS_IDS = {"commune_insee": "champ-commune_name"}
UNSENT_PHOTO = ("La photo choisie n'est pas encore envoyée : touchez « Valider la photo » pour l'envoyer, "
                "ou « Annuler » pour continuer sans elle.")


def _focus_script(element_id: str, scroll: bool = True) -> str:
    # After React has drawn the step; the field is scrolled to the middle, away from the header.
    scroll_into_view = " el.scrollIntoView({block: 'center'});" if scroll else ""
    return (f"setTimeout(() => {{ const el = document.getElementById({json.dumps(element_id)});"
            f" if (el) {{ el.focus({{preventScroll: true}});{scroll_into_view} }} }}, 80)")


class EnrollmentState(rx.State):
    ready: bool = False
    refused: str = ""
    children_choice: list[dict[str, str]] = []
    screen: str = "welcome"  # welcome, form, done, already
    step: int = 1
    season_code: str = ""
    previous_season: str = ""
    is_renewal: bool = False
    completed_on: str = ""
    child: dict[str, str] = {}
    # The fields, as shown
    guardian_last_name: str = ""
    guardian_first_name: str = ""
    address_line: str = ""
    address_complement: str = ""
    postal_code: str = ""
    commune_name: str = ""
    commune_insee: str = ""
    email: str = ""
    email_confirmation: str = ""
    mobile: str = ""
    optin_email: bool = False
    optin_sms: bool = False
    attested: bool = False
    errors: dict[str, str] = {}
    commune_options: list[dict[str, str]] = []
    address_options: list[dict[str, str]] = []
    # Step 3
    photo_state: str = "missing"
    photo_label: str = ""
    photo_reason: str = ""
    photo_url: str = ""
    upload_url: str = ""
    photo_unsent: bool = False  # chosen in the editor, "Valider la photo" not pressed yet
    _pupil_id: int = 0
    _address_query: int = 0  # the latest address lookup; older answers are dropped

    @rx.var
    def step_label(self) -> str:
        return f"Étape {self.step} sur {STEP_COUNT}"

    @rx.var
    def progress(self) -> int:
        return round(100 * self.step / STEP_COUNT)

    @rx.var
    def welcome_paragraphs(self) -> list[str]:
        return [p.format(previous_season=self.previous_season) for p in WELCOME_PARAGRAPHS]

    async def _token(self) -> str:
        return (await self.get_state(SessionState))._token()

    def _refuse(self, answer: dict):
        if answer.get("sign_in"):
            return rx.redirect(routes.SIGN_IN)
        self.refused = answer["refused"]
        return None

    def _show(self, screen: dict) -> None:
        view = screen["view"]
        values = view["values"]
        self._pupil_id = screen["pupil_id"]
        self.season_code, self.previous_season = screen["season_code"], screen["previous_season"]
        self.is_renewal, self.completed_on, self.child = view["is_renewal"], screen["completed_on"], screen["child"]
        self.step = view["current_step"]
        for name in ("guardian_last_name", "guardian_first_name", "address_line", "address_complement",
                     "postal_code", "commune_insee", "email", "email_confirmation", "mobile"):
            setattr(self, name, values.get(name) or "")
        self.commune_name = screen["commune_name"]
        self.optin_email, self.optin_sms = bool(values["optin_email"]), bool(values["optin_sms"])
        self.attested = bool(values["attested"])
        self.upload_url = f"/api/v1/pupils/{self._pupil_id}/photo"
        self._show_photo(screen["photo"])

    def _show_photo(self, photo: dict) -> None:
        self.photo_state, self.photo_label = photo["state"], photo["label"]
        self.photo_reason, self.photo_url = photo["reason"], photo["url"]

    def _values(self, step: int) -> dict:
        if step == 1:
            return {"guardian_last_name": self.guardian_last_name, "guardian_first_name": self.guardian_first_name}
        if step == 2:
            insee = self.commune_insee or flow.resolve_commune(self.commune_name, clean_postal_code(self.postal_code))
            return {"address_line": self.address_line, "address_complement": self.address_complement,
                    "postal_code": self.postal_code, "commune_insee": insee, "email": self.email,
                    "email_confirmation": self.email_confirmation, "mobile": self.mobile,
                    "optin_email": self.optin_email, "optin_sms": self.optin_sms}
        if step == STEP_COUNT:
            return {"attested": self.attested}
        return {}

    def _moved_to(self, step: int):
        self.step, self.errors = step, {}
        self.commune_options, self.address_options = [], []
        return rx.call_script("window.scrollTo(0, 0);" + _focus_script("titre-etape"))

    # -- opening -------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        self.ready, self.refused, self.children_choice, self.errors = False, "", [], {}
        token = await self._token()
        if not token:
            return None  # SessionState.require_signed_in sends to the sign-in page
        answer = await asyncio.to_thread(flow.open_enrollment, token,
                                         self.router.url.query_parameters.get("enfant"))
        if "refused" in answer:
            return self._refuse(answer)
        if "choose" in answer:
            self.children_choice, self.ready = answer["choose"], True
            return None
        screen = answer["screen"]
        self._show(screen)
        view = screen["view"]
        if view["status"] == "completed":
            self.screen = "already"
        else:  # "Bienvenue" until step 1 is saved once; afterwards straight back to the saved step
            self.screen = "welcome" if view["current_step"] == 1 else "form"
        self.ready = True
        return None

    @rx.event
    def start(self):
        self.screen = "form"
        return self._moved_to(self.step)

    # -- typing --------------------------------------------------------------------------------

    @rx.event
    def set_text(self, name: str, value: str):
        if name in TEXT_FIELDS:
            setattr(self, name, value or "")

    @rx.event
    def set_check(self, name: str, value: bool):
        if name in CHECKBOXES:
            setattr(self, name, bool(value))

    @rx.event
    def postal_code_typed(self, value: str):
        self.postal_code = value or ""
        code = clean_postal_code(value)
        if len(code) != 5 or not code.isdigit():
            self.commune_options = []
            return
        self.commune_options = flow.communes_for_code(code)
        if len(self.commune_options) == 1:
            self._pick(self.commune_options[0])
            self.commune_options = []

    @rx.event
    def commune_typed(self, value: str):
        self.commune_name, self.commune_insee = value or "", ""
        text = (value or "").strip()
        self.commune_options = flow.communes_matching(text, clean_postal_code(self.postal_code)) \
            if len(text) >= 2 else []

    def _pick(self, option: dict) -> None:
        self.commune_name, self.commune_insee = option["name"], option["insee"]
        if option.get("postal_code"):
            self.postal_code = option["postal_code"]
        self.errors = {k: v for k, v in self.errors.items() if k not in ("commune_insee", "postal_code")}

    @rx.event
    def choose_commune(self, insee: str):
        option = next((o for o in self.commune_options if o["insee"] == insee), None)
        if option:
            self._pick(option)
        self.commune_options = []
        # The tapped suggestion is gone: focus goes back to the town it filled, where it was.
        return rx.call_script(_focus_script("champ-commune_name", scroll=False))

    @rx.event(background=True)
    async def address_typed(self, value: str):
        async with self:
            self.address_line = value or ""
            self._address_query += 1
            query, postal_code = self._address_query, clean_postal_code(self.postal_code)
            town_chosen = bool(self.commune_insee)
        text = (value or "").strip()
        found = []
        if len(text) >= MIN_QUERY_LENGTH + 2:
            suggestions = await suggest_addresses_async(text, postal_code or None)
            # Without the address API the local list only offers towns: useless once one is chosen.
            found = [{"label": s.label, "street": s.street, "postal_code": s.postal_code,
                      "insee": s.citycode, "city": flow.commune_name(s.citycode) or s.city}
                     for s in suggestions if s.source == "api" or not town_chosen]
        async with self:
            if query == self._address_query:
                self.address_options = found

    @rx.event
    def choose_address(self, index: int):
        if not 0 <= index < len(self.address_options):
            return None
        chosen = self.address_options[index]
        if chosen["street"]:
            self.address_line = chosen["street"]
        if chosen["postal_code"]:
            self.postal_code = chosen["postal_code"]
        self.commune_name, self.commune_insee = chosen["city"], chosen["insee"]
        self.address_options, self.commune_options = [], []
        self.errors = {k: v for k, v in self.errors.items()
                       if k not in ("address_line", "postal_code", "commune_insee")}
        return rx.call_script(_focus_script("champ-address_line", scroll=False))

    @rx.event
    def close_suggestions(self):
        self.address_options = []

    # -- moving --------------------------------------------------------------------------------

    @rx.event
    async def next_step(self, form: dict | None = None):
        # The form's own values win over a change still on its way from a debounced field.
        for name in TEXT_FIELDS:
            if form and name in form:
                setattr(self, name, form[name] or "")
        step = self.step
        if step == 3 and self.photo_unsent:
            self.errors = {"photo": UNSENT_PHOTO}
            return rx.call_script(_focus_script("valider-photo"))
        answer = await asyncio.to_thread(flow.save, await self._token(), self._pupil_id, self.season_code,
                                         step, self._values(step))
        if "refused" in answer:
            return self._refuse(answer)
        if answer["errors"]:
            errors = dict(answer["errors"])
            if errors.get("postal_code") == errors.get("commune_insee") == OUTSIDE_DEPARTMENT:
                del errors["postal_code"]  # the seed's sentence once, under the town, is enough
            self.errors = errors
            first = next(iter(self.errors))
            if answer["step"] != step:  # "Terminer" found an earlier step incomplete
                self.step = answer["step"]
            return rx.call_script(_focus_script(FOCUS_IDS.get(first, f"champ-{first}")))
        if answer["completed"]:
            self.screen, self.errors = "done", {}
            self.completed_on = answer["screen"]["completed_on"]
            return rx.call_script("window.scrollTo(0, 0);" + _focus_script("fin-inscription"))
        if step == 2:  # what was stored, normalized (mobile shown as +33 …, trimmed e-mail)
            values = answer["screen"]["view"]["values"]
            self.mobile, self.email = values["mobile"] or "", values["email"]
            self.email_confirmation = values["email_confirmation"]
            self.commune_insee, self.commune_name = values["commune_insee"], answer["screen"]["commune_name"]
        return self._moved_to(answer["step"])

    @rx.event
    async def previous_step(self):
        step = self.step
        if step == 1:
            self.screen, self.errors = "welcome", {}
            return rx.call_script("window.scrollTo(0, 0);" + _focus_script("titre-bienvenue"))
        # What was typed stays in the state; core also stores it when it is valid.
        answer = await asyncio.to_thread(flow.back, await self._token(), self._pupil_id, self.season_code,
                                         step, self._values(step) if step in (1, 2) else None)
        if "refused" in answer:
            return self._refuse(answer)
        return self._moved_to(answer["step"])

    # -- photo ---------------------------------------------------------------------------------

    @rx.event
    async def photo_uploaded(self, _answer: dict):
        photo = await asyncio.to_thread(flow.current_photo, await self._token(), self._pupil_id)
        if "refused" in photo:
            return self._refuse(photo)
        self._show_photo(photo)
        return rx.call_script(_focus_script("etat-photo"))

    @rx.event
    def photo_failed(self, _message: str):
        pass  # the editor shows the message beside itself

    @rx.event
    def photo_pending(self, pending: bool):
        self.photo_unsent = bool(pending)
        if not pending:
            self.errors = {k: v for k, v in self.errors.items() if k != "photo"}


# ---------------------------------------------------------------------------------------------
# Pieces


def _field_props(name: str, error_key: str | None = None, hint_id: str | None = None) -> dict:
    key = error_key or name
    errors = EnrollmentState.errors
    described = f"erreur-{key}" if not hint_id else f"{hint_id} erreur-{key}"
    return {
        "aria_invalid": rx.cond(errors.contains(key), "true", "false"),
        "aria_describedby": rx.cond(errors.contains(key), described, hint_id or ""),
    }


def text_field(name: str, input_type: str, autocomplete: str, *, on_change=None, hint: str | None = None,
               label_key: str | None = None, **props) -> rx.Component:
    """A labelled field of the stepper, its error underneath; `label_key` when the error and the
    label belong to another name (the town: typed as a name, checked as an INSEE code)."""
    key = label_key or name
    hint_id = f"aide-{name}" if hint else None
    field = form_field(
        field_label(key), name, input_type, autocomplete, None, required=is_required(key),
        value=getattr(EnrollmentState, name),
        on_change=on_change or (lambda value: EnrollmentState.set_text(name, value)),
        **_field_props(name, key, hint_id), **props,
    )
    parts = [field]
    if hint:
        parts.append(rx.text(hint, id=hint_id, size="2", color="var(--gray-11)"))
    parts.append(field_error(EnrollmentState.errors, key))
    return rx.vstack(*parts, spacing="1", width="100%")


def checkbox_field(name: str, label: str) -> rx.Component:
    return rx.vstack(
        rx.checkbox(
            label, id=f"champ-{name}", name=name, checked=getattr(EnrollmentState, name),
            on_change=lambda value: EnrollmentState.set_check(name, value), size="3",
            required=name == "attested", **_field_props(name),
        ),
        field_error(EnrollmentState.errors, name),
        spacing="1", width="100%",
    )


def _read_only(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.el.dt(label, font_weight="bold", font_size="0.9rem", color="var(--gray-11)"),
        rx.el.dd(value, margin="0", font_size="1.05rem"),
        spacing="0", width="100%",
    )


def step_indicator() -> rx.Component:
    """"1. Informations > 2. Coordonnées > …": the current step marked, done ones ticked."""
    def item(number: int) -> rx.Component:
        current = EnrollmentState.step == number
        done = (EnrollmentState.step > number) | (EnrollmentState.screen == "done")
        return rx.el.li(
            rx.cond(done, rx.text("✓ ", as_="span", aria_hidden="true")),
            f"{number}. {STEP_TITLES[number]}",
            rx.cond(done, rx.text(" (fait)", as_="span", class_name="sr-only")),
            aria_current=rx.cond(current & (EnrollmentState.screen == "form"), "step", "false"),
            class_name=rx.cond(current & (EnrollmentState.screen == "form"), "etape etape-en-cours",
                               rx.cond(done, "etape etape-faite", "etape")),
        )

    return rx.el.nav(
        rx.el.ol(*[item(n) for n in range(1, STEP_COUNT + 1)], class_name="etapes"),
        aria_label="Étapes de l'inscription",
    )


def progress_header() -> rx.Component:
    in_form = EnrollmentState.screen == "form"
    return rx.vstack(
        step_indicator(),
        rx.cond(
            in_form,
            rx.hstack(
                rx.text(EnrollmentState.step_label, weight="bold", id="etape-courante"),
                justify="between", width="100%",
            ),
        ),
        rx.progress(value=rx.cond(in_form, EnrollmentState.progress, rx.cond(EnrollmentState.screen == "welcome", 0, 100)),
                    max=100, size="3", aria_label="Progression de l'inscription", width="100%"),
        spacing="2", width="100%", class_name="progression",
    )


def nav_buttons() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button("Précédent", type="button", variant="outline", size="3", flex="1",
                      on_click=EnrollmentState.previous_step),
            rx.button(rx.cond(EnrollmentState.step == STEP_COUNT, "Terminer", "Suivant"), type="submit",
                      size="3", flex="1",
                      id="bouton-suivant"),
            spacing="3", width="100%",
        ),
        rx.text(REQUIRED_NOTE, size="2", color="var(--gray-11)"),
        spacing="3", width="100%", padding_top="0.5rem",
    )


def error_summary() -> rx.Component:
    return rx.cond(
        EnrollmentState.errors.length() > 0,
        alert_box("Certains champs sont à corriger : les explications sont sous chaque champ concerné."),
    )


def step_heading(number: int) -> rx.Component:
    return rx.heading(f"{number}. {STEP_TITLES[number]}", as_="h2", size="5", id="titre-etape",
                      tab_index=-1, color=BRAND_BLUE)


def step_one() -> rx.Component:
    child = EnrollmentState.child
    return rx.vstack(
        step_heading(1),
        rx.heading("L'enfant", as_="h3", size="3"),
        rx.el.dl(
            _read_only("Nom", child["last_name"]),
            _read_only("Prénom", child["first_name"]),
            _read_only("Date de naissance", child["birth_date"]),
            _read_only("Établissement", child["establishment"]),
            _read_only("Classe", child["class_name"]),
            class_name="identite-enfant",
        ),
        rx.text("Ces informations viennent de l'établissement scolaire. Une erreur ? Signalez-la au "
                "secrétariat du collège.", size="2", color="var(--gray-11)"),
        rx.heading("Le représentant légal", as_="h3", size="3", padding_top="0.5rem"),
        text_field("guardian_last_name", "text", "family-name", auto_capitalize="words"),
        text_field("guardian_first_name", "text", "given-name", auto_capitalize="words"),
        spacing="3", width="100%",
    )


def _suggestion_list(options: rx.Var, list_id: str, label: str, on_pick, text_key: str) -> rx.Component:
    return rx.cond(
        options.length() > 0,
        rx.vstack(
            rx.text(label, size="2", weight="bold", id=f"{list_id}-titre"),
            rx.el.ul(
                rx.foreach(
                    options,
                    lambda option, index: rx.el.li(
                        rx.button(option[text_key], type="button", variant="soft", size="3", width="100%",
                                  on_click=on_pick(option, index), class_name="suggestion",
                                  white_space="normal", height="auto", min_height="44px",
                                  justify_content="flex-start", text_align="left"),
                    ),
                ),
                id=list_id, aria_labelledby=f"{list_id}-titre", class_name="suggestions",
            ),
            spacing="1", width="100%",
        ),
    )


def step_two() -> rx.Component:
    return rx.vstack(
        step_heading(2),
        text_field("address_line", "text", "address-line1",
                   on_change=EnrollmentState.address_typed,
                   hint="Numéro et nom de la voie. Choisissez votre adresse dans les propositions qui "
                        "s'affichent."),
        _suggestion_list(EnrollmentState.address_options, "adresses-proposees", "Adresses proposées :",
                         lambda option, index: EnrollmentState.choose_address(index), "label"),
        text_field("address_complement", "text", "address-line2",
                   hint="Bâtiment, appartement, lieu-dit… (facultatif)"),
        text_field("postal_code", "text", "postal-code", on_change=EnrollmentState.postal_code_typed,
                   input_mode="numeric", max_length=5, pattern="[0-9]*"),
        text_field("commune_name", "text", "address-level2", on_change=EnrollmentState.commune_typed,
                   label_key="commune_insee", hint="Tapez le début du nom puis choisissez votre ville."),
        _suggestion_list(EnrollmentState.commune_options, "villes-proposees", "Villes proposées :",
                         lambda option, index: EnrollmentState.choose_commune(option["insee"]), "label"),
        text_field("email", "email", "email", auto_capitalize="none", spell_check=False),
        text_field("email_confirmation", "email", "email", auto_capitalize="none", spell_check=False),
        checkbox_field("optin_email", OPTIN_EMAIL_LABEL),
        text_field("mobile", "tel", "tel", hint=f"Facultatif. Mobile français, par exemple {MOBILE_EXAMPLE}.",
                   input_mode="tel"),
        checkbox_field("optin_sms", OPTIN_SMS_LABEL),
        spacing="3", width="100%",
    )


def photo_status() -> rx.Component:
    return rx.vstack(
        rx.cond(
            EnrollmentState.photo_url != "",
            rx.image(src=EnrollmentState.photo_url, alt="Photo d'identité actuelle de l'enfant",
                     width="140px", height="180px", object_fit="cover", border_radius="4px",
                     border="1px solid var(--gray-7)"),
        ),
        rx.text(EnrollmentState.photo_label, weight="bold", id="etat-photo", tab_index=-1,
                class_name=rx.cond(EnrollmentState.photo_state == "rejected", "etat-photo refusee", "etat-photo")),
        rx.cond(EnrollmentState.photo_reason != "",
                rx.text("Motif : ", EnrollmentState.photo_reason, size="2", id="motif-photo")),
        rx.match(
            EnrollmentState.photo_state,
            ("missing", rx.text("Vous pouvez continuer sans photo et l'ajouter plus tard depuis le tableau "
                                "de bord, mais la carte ne pourra pas être créditée tant qu'elle manque.",
                                size="2")),
            ("rejected", rx.text("Envoyez une nouvelle photo ci-dessous.", size="2")),
            rx.cond(EnrollmentState.is_renewal,
                    rx.text("La photo déjà enregistrée est conservée. Vous pouvez la remplacer ci-dessous.",
                            size="2"),
                    rx.text("Vous pouvez la remplacer ci-dessous.", size="2")),
        ),
        spacing="2", width="100%", aria_live="polite",
    )


def step_three() -> rx.Component:
    return rx.vstack(
        step_heading(3),
        rx.text(PHOTO_INVITE),
        photo_status(),
        rx.card(
            photo_editor(upload_url=EnrollmentState.upload_url, on_uploaded=EnrollmentState.photo_uploaded,
                         on_failed=EnrollmentState.photo_failed, on_pending_change=EnrollmentState.photo_pending),
            width="100%",
        ),
        field_error(EnrollmentState.errors, "photo"),
        spacing="3", width="100%",
    )


def step_four() -> rx.Component:
    return rx.vstack(
        step_heading(4),
        rx.text(PRIVACY_NOTICE, " ",
                rx.link(PRIVACY_LINK_TEXT, rx.text(" (s'ouvre dans un nouvel onglet)", as_="span",
                                                   class_name="sr-only"),
                        href="/confidentialite", underline="always", is_external=True),
                "."),
        checkbox_field("attested", ATTESTATION_LABEL + " *"),
        spacing="4", width="100%",
    )


def stepper_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            error_summary(),
            rx.match(
                EnrollmentState.step,
                (1, step_one()),
                (2, step_two()),
                (3, step_three()),
                step_four(),
            ),
            nav_buttons(),
            spacing="4", width="100%",
        ),
        on_submit=EnrollmentState.next_step,
        reset_on_submit=False,
        width="100%",
        no_validate=True,
    )


def welcome() -> rx.Component:
    return rx.vstack(
        rx.heading(WELCOME_TITLE, as_="h2", size="6", id="titre-bienvenue", tab_index=-1, color=BRAND_BLUE),
        rx.cond(EnrollmentState.is_renewal,
                rx.callout("Renouvellement : le formulaire reprend les réponses de l'an dernier. "
                           "Vérifiez-les, corrigez ce qui a changé, puis validez.", icon="info", width="100%")),
        rx.foreach(EnrollmentState.welcome_paragraphs, lambda p: rx.text(p)),
        rx.button("Suivant", size="3", width="100%", on_click=EnrollmentState.start, id="commencer"),
        spacing="4", width="100%",
    )


def done() -> rx.Component:
    return rx.vstack(
        rx.heading(SUCCESS_TITLE, as_="h2", size="7", id="fin-inscription", tab_index=-1, color=BRAND_BLUE),
        rx.text(SUCCESS_MESSAGE, size="4", weight="medium"),
        rx.text("Il reste à associer la carte CJeune de Provence au compte, depuis le tableau de bord, "
                "pour créditer les 150 € d'avantages."),
        rx.cond(~EnrollmentState.is_renewal,
                rx.text("Un e-mail est envoyé à ", rx.el.strong(EnrollmentState.email),
                        " avec le lien pour créer le mot de passe du compte Parent (pensez à regarder dans "
                        "les courriers indésirables).")),
        rx.cond(EnrollmentState.photo_state == "missing",
                rx.text("Pensez aussi à ajouter la photo d'identité depuis le tableau de bord.", weight="bold")),
        rx.link(rx.button("Aller au tableau de bord", size="3", width="100%"), href=routes.DASHBOARD, width="100%"),
        spacing="4", width="100%", role="status",
    )


def already_done() -> rx.Component:
    return rx.vstack(
        rx.heading("Inscription complète", as_="h2", size="6", color=BRAND_BLUE),
        rx.text("L'inscription pour l'année ", EnrollmentState.season_code, " est enregistrée depuis le ",
                EnrollmentState.completed_on, "."),
        rx.link("Changer la photo d'identité", href="/photo", underline="always"),
        rx.link(rx.button("Aller au tableau de bord", size="3", width="100%"), href=routes.DASHBOARD, width="100%"),
        spacing="4", width="100%",
    )


def choose_child() -> rx.Component:
    return rx.vstack(
        rx.heading("Pour quel enfant ?", as_="h2", size="5"),
        rx.el.ul(rx.foreach(
            EnrollmentState.children_choice,
            lambda c: rx.el.li(rx.link(c["name"], href=f"{ROUTE}?enfant=" + c["id"].to(str), size="4")),
        )),
        spacing="3", width="100%",
    )


def enrollment_page() -> rx.Component:
    return page_layout(
        rx.heading(FORM_TITLE, as_="h1", size="6", color=BRAND_BLUE),
        rx.text(FORM_NOTICE, size="2", margin_bottom="1rem"),
        rx.cond(
            EnrollmentState.refused != "",
            alert_box(EnrollmentState.refused),
            rx.cond(
                ~EnrollmentState.ready,
                rx.text("Chargement…", role="status"),
                rx.cond(
                    EnrollmentState.children_choice.length() > 0,
                    choose_child(),
                    rx.vstack(
                        progress_header(),
                        rx.match(
                            EnrollmentState.screen,
                            ("welcome", welcome()),
                            ("done", done()),
                            ("already", already_done()),
                            stepper_form(),
                        ),
                        spacing="5", width="100%",
                    ),
                ),
            ),
        ),
        width="36rem",
    )
