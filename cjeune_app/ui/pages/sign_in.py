"""/connexion: "Qui suis-je ?", then the sign-in of each kind of account, Eduprovence-style:
identifier, "Suivant", password, "Se connecter"; a temporary password must be replaced; then
"Rester connecté ?" decides how long the session lasts.

Passwords never enter the state: forms are submitted once and their values used at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.validation import normalize_login
from cjeune_app.core.dates import parse_date_fr
from cjeune_app.core.enums import BACK_OFFICE_ROLES, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.site import COLLEGE_SUPPORT_EMAIL
from cjeune_app.core.use_cases import accounts, franceconnect, guardians
from cjeune_app.core.use_cases.accounts import PendingSignIn
from cjeune_app.ui.browser import post_form
from cjeune_app.ui.components.forms import (
    PasswordChecklist,
    alert_box,
    error_message,
    form_field,
    password_checklist,
    submit_button,
)
from cjeune_app.ui.components.franceconnect import franceconnect_button
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.password_work import hashing_thread
from cjeune_app.ui.state import client_ip
from cjeune_app.ui.theme import BRAND_BLUE

NARROW = "30rem"


@dataclass(frozen=True)
class Door:
    slug: str
    label: str
    description: str
    roles: tuple[Role, ...]
    identifier_label: str
    placeholder: str


DOORS = {
    door.slug: door
    for door in (
        Door("collegien", "Collégien·ne",
             "Je suis domicilié(e) et scolarisé(e) dans les Bouches-du-Rhône (collège public ou privé "
             "sous contrat, IME, MFR, lycée pro, CNED…) et j'ai mes identifiants Eduprovence.",
             (Role.PUPIL,), "Identifiant Eduprovence", "nomp@eduprovence.fr"),
        Door("parent", "Parent",
             "Je suis responsable légal d'un collégien : j'ai mon identifiant (e-mail, SMS ou courrier du "
             "collège), ou je l'obtiens avec mon numéro de portable.",
             (Role.PARENT,), "Identifiant ou adresse e-mail", "m.dupont ou vous@exemple.fr"),
        Door("jeune", "Jeune",
             "Je ne suis plus au collège, j'ai moins de 26 ans et j'habite les Bouches-du-Rhône.",
             (Role.YOUTH,), "Adresse e-mail", "vous@exemple.fr"),
        Door("partenaire", "Partenaire",
             "Je représente une structure partenaire du dispositif CJeune de Provence "
             "(association, collectivité, commerciale).",
             (Role.PARTNER,), "Adresse e-mail de la structure", "contact@structure.fr"),
        Door("gestion", "Agents et établissements",
             "Agents du Département et personnels des établissements scolaires.",
             BACK_OFFICE_ROLES, "Adresse e-mail professionnelle", "prenom.nom@exemple.fr"),
    )
}


class SignInState(PasswordChecklist, rx.State):
    door: str = "collegien"
    step: str = "identifier"  # identifier, password, change, guardian_first, activation_sent, remember
    login: str = ""
    error: str = ""
    errors: list[str] = []
    franceconnect_offered: bool = False  # Parent door: the provider is configured
    franceconnect_error: str = ""  # why the last FranceConnect sign-in did not go through
    # The first sign-in of a school's letter (Parent): the children whose birth dates are asked.
    children: list[str] = []
    field_errors: dict[str, str] = {}
    activation_email: str = ""
    # Set only after the right password; backend-only (never sent to the browser).
    _pending: PendingSignIn | None = None

    def _under_way_at(self, door: str) -> bool:
        """This tab is back at the door it was signing in at: its socket reconnected (a network cut on
        the phone, a server's worker restarted), which runs the page's load again, or the page was
        reloaded. The identifier typed, or the password already verified, is kept (a pending sign-in
        still expires: `accounts.open_session`)."""
        if door != self.door or routes.FRANCECONNECT_REFUSAL_PARAM in self.router.url.query_parameters:
            return False
        if self.step == "password":
            return bool(self.login)
        return self.step in ("change", "guardian_first", "remember") and self._pending is not None

    def _reset(self, door: str) -> None:
        self.door, self.step, self.login = door, "identifier", ""
        self.error, self.errors = "", []
        self.children, self.field_errors, self.activation_email = [], {}, ""
        self._clear_checklist()
        self._pending = None

    @rx.event
    def start(self, door: str):
        door = door if door in DOORS else "collegien"
        if self._under_way_at(door):
            return  # the sign-in goes on where it was
        self._reset(door)
        self.franceconnect_offered = self.door == "parent" and franceconnect.is_offered()
        refusal = self.router.url.query_parameters.get(routes.FRANCECONNECT_REFUSAL_PARAM, "")
        self.franceconnect_error = franceconnect.refusal_message(refusal) if self.franceconnect_offered else ""

    @rx.event
    def submit_identifier(self, form: dict):
        login = normalize_login(form.get("login", "")) if self.door == "collegien" else \
            (form.get("login", "") or "").strip().lower()
        if not login:
            self.error = "Saisissez votre identifiant."
            return
        self.login, self.error, self.step = login, "", "password"

    @rx.event
    def change_identifier(self):
        self.step, self.error = "identifier", ""

    def _where(self) -> tuple[str, str, str]:
        """Where the visitor is: an answer computed outside the lock applies only if still there."""
        return self.door, self.login, self.step

    # The three events below verify or hash a password with argon2 (10 ms of a core, more under load):
    # they run in the background, the state's lock held only to read the form's context and to show the
    # outcome, so that the tab's other events (typing, the password checklist) are answered meanwhile.

    @rx.event(background=True)
    async def submit_password(self, form: dict):
        password = form.get("password", "") or ""
        async with self:
            if not password:
                self.error = "Saisissez votre mot de passe."
                return
            where, roles, address = self._where(), DOORS[self.door].roles, client_ip(self)
        door, login, _ = where
        step = await hashing_thread(accounts.check_password, login, password, address, roles)
        children: list[str] = []
        if step.pending is not None and step.must_change_password and door == "parent":
            children = await asyncio.to_thread(guardians.first_sign_in_children, step.pending)
        async with self:
            if self._where() != where:
                return  # another door or identifier was chosen meanwhile
            if step.pending is None:
                self.error = step.message
                return
            self._pending = step.pending
            self.error, self.step = "", ("change" if step.must_change_password else "remember")
            if children:  # a school's letter: password, children's birth dates, e-mail
                self.children, self.field_errors, self.step = children, {}, "guardian_first"

    @rx.event(background=True)
    async def submit_guardian_first(self, form: dict):
        async with self:
            if self._pending is None:
                return SignInState.start(self.door)
            where, pending, child_count = self._where(), self._pending, len(self.children)
        dates, problems = [], {}
        for index in range(child_count):
            text = (form.get(f"date_{index}", "") or "").strip()
            try:
                dates.append(parse_date_fr(text) if text else None)
            except ValueError:
                dates.append(None)
                problems["dates"] = "Écrivez chaque date sous la forme jj/mm/aaaa (exemple : 14/03/2013)."
        try:
            address = await hashing_thread(
                guardians.complete_guardian_first_sign_in, pending, form.get("current_password", "") or "",
                form.get("new_password", "") or "", form.get("confirm_password", "") or "", dates,
                form.get("email", "") or "")
        except FormErrors as refused:
            async with self:
                if self._where() == where:
                    self.field_errors = {**refused.fields, **problems}
            return
        except Refusal as refusal:
            async with self:
                if self._where() == where:
                    self._reset(self.door)
                    self.error = refusal.message
            return
        async with self:
            if self._where() != where:
                return
            self._pending = None
            self.field_errors, self.activation_email, self.step = {}, address, "activation_sent"

    @rx.event(background=True)
    async def submit_new_password(self, form: dict):
        async with self:
            if self._pending is None:
                return SignInState.start(self.door)
            current, new = form.get("current_password", ""), form.get("new_password", "")
            if new != form.get("confirm_password", ""):
                self.errors = ["Les deux saisies du nouveau mot de passe ne sont pas identiques."]
                return
            where, pending, address = self._where(), self._pending, client_ip(self)
        try:
            changed = await hashing_thread(accounts.replace_temporary_password, pending, current, new, address)
        except Refusal as refusal:
            async with self:
                if self._where() == where:
                    self.errors = [refusal.message]
            return
        async with self:
            if self._where() != where:
                return
            self.errors = changed.errors
            if changed.pending is not None:
                self._pending = changed.pending
                self.step = "remember"

    @rx.event
    async def stay_signed_in(self, remember: bool):
        try:
            signed_in = await asyncio.to_thread(accounts.open_session, self._pending, remember)
        except Refusal as refusal:
            self._reset(self.door)
            self.error = refusal.message
            return
        self._reset(self.door)
        # The ticket travels in this event's script, never in the state; the HTTP route sets the cookie.
        return post_form(routes.SESSION_OPEN, {routes.SESSION_TICKET_FIELD: signed_in.ticket})


# --------------------------------------------------------------------------------------------
# Components


def _identifier_step(door: Door) -> rx.Component:
    input_type = "text" if door.slug in ("collegien", "parent") else "email"
    return rx.form(
        rx.vstack(
            form_field(door.identifier_label, "login", input_type, "username", placeholder=door.placeholder,
                   default_value=SignInState.login, auto_capitalize="none", spell_check=False),
            error_message(SignInState.error),
            submit_button("Suivant"),
            spacing="4",
            width="100%",
        ),
        on_submit=SignInState.submit_identifier,
        reset_on_submit=False,
        width="100%",
    )


def _password_step(door: Door) -> rx.Component:
    forgotten = (
        rx.text(f"Mot de passe oublié ? Demandez-en un nouveau à l'ATI ou au secrétariat de votre "
                f"collège (pendant les vacances : {COLLEGE_SUPPORT_EMAIL}).", size="2")
        if door.slug == "collegien"
        else rx.link("Mot de passe oublié ?", href=routes.FORGOTTEN_PASSWORD, size="2")
    )
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.text(SignInState.login, weight="bold", id="identifiant-saisi"),
                rx.button("Modifier", type="button", variant="ghost", size="1",
                          on_click=SignInState.change_identifier, aria_label="Modifier l'identifiant"),
                justify="between", width="100%", align="center",
            ),
            rx.heading("Entrez le mot de passe", as_="h2", size="5"),
            form_field("Mot de passe", "password", "password", "current-password"),
            error_message(SignInState.error),
            submit_button("Se connecter"),
            forgotten,
            spacing="4",
            width="100%",
        ),
        on_submit=SignInState.submit_password,
        reset_on_submit=True,
        width="100%",
    )


def _change_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Choisissez votre mot de passe", as_="h2", size="5"),
            rx.text("Première connexion : remplacez le mot de passe temporaire de votre lettre par un "
                    "mot de passe personnel. Il servira aussi sur les ordinateurs du collège.", size="2"),
            form_field("Mot de passe temporaire", "current_password", "password", "current-password"),
            form_field("Nouveau mot de passe", "new_password", "password", "new-password",
                   on_change=SignInState.check_new_password.debounce(100),
                   aria_describedby="regles-mot-de-passe"),
            password_checklist(SignInState.checklist),
            form_field("Confirmez le nouveau mot de passe", "confirm_password", "password", "new-password"),
            rx.cond(
                SignInState.errors.length() > 0,
                alert_box(rx.el.ul(rx.foreach(SignInState.errors, lambda e: rx.el.li(e)),
                                margin="0", padding_left="1.1rem")),
            ),
            submit_button("Valider mon mot de passe"),
            spacing="4",
            width="100%",
        ),
        on_submit=SignInState.submit_new_password,
        reset_on_submit=False,
        width="100%",
    )


def _field_problem(name: str) -> rx.Component:
    errors = SignInState.field_errors
    return rx.cond(errors.contains(name), rx.text(errors[name], id=f"erreur-{name}", size="2",
                                                  color="var(--red-11)", weight="medium"))


def _guardian_date(name: rx.Var, index: rx.Var) -> rx.Component:
    field_id = "champ-date_" + index.to_string()
    return rx.vstack(
        rx.el.label("Date de naissance de " + name + " (jj/mm/aaaa)", html_for=field_id, font_weight="bold"),
        rx.input(id=field_id, name="date_" + index.to_string(), type="text", auto_complete="off", required=True,
                 size="3", width="100%", input_mode="numeric", placeholder="14/03/2013",
                 aria_describedby=rx.cond(SignInState.field_errors.contains("dates"), "erreur-dates", "")),
        spacing="1", width="100%",
    )


def _guardian_first_step() -> rx.Component:
    errors = SignInState.field_errors
    return rx.form(
        rx.vstack(
            rx.heading("Activez votre compte parent", as_="h2", size="5"),
            rx.text("Première connexion avec le courrier du collège : choisissez votre mot de passe, indiquez la "
                    "date de naissance de vos enfants et votre adresse e-mail. Un lien d'activation y sera envoyé.",
                    size="2"),
            form_field("Mot de passe provisoire (courrier)", "current_password", "password", "current-password",
                       errors),
            form_field("Nouveau mot de passe", "new_password", "password", "new-password",
                       on_change=SignInState.check_new_password.debounce(100),
                       aria_describedby="regles-mot-de-passe"),
            _field_problem("password"),
            password_checklist(SignInState.checklist),
            form_field("Confirmez le nouveau mot de passe", "confirm_password", "password", "new-password"),
            _field_problem("confirmation"),
            rx.foreach(SignInState.children, _guardian_date),
            _field_problem("dates"),
            form_field("Adresse e-mail", "email", "email", "email", errors, auto_capitalize="none",
                       spell_check=False),
            rx.cond(errors.length() > 0, alert_box("Corrigez les champs signalés : rien n'a été enregistré.")),
            submit_button("Activer mon compte"),
            spacing="4",
            width="100%",
        ),
        on_submit=SignInState.submit_guardian_first,
        reset_on_submit=False,
        width="100%",
    )


def _activation_sent_step() -> rx.Component:
    return rx.vstack(
        rx.heading("Dernière étape : votre e-mail", as_="h2", size="5"),
        rx.text("Un lien d'activation vient d'être envoyé à ", rx.el.strong(SignInState.activation_email),
                ". Cliquez dessus pour activer votre compte (il est valable 48 heures), puis connectez-vous "
                "avec votre identifiant et votre nouveau mot de passe.", role="status", id="activation-envoyee"),
        spacing="4",
        width="100%",
    )


def _remember_step() -> rx.Component:
    return rx.vstack(
        rx.heading("Rester connecté ?", as_="h2", size="5"),
        rx.text("Choisissez « Oui » pour ne pas avoir à vous reconnecter pendant 30 jours sur cet "
                "appareil. Sur un appareil partagé, choisissez « Non » : la connexion prendra fin "
                "après 2 heures sans activité.", size="2"),
        rx.hstack(
            rx.button("Non", size="3", variant="outline", on_click=SignInState.stay_signed_in(False), flex="1"),
            rx.button("Oui", size="3", on_click=SignInState.stay_signed_in(True), flex="1"),
            width="100%",
            spacing="3",
        ),
        error_message(SignInState.error),
        spacing="4",
        width="100%",
    )


def sign_in_form(door: Door) -> rx.Component:
    return rx.match(
        SignInState.step,
        ("password", _password_step(door)),
        ("change", _change_step()),
        ("guardian_first", _guardian_first_step()),
        ("activation_sent", _activation_sent_step()),
        ("remember", _remember_step()),
        _identifier_step(door),
    )


def _franceconnect_choice() -> rx.Component:
    return rx.cond(
        SignInState.franceconnect_offered,
        rx.vstack(
            rx.heading("Ou avec FranceConnect", as_="h2", size="4", color=BRAND_BLUE),
            rx.text("Identifiez-vous avec un compte que vous avez déjà (impots.gouv.fr, ameli.fr, l'Identité "
                    "Numérique La Poste…). À la première connexion, nous vérifions que vous êtes bien le parent "
                    "de vos enfants collégiens.", size="2"),
            error_message(SignInState.franceconnect_error),
            franceconnect_button(),
            spacing="3", width="100%", margin_top="1.5rem",
        ),
    )


def sign_in_page_for(slug: str):
    door = DOORS[slug]

    def page() -> rx.Component:
        return page_layout(
            rx.link("← Qui suis-je ?", href=routes.SIGN_IN, size="2"),
            page_title(f"Connexion — {door.label}"),
            rx.card(sign_in_form(door), width="100%", padding="1.25rem"),
            *([rx.text("Votre structure n'est pas encore partenaire ? ",
                       rx.link("Devenir partenaire", href=routes.PARTNER_SIGN_UP,
                               underline="always"),
                       size="2", margin_top="1rem")] if slug == "partenaire" else []),
            *([_franceconnect_choice()] if slug == "parent" else []),
            *([rx.text("Pas encore de compte ? ",
                       rx.link("Créer mon compte Jeune", href=routes.YOUTH_SIGN_UP, underline="always"),
                       size="2", margin_top="1rem")] if slug == "jeune" else []),
            *([rx.text(rx.link("Je n'ai pas encore d'identifiant", href=routes.PARENT_SELF_REGISTRATION,
                               underline="always", id="lien-auto-inscription"),
                       " : je l'obtiens avec le numéro de portable connu du collège.",
                       size="2", margin_top="1rem")] if slug == "parent" else []),
            width=NARROW,
        )

    page.__name__ = f"sign_in_{slug}_page"
    return page


def _door_card(door: Door) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.heading(door.label, as_="h2", size="5", color=BRAND_BLUE),
                rx.text(door.description, size="2", color="var(--gray-12)"),
                spacing="2",
            ),
            width="100%",
        ),
        href=routes.sign_in_door(door.slug),
        underline="none",
        width="100%",
    )


def who_am_i_page() -> rx.Component:
    return page_layout(
        page_title("Qui suis-je ?", "Choisissez votre profil pour vous connecter."),
        rx.vstack(*[_door_card(DOORS[slug]) for slug in ("collegien", "parent", "jeune", "partenaire")],
                  spacing="3", width="100%"),
        rx.text(
            "Les informations saisies servent uniquement à vous authentifier. ",
            rx.link("Politique de confidentialité", href=routes.PRIVACY, underline="always"),
            size="2", margin_top="1.5rem",
        ),
        rx.link("Espace agents et établissements", href=routes.BACK_OFFICE_SIGN_IN, size="2",
                color_scheme="gray", margin_top="1rem", display="block"),
        width="40rem",
    )
