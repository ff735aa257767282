"""Pages reached from an e-mailed link (activation, new password, e-mail confirmation) and the
"Mot de passe oublié" form. The link's token stays on the server side of the state."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import InvalidToken, PasswordRejected
from cjeune_app.core.accounts.links import FORGOTTEN_PASSWORD_ANSWER
from cjeune_app.core.accounts.models import TokenPurpose
from cjeune_app.core.enums import ROLE_LABELS, Role
from cjeune_app.core.use_cases import accounts
from cjeune_app.ui.components.forms import (
    PasswordChecklist,
    alert_box,
    error_message,
    form_field,
    password_checklist,
    submit_button,
)
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.pages.sign_in import NARROW
from cjeune_app.ui.password_work import hashing_thread

DOOR_OF_ROLE = {Role.PARENT: "parent", Role.YOUTH: "jeune", Role.PARTNER: "partenaire"}


def _sign_in_route(role: Role | None) -> str:
    return routes.sign_in_door(DOOR_OF_ROLE.get(role, "gestion") if role else "gestion")


def _use_link(token: str, purpose: TokenPurpose, password: str) -> list[str]:
    try:
        accounts.choose_password_from_link(token, purpose, password)
    except PasswordRejected as refusal:
        return refusal.reasons
    except InvalidToken as error:
        return [error.message]
    return []


class ChoosePasswordState(PasswordChecklist, rx.State):
    purpose: str = TokenPurpose.ACTIVATION.value
    link_ok: bool = False
    link_error: str = ""
    first_name: str = ""
    sign_in_door: str = routes.sign_in_door("gestion")
    done: bool = False
    errors: list[str] = []
    _token: str = ""

    async def _load(self, purpose: TokenPurpose):
        self.purpose, self.done, self.errors = purpose.value, False, []
        self._clear_checklist()
        self._token = self.router.page.params.get("jeton", "") or ""
        try:
            holder = await asyncio.to_thread(accounts.link_holder, self._token, purpose)
        except InvalidToken as error:
            self.link_ok, self.link_error, self.first_name = False, error.message, ""
            self.sign_in_door = _sign_in_route(None)
            return
        self.link_ok, self.link_error, self.first_name = True, "", holder.first_name
        self.sign_in_door = _sign_in_route(holder.role)

    @rx.event
    async def load_activation(self):
        await self._load(TokenPurpose.ACTIVATION)

    @rx.event
    async def load_reset(self):
        await self._load(TokenPurpose.RESET_PASSWORD)

    @rx.event(background=True)
    async def submit(self, form: dict):
        # The password is hashed with argon2 (10 ms of a core, more under load) outside the state's lock.
        password = form.get("new_password", "")
        async with self:
            if password != form.get("confirm_password", ""):
                self.errors = ["Les deux saisies du mot de passe ne sont pas identiques."]
                return
            token, purpose = self._token, TokenPurpose(self.purpose)
        errors = await hashing_thread(_use_link, token, purpose, password)
        async with self:
            if self._token != token:
                return  # another link was opened meanwhile
            self.errors = errors
            if not errors:
                self.done, self._token = True, ""


def _choose_password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(ChoosePasswordState.first_name != "",
                    rx.text(f"Bonjour {ChoosePasswordState.first_name},", weight="bold", id="bonjour-lien")),
            rx.text("Choisissez le mot de passe de votre compte CJeune de Provence.", size="2"),
            form_field("Mot de passe", "new_password", "password", "new-password",
                   on_change=ChoosePasswordState.check_new_password.debounce(100),
                   aria_describedby="regles-mot-de-passe"),
            password_checklist(ChoosePasswordState.checklist),
            form_field("Confirmez le mot de passe", "confirm_password", "password", "new-password"),
            rx.cond(ChoosePasswordState.errors.length() > 0,
                    alert_box(rx.el.ul(rx.foreach(ChoosePasswordState.errors, lambda e: rx.el.li(e)),
                                    margin="0", padding_left="1.1rem"))),
            submit_button("Enregistrer mon mot de passe"),
            spacing="4",
            width="100%",
        ),
        on_submit=ChoosePasswordState.submit,
        reset_on_submit=False,
        width="100%",
    )


def _choose_password_page(title: str, done_text: str) -> rx.Component:
    return page_layout(
        page_title(title),
        rx.card(
            rx.cond(
                ChoosePasswordState.done,
                rx.vstack(
                    rx.text(done_text, role="status", id="lien-termine"),
                    rx.link(rx.button("Se connecter", size="3", width="100%"),
                            href=ChoosePasswordState.sign_in_door, width="100%"),
                    spacing="4",
                ),
                rx.cond(ChoosePasswordState.link_ok, _choose_password_form(),
                        rx.vstack(error_message(ChoosePasswordState.link_error),
                                  rx.link("Demander un nouveau lien", href=routes.FORGOTTEN_PASSWORD))),
            ),
            width="100%",
            padding="1.25rem",
        ),
        width=NARROW,
    )


def activation_page() -> rx.Component:
    return _choose_password_page("Activez votre compte",
                                 "Votre compte est activé. Vous pouvez maintenant vous connecter.")


def new_password_page() -> rx.Component:
    return _choose_password_page("Nouveau mot de passe",
                                 "Votre mot de passe est changé et vos autres connexions sont fermées.")


def _confirm(token: str) -> str:
    try:
        holder = accounts.verify_email(token)
    except InvalidToken as error:
        return error.message
    if holder.role is Role.PARTNER:
        return ("Adresse e-mail confirmée. Votre structure est maintenant en attente de validation par le "
                "Département : vous recevrez un e-mail dès qu'elle sera validée.")
    label = ROLE_LABELS[holder.role]
    return f"Adresse e-mail confirmée. Connectez-vous en choisissant « {label} » dans « Qui suis-je ? »."


class ConfirmEmailState(rx.State):
    message: str = ""

    @rx.event
    async def confirm(self):
        self.message = await asyncio.to_thread(_confirm, self.router.page.params.get("jeton", "") or "")


def email_confirmation_page() -> rx.Component:
    return page_layout(
        page_title("Confirmation de l'adresse e-mail"),
        rx.text(ConfirmEmailState.message, role="status", id="confirmation"),
        rx.link("Aller à la connexion", href=routes.SIGN_IN, margin_top="1rem", display="block"),
        width=NARROW,
    )


class ForgottenPasswordState(rx.State):
    sent: bool = False
    answer: str = FORGOTTEN_PASSWORD_ANSWER

    @rx.event
    async def submit(self, form: dict):
        self.answer = await asyncio.to_thread(accounts.request_password_reset, form.get("email", ""))
        self.sent = True


def forgotten_password_page() -> rx.Component:
    return page_layout(
        page_title("Mot de passe oublié"),
        rx.card(
            rx.cond(
                ForgottenPasswordState.sent,
                rx.text(ForgottenPasswordState.answer, role="status"),
                rx.form(
                    rx.vstack(
                        rx.text("Parents, jeunes et partenaires : indiquez l'adresse e-mail de votre compte. "
                                "Collégiens : votre collège vous remet un nouveau mot de passe.", size="2"),
                        form_field("Adresse e-mail", "email", "email", "email"),
                        submit_button("Recevoir un lien"),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=ForgottenPasswordState.submit,
                    width="100%",
                ),
            ),
            width="100%",
            padding="1.25rem",
        ),
        width=NARROW,
    )
