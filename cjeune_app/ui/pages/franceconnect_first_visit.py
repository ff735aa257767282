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
from cjeune_app.core.use_cases import franceconnect, guardians
from cjeune_app.ui.browser import post_form
from cjeune_app.ui.components import guardian_verification as verification
from cjeune_app.ui.components.forms import error_message
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.pages.sign_in import NARROW

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
    return verification.mobile_step(
        FirstVisitState,
        rx.text("FranceConnect a confirmé votre identité : ", rx.el.strong(FirstVisitState.full_name), ".",
                role="status"),
        rx.text("Pour cette première connexion, confirmez que vous êtes le responsable légal de vos enfants "
                "collégiens : saisissez le numéro de téléphone portable que vous avez donné au collège, "
                "vous allez recevoir un code par SMS.", size="2"),
    )


def _dates_step() -> rx.Component:
    return verification.dates_step(
        FirstVisitState,
        "Code vérifié. Indiquez la date de naissance de chacun des enfants rattachés à ce numéro : "
        "votre identité FranceConnect sera ensuite reliée à votre compte parent.",
        "Valider et me connecter",
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
                ("code", verification.code_step(FirstVisitState)),
                ("dates", _dates_step()),
                _closed(),
            ),
            width="100%", padding="1.25rem",
        ),
        width=NARROW,
    )
