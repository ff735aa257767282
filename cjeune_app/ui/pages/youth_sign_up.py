"""/connexion/jeune/inscription: a young person (15 to 25, living in the 13, no longer at collège)
creates an account, then confirms the e-mail address from the link sent (/connexion/verification).
Errors are shown next to their field and what was typed stays in place; the password never
enters the state (only whether each rule holds)."""

from __future__ import annotations

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.youths import SIGN_UP_ANSWER
from cjeune_app.core.dates import parse_date_fr
from cjeune_app.core.territory import all_communes
from cjeune_app.core.use_cases import accounts
from cjeune_app.ui.components.forms import (
    PasswordChecklist,
    field_error,
    form_field,
    password_checklist,
    submit_button,
)
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.password_work import hashing_thread

BAD_DATE = "La date de naissance doit s'écrire jj/mm/aaaa (exemple : 14/03/2004)."


def _communes() -> list[tuple[str, str]]:
    return sorted(((c.insee_code, c.name) for c in all_communes()), key=lambda item: item[1])


def _sign_up(form: dict) -> dict[str, str]:
    birth_text = (form.get("birth_date", "") or "").strip()
    try:
        birth_date = parse_date_fr(birth_text) if birth_text else None
    except ValueError:
        birth_date, date_error = None, BAD_DATE
    else:
        date_error = None
    try:
        accounts.sign_up_youth(accounts.YouthSignUp(
            email=form.get("email", ""), password=form.get("password", ""),
            first_name=form.get("first_name", ""), last_name=form.get("last_name", ""),
            birth_date=birth_date, commune_insee=form.get("commune_insee", "")))
    except FormErrors as errors:
        return {**errors.fields, **({"birth_date": date_error} if date_error else {})}
    return {}


class YouthSignUpState(PasswordChecklist, rx.State):
    field_errors: dict[str, str] = {}
    done: bool = False

    @rx.event
    def reset_form(self):
        self.field_errors, self.done = {}, False
        self._clear_checklist()

    @rx.event(background=True)
    async def submit(self, form: dict):
        # The password is hashed with argon2 (10 ms of a core, more under load) outside the state's lock.
        if form.get("password", "") != form.get("confirm_password", ""):
            async with self:
                self.field_errors = {"confirm_password": "Les deux saisies du mot de passe ne sont pas identiques."}
            return
        field_errors = await hashing_thread(_sign_up, form)
        async with self:
            self.field_errors, self.done = field_errors, not field_errors


def _commune_select() -> rx.Component:
    return rx.vstack(
        rx.el.label("Commune de résidence", html_for="champ-commune_insee", font_weight="bold"),
        rx.el.select(
            rx.el.option("Choisissez votre commune…", value=""),
            *[rx.el.option(name, value=insee) for insee, name in _communes()],
            id="champ-commune_insee", name="commune_insee", required=True, class_name="champ-liste",
        ),
        field_error(YouthSignUpState.field_errors, "commune_insee"),
        spacing="1", width="100%",
    )


def _form() -> rx.Component:
    errors = YouthSignUpState.field_errors
    return rx.form(
        rx.vstack(
            form_field("Adresse e-mail", "email", "email", "email", errors, auto_capitalize="none",
                       spell_check=False),
            form_field("Prénom", "first_name", "text", "given-name", errors),
            form_field("Nom", "last_name", "text", "family-name", errors),
            form_field("Date de naissance (jj/mm/aaaa)", "birth_date", "text", "bday", errors,
                       input_mode="numeric", placeholder="14/03/2004"),
            _commune_select(),
            form_field("Mot de passe", "password", "password", "new-password", errors,
                       on_change=YouthSignUpState.check_new_password.debounce(100),
                       aria_describedby="regles-mot-de-passe"),
            password_checklist(YouthSignUpState.checklist),
            form_field("Confirmez le mot de passe", "confirm_password", "password", "new-password", errors),
            rx.cond(errors.length() > 0,
                    rx.text("Le formulaire contient des erreurs : corrigez les champs signalés.", role="alert",
                            color="var(--red-11)", weight="bold")),
            submit_button("Créer mon compte"),
            spacing="4", width="100%",
        ),
        on_submit=YouthSignUpState.submit,
        reset_on_submit=False,
        width="100%",
    )


def _sent() -> rx.Component:
    return rx.vstack(
        rx.heading("Vérifiez votre e-mail", as_="h2", size="5"),
        rx.text(SIGN_UP_ANSWER, role="status", id="inscription-envoyee"),
        spacing="3", width="100%",
    )


def youth_sign_up_page() -> rx.Component:
    return page_layout(
        rx.link("← Connexion Jeune", href=routes.YOUTH_SIGN_IN, size="2"),
        page_title("Créer mon compte Jeune",
                   "Pour les moins de 26 ans qui habitent les Bouches-du-Rhône et ne sont plus au collège."),
        rx.card(rx.cond(YouthSignUpState.done, _sent(), _form()), width="100%", padding="1.25rem"),
        width="36rem",
    )
