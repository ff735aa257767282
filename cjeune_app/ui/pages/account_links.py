"""Pages reached from an e-mailed link (activation, new password, e-mail confirmation) and the
"Mot de passe oublié" form. The link's token stays on the server side of the state."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.accounts.api import (
    ACTIVATION,
    FORGOTTEN_PASSWORD_ANSWER,
    RESET_PASSWORD,
    account_for_link,
    activate,
    request_password_reset,
    reset_password,
    verify_email,
)
from cjeune_app.core.accounts.errors import InvalidToken, PasswordRejected
from cjeune_app.core.accounts.passwords import rule_results
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import ROLE_LABELS, Role
from cjeune_app.ui.components.forms import (
    alert_box,
    empty_checklist,
    error_message,
    form_field,
    rule_item,
    submit_button,
)
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.pages.sign_in import NARROW

ACTIONS = {ACTIVATION: activate, RESET_PASSWORD: reset_password}


def _greeting_for(token: str, purpose: str) -> dict:
    with session_scope() as session:
        try:
            account = account_for_link(session, token, purpose)
        except InvalidToken as error:
            return {"ok": False, "message": error.message}
        return {"ok": True, "first_name": account.first_name, "role": account.role}


def _use_link(token: str, purpose: str, password: str) -> list[str]:
    try:
        with session_scope() as session:
            ACTIONS[purpose](session, token, password)
    except PasswordRejected as refusal:
        return refusal.reasons
    except InvalidToken as error:
        return [error.message]
    return []


class ChoosePasswordState(rx.State):
    purpose: str = ACTIVATION
    link_ok: bool = False
    link_error: str = ""
    first_name: str = ""
    sign_in_door: str = "/connexion"
    done: bool = False
    errors: list[str] = []
    checklist: list[dict] = empty_checklist()
    _token: str = ""

    async def _load(self, purpose: str):
        self.purpose, self.done, self.errors, self.checklist = purpose, False, [], empty_checklist()
        self._token = self.router.page.params.get("jeton", "") or ""
        found = await asyncio.to_thread(_greeting_for, self._token, purpose)
        self.link_ok, self.link_error = found["ok"], found.get("message", "")
        self.first_name = found.get("first_name", "")
        door = {Role.PARENT: "parent", Role.YOUTH: "jeune", Role.PARTNER: "partenaire"}.get(found.get("role"), "gestion")
        self.sign_in_door = f"/connexion/{door}"

    @rx.event
    async def load_activation(self):
        await self._load(ACTIVATION)

    @rx.event
    async def load_reset(self):
        await self._load(RESET_PASSWORD)

    @rx.event
    def check_new_password(self, value: str):
        self.checklist = [{"label": rule.label, "ok": ok} for rule, ok in rule_results(value or "")]

    @rx.event
    async def submit(self, form: dict):
        password = form.get("new_password", "")
        if password != form.get("confirm_password", ""):
            self.errors = ["Les deux saisies du mot de passe ne sont pas identiques."]
            return
        self.errors = await asyncio.to_thread(_use_link, self._token, self.purpose, password)
        if not self.errors:
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
            rx.el.ul(rx.foreach(ChoosePasswordState.checklist, rule_item), id="regles-mot-de-passe",
                     aria_live="polite", padding_left="0", margin="0"),
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
                                  rx.link("Demander un nouveau lien", href="/connexion/mot-de-passe-oublie"))),
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
        with session_scope() as session:
            account = verify_email(session, token)
            label = ROLE_LABELS[Role(account.role)]
    except InvalidToken as error:
        return error.message
    if account.role == Role.PARTNER:
        return ("Adresse e-mail confirmée. Votre structure est maintenant en attente de validation par le "
                "Département : vous recevrez un e-mail dès qu'elle sera validée.")
    return f"Adresse e-mail confirmée. Connectez-vous en choisissant « {label} » dans « Qui suis-je ? »."


class ConfirmEmailState(rx.State):
    message: str = ""

    @rx.event
    async def confirm(self):
        self.message = await asyncio.to_thread(_confirm, self.router.page.params.get("jeton", "") or "")


def email_confirmation_page() -> rx.Component:
    return page_layout(
        page_title("Confirmation de l'adresse e-mail"),
        rx.text(ConfirmEmailState.message, role="status", id="confirmation"),
        rx.link("Aller à la connexion", href="/connexion", margin_top="1rem", display="block"),
        width=NARROW,
    )


def _ask_reset(email: str) -> None:
    with session_scope() as session:
        request_password_reset(session, email)


class ForgottenPasswordState(rx.State):
    sent: bool = False

    @rx.event
    async def submit(self, form: dict):
        await asyncio.to_thread(_ask_reset, form.get("email", ""))
        self.sent = True


def forgotten_password_page() -> rx.Component:
    return page_layout(
        page_title("Mot de passe oublié"),
        rx.card(
            rx.cond(
                ForgottenPasswordState.sent,
                rx.text(FORGOTTEN_PASSWORD_ANSWER, role="status"),
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
