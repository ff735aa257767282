"""/connexion/parent/franceconnect: the first visit after FranceConnect confirmed who the guardian is.
The guardian proves which Parent they are with the guardians' verification (the mobile number the
school has, the code received by SMS, each child's birth date); the FranceConnect identity is then
linked to that Parent account, a session opens, and the next visits sign in directly.

The first visit's ticket is an HttpOnly cookie set by the return route: read here from the
websocket's request headers (server side). It and the verification's proof stay in backend-only
variables, never sent to the page. A refusal keeps what was already validated (a wrong date keeps
the verified code); only a spent or expired verification goes back to the mobile number.
"""

from __future__ import annotations

import asyncio
from http.cookies import CookieError, SimpleCookie

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.dates import parse_date_fr
from cjeune_app.core.errors import Refusal
from cjeune_app.core.franceconnect.web import ARRIVAL_COOKIE
from cjeune_app.core.guardians.errors import CodeAlreadyUsed, CodeBlocked, CodeExpired, VerificationExpired
from cjeune_app.core.phones import MOBILE_EXAMPLE
from cjeune_app.core.use_cases import franceconnect, guardians
from cjeune_app.ui.components.forms import error_message, form_field, submit_button
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.pages.sign_in import NARROW
from cjeune_app.ui.state import post_form

BAD_DATE = "Écrivez chaque date sous la forme jj/mm/aaaa (exemple : 14/03/2013)."
NEEDS_NEW_CODE = (CodeAlreadyUsed, CodeBlocked, CodeExpired)


def arrival_ticket(cookie_header: str) -> str:
    try:
        morsel = SimpleCookie(cookie_header or "").get(ARRIVAL_COOKIE)
    except CookieError:
        return ""
    return morsel.value if morsel is not None else ""


class FirstVisitState(rx.State):
    step: str = "closed"  # closed (no identity waiting), mobile, code, dates
    full_name: str = ""
    mobile: str = ""  # as shown back: 06 12 34 56 78
    notice: str = ""
    error: str = ""
    needs_new_code: bool = False
    children: list[str] = []
    field_errors: dict[str, str] = {}
    _ticket: str = ""  # backend-only
    _proof: str = ""  # backend-only

    def _close(self, refusal: Refusal) -> None:
        self.step, self.error, self._ticket, self._proof = "closed", refusal.message, "", ""

    def _back_to_mobile(self, refusal: Refusal) -> None:
        self.step, self.error, self.notice, self._proof, self.children = "mobile", refusal.message, "", "", []

    @rx.event
    async def open_page(self):
        self.mobile, self.notice, self.error, self.needs_new_code = "", "", "", False
        self.children, self.field_errors, self._proof = [], {}, ""
        self._ticket = arrival_ticket(self.router.headers.cookie)
        try:
            found = await asyncio.to_thread(franceconnect.arrival, self._ticket)
        except Refusal as refusal:
            self._close(refusal)
            return
        self.full_name = f"{found.given_name} {found.family_name}".strip()
        self.step = "mobile"

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

    def _dates(self, form: dict) -> list | None:
        dates, problems = [], {}
        for index in range(len(self.children)):
            text = (form.get(f"date_{index}", "") or "").strip()
            try:
                dates.append(parse_date_fr(text) if text else None)
            except ValueError:
                dates.append(None)
                problems[f"date_{index}"] = BAD_DATE
        self.field_errors = problems
        return None if problems else dates

    @rx.event
    async def submit_dates(self, form: dict):
        dates = self._dates(form)
        if dates is None:
            return
        try:
            await asyncio.to_thread(guardians.verify_birth_dates, self._proof, dates)
        except VerificationExpired as refusal:
            self._back_to_mobile(refusal)
            return
        except Refusal as refusal:
            if refusal.details.get("tries_left") == 0:  # a new code is needed
                self._back_to_mobile(refusal)
            else:
                self.error = refusal.message
            return
        # The proof travels in this event's script, never in the page's state; the HTTP route links
        # the identity and sets the HttpOnly session cookie.
        proof, self._ticket, self._proof, self.step = self._proof, "", "", "closed"
        return post_form(routes.FRANCECONNECT_FIRST_VISIT_END, {routes.FRANCECONNECT_PROOF_FIELD: proof})


