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
from cjeune_app.core.accounts.validation import normalize_login
from cjeune_app.core.enums import BACK_OFFICE_ROLES, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.site import COLLEGE_SUPPORT_EMAIL
from cjeune_app.core.use_cases import accounts
from cjeune_app.core.use_cases.accounts import PendingSignIn
from cjeune_app.ui.components.forms import (
    PasswordChecklist,
    alert_box,
    error_message,
    form_field,
    password_checklist,
    submit_button,
)
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import SessionState
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
    step: str = "identifier"  # identifier, password, change, remember
    login: str = ""
    error: str = ""
    errors: list[str] = []
    # Set only after the right password; backend-only (never sent to the browser).
    _pending: PendingSignIn | None = None

    def _reset(self, door: str) -> None:
        self.door, self.step, self.login = door, "identifier", ""
        self.error, self.errors = "", []
        self._clear_checklist()
        self._pending = None

    @rx.event
    def start(self, door: str):
        self._reset(door if door in DOORS else "collegien")

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

    @rx.event
    async def submit_password(self, form: dict):
        password = form.get("password", "") or ""
        if not password:
            self.error = "Saisissez votre mot de passe."
            return
        step = await asyncio.to_thread(
            accounts.check_password, self.login, password, self.router.session.client_ip, DOORS[self.door].roles
        )
        if step.pending is None:
            self.error = step.message
            return
        self._pending = step.pending
        self.error, self.step = "", ("change" if step.must_change_password else "remember")

    @rx.event
    async def submit_new_password(self, form: dict):
        if self._pending is None:
            return SignInState.start(self.door)
        current, new = form.get("current_password", ""), form.get("new_password", "")
        if new != form.get("confirm_password", ""):
            self.errors = ["Les deux saisies du nouveau mot de passe ne sont pas identiques."]
            return
        try:
            changed = await asyncio.to_thread(accounts.replace_temporary_password, self._pending, current, new,
                                              self.router.session.client_ip)
        except Refusal as refusal:
            self.errors = [refusal.message]
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
        session_state = await self.get_state(SessionState)
        session_state._keep(signed_in.token, signed_in.remember)
        self._reset(self.door)
        return rx.redirect(routes.DASHBOARD)


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


def _remember_step() -> rx.Component:
    return rx.vstack(
        rx.heading("Rester connecté ?", as_="h2", size="5"),
        rx.text("Choisissez « Oui » pour ne pas avoir à vous reconnecter pendant 30 jours sur cet "
                "appareil. Sur un appareil partagé, choisissez « Non » : la connexion prendra fin "
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
        ("remember", _remember_step()),
        _identifier_step(door),
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
