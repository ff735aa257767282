"""/connexion/parent/inscription — "Je n'ai pas encore d'identifiant": the guardian types the
mobile the school has, the code received by SMS, the birth date of each child attached to that
number, then chooses a password; the identifier is shown (and sent by SMS).

The proof of the verified code stays in a backend-only variable (never sent to the browser);
passwords never enter the state. A refusal keeps what was already validated: a wrong date keeps
the verified code; only an expired or spent verification goes back to the first step.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.dates import parse_date_fr
from cjeune_app.core.errors import Refusal
from cjeune_app.core.guardians.errors import CodeAlreadyUsed, CodeBlocked, CodeExpired, VerificationExpired
from cjeune_app.core.use_cases import guardians
from cjeune_app.ui.components import guardian_verification as verification
from cjeune_app.ui.components.forms import (
    PasswordChecklist,
    form_field,
    password_checklist,
    submit_button,
)
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.password_work import hashing_thread

BAD_DATE = "Écrivez chaque date sous la forme jj/mm/aaaa (exemple : 14/03/2013)."
NEEDS_NEW_CODE = (CodeAlreadyUsed, CodeBlocked, CodeExpired)


class ParentSignUpState(PasswordChecklist, rx.State):
    step: str = "mobile"  # mobile, code, dates, password, done
    mobile: str = ""  # as shown back: 06 12 34 56 78
    notice: str = ""
    error: str = ""
    needs_new_code: bool = False
    children: list[str] = []
    field_errors: dict[str, str] = {}
    login: str = ""
    _proof: str = ""  # backend-only: what the later steps need

    @rx.event
    def start(self):
        self.step, self.mobile, self.notice, self.error, self.login = "mobile", "", "", "", ""
        self.needs_new_code, self.children, self.field_errors, self._proof = False, [], {}, ""
        self._clear_checklist()

    def _lost_verification(self, refusal: Refusal) -> None:
        self.start()
        self.error = refusal.message

    async def _send(self, mobile: str) -> None:
        try:
            sent = await asyncio.to_thread(guardians.request_code, mobile, self.router.session.client_ip)
        except Refusal as refusal:
            self.error = refusal.message
            return
        self.mobile, self.notice, self.error, self.needs_new_code, self.step = (
            sent.mobile, sent.message, "", False, "code")

    @rx.event
    async def submit_mobile(self, form: dict):
        await self._send(form.get("mobile", "") or "")

    @rx.event
    async def send_new_code(self):
        await self._send(self.mobile)

    @rx.event
    def change_mobile(self):
        self.step, self.error, self.notice = "mobile", "", ""

    @rx.event
    async def submit_code(self, form: dict):
        try:
            checked = await asyncio.to_thread(guardians.verify_code, self.mobile, form.get("code", "") or "",
                                              self.router.session.client_ip)
        except Refusal as refusal:
            self.error = refusal.message
            self.needs_new_code = isinstance(refusal, NEEDS_NEW_CODE) or refusal.details.get("tries_left") == 0
            return
        self._proof, self.children = checked.proof, checked.children
        self.error, self.notice, self.field_errors, self.step = "", "", {}, "dates"

    @rx.event
    async def submit_dates(self, form: dict):
        dates, problems = [], {}
        for index in range(len(self.children)):
            text = (form.get(f"date_{index}", "") or "").strip()
            try:
                dates.append(parse_date_fr(text) if text else None)
            except ValueError:
                dates.append(None)
                problems[f"date_{index}"] = BAD_DATE
        self.field_errors = problems
        if problems:
            return
        try:
            await asyncio.to_thread(guardians.verify_birth_dates, self._proof, dates)
        except VerificationExpired as refusal:
            self._lost_verification(refusal)
            return
        except Refusal as refusal:
            if refusal.details.get("tries_left") == 0:  # a new code is needed
                self._lost_verification(refusal)
            else:
                self.error = refusal.message
            return
        self.error, self.step = "", "password"

    @rx.event(background=True)
    async def submit_password(self, form: dict):
        # The password is hashed with argon2 (10 ms of a core, more under load) outside the state's
        # lock: the tab's other events (the password checklist) are answered meanwhile.
        async with self:
            proof = self._proof
        try:
            done = await hashing_thread(guardians.complete_self_registration, proof,
                                        form.get("password", "") or "", form.get("confirm_password", "") or "")
        except FormErrors as errors:
            async with self:
                if self._proof == proof:
                    self.field_errors = {("confirm_password" if k == "confirmation" else k): v
                                         for k, v in errors.fields.items()}
            return
        except Refusal as refusal:
            async with self:
                if self._proof == proof:
                    self._lost_verification(refusal)
            return
        async with self:
            self.login, self._proof, self.field_errors, self.error, self.step = done.login, "", {}, "", "done"


def _mobile_step() -> rx.Component:
    return verification.mobile_step(
        ParentSignUpState,
        rx.text("Saisissez le numéro de téléphone portable que vous avez donné au collège : vous allez "
                "recevoir un code par SMS.", size="2"),
    )


def _dates_step() -> rx.Component:
    return verification.dates_step(
        ParentSignUpState,
        "Code vérifié. Pour finir de vous identifier, indiquez la date de naissance de chacun des "
        "enfants rattachés à ce numéro.",
        "Valider les dates de naissance",
    )


def _password_step() -> rx.Component:
    errors = ParentSignUpState.field_errors
    return rx.form(
        rx.vstack(
            rx.text("Dates vérifiées. Choisissez maintenant le mot de passe de votre compte parent.",
                    size="2", role="status"),
            form_field("Mot de passe", "password", "password", "new-password", errors,
                       on_change=ParentSignUpState.check_new_password.debounce(100),
                       aria_describedby="regles-mot-de-passe"),
            password_checklist(ParentSignUpState.checklist),
            form_field("Confirmez le mot de passe", "confirm_password", "password", "new-password", errors),
            submit_button("Activer mon compte"),
            spacing="4", width="100%",
        ),
        on_submit=ParentSignUpState.submit_password, reset_on_submit=False, width="100%",
    )


def _done_step() -> rx.Component:
    return rx.vstack(
        rx.heading("Votre compte est activé", as_="h2", size="5"),
        rx.text("Votre identifiant : ", rx.text(ParentSignUpState.login, as_="span", weight="bold",
                                                id="identifiant-parent"), role="status"),
        rx.text("Il vous a aussi été envoyé par SMS. Connectez-vous avec cet identifiant et le mot de passe "
                "que vous venez de choisir.", size="2"),
        rx.link("Se connecter", href=routes.sign_in_door("parent"), weight="bold", underline="always",
                size="3"),
        spacing="3", width="100%",
    )


def parent_sign_up_page() -> rx.Component:
    return page_layout(
        rx.link("← Connexion Parent", href=routes.sign_in_door("parent"), size="2"),
        page_title("Je n'ai pas encore d'identifiant",
                   "Responsable légal d'un collégien : activez votre compte avec le numéro de portable "
                   "connu du collège."),
        rx.card(
            rx.match(
                ParentSignUpState.step,
                ("code", verification.code_step(ParentSignUpState)),
                ("dates", _dates_step()),
                ("password", _password_step()),
                ("done", _done_step()),
                _mobile_step(),
            ),
            width="100%", padding="1.25rem",
        ),
        rx.cond(ParentSignUpState.step == "mobile",
                rx.text("Votre numéro a changé ? Demandez au secrétariat du collège de le mettre à jour avant "
                        "de commencer.", size="2", margin_top="1rem")),
        width="30rem",
    )