def _mobile_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("FranceConnect a confirmé votre identité : ", rx.el.strong(FirstVisitState.full_name), ".",
                    role="status"),
            rx.text("Pour cette première connexion, confirmez que vous êtes le responsable légal de vos enfants "
                    "collégiens : saisissez le numéro de téléphone portable que vous avez donné au collège, "
                    "vous allez recevoir un code par SMS.", size="2"),
            form_field("Numéro de téléphone portable", "mobile", "tel", "tel", input_mode="tel",
                       placeholder=MOBILE_EXAMPLE),
            error_message(FirstVisitState.error),
            submit_button("Recevoir un code par SMS"),
            spacing="4", width="100%",
        ),
        on_submit=FirstVisitState.submit_mobile, reset_on_submit=False, width="100%",
    )


def _code_step() -> rx.Component:
    return rx.vstack(
        rx.text(FirstVisitState.notice, role="status", id="code-envoye", size="2"),
        rx.form(
            rx.vstack(
                form_field("Code reçu par SMS (6 chiffres)", "code", "text", "one-time-code",
                           input_mode="numeric", max_length=6),
                error_message(FirstVisitState.error),
                submit_button("Valider le code"),
                spacing="4", width="100%",
            ),
            on_submit=FirstVisitState.submit_code, reset_on_submit=True, width="100%",
        ),
        rx.hstack(
            rx.button("Recevoir un nouveau code", type="button", variant=rx.cond(
                FirstVisitState.needs_new_code, "solid", "outline"), on_click=FirstVisitState.send_new_code),
            rx.button("Changer de numéro", type="button", variant="ghost", on_click=FirstVisitState.change_mobile),
            wrap="wrap", spacing="3",
        ),
        spacing="4", width="100%",
    )


def _date_field(name: rx.Var, index: rx.Var) -> rx.Component:
    field, field_id, error_id = ("date_" + index.to_string(), "champ-date_" + index.to_string(),
                                 "erreur-date_" + index.to_string())
    errors = FirstVisitState.field_errors
    return rx.vstack(
        rx.el.label("Date de naissance de " + name + " (jj/mm/aaaa)", html_for=field_id, font_weight="bold"),
        rx.input(id=field_id, name=field, type="text", auto_complete="off", required=True, size="3",
                 width="100%", input_mode="numeric", placeholder="14/03/2013",
                 aria_describedby=rx.cond(errors.contains(field), error_id, "")),
        rx.cond(errors.contains(field),
                rx.text(errors[field], id=error_id, size="2", color="var(--red-11)", weight="medium")),
        spacing="1", width="100%",
    )


def _dates_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Code vérifié. Indiquez la date de naissance de chacun des enfants rattachés à ce numéro : "
                    "votre identité FranceConnect sera ensuite reliée à votre compte parent.", size="2",
                    role="status"),
            rx.foreach(FirstVisitState.children, _date_field),
            error_message(FirstVisitState.error),
            submit_button("Valider et me connecter"),
            spacing="4", width="100%",
        ),
        on_submit=FirstVisitState.submit_dates, reset_on_submit=False, width="100%",
    )


def _closed() -> rx.Component:
    return rx.vstack(
        error_message(FirstVisitState.error),
        rx.link("Revenir à la connexion Parent", href=routes.sign_in_door("parent"), underline="always"),
        spacing="3", width="100%",
    )


def first_visit_page() -> rx.Component:
    return page_layout(
        rx.link("← Connexion Parent", href=routes.sign_in_door("parent"), size="2"),
        page_title("Première connexion avec FranceConnect"),
        rx.card(
            rx.match(
                FirstVisitState.step,
                ("mobile", _mobile_step()),
                ("code", _code_step()),
                ("dates", _dates_step()),
                _closed(),
            ),
            width="100%", padding="1.25rem",
        ),
        width=NARROW,
    )
