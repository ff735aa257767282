"""The guardians' verification as a parent sees it (mobile known to the collège, code received by
SMS, each child's birth date), drawn once for the two pages that ask for it: the parents'
auto-inscription and FranceConnect's first visit. `state` is the page's state class; it has
`error`, `notice`, `needs_new_code`, `children`, `field_errors` and the events named below."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cjeune_app.core.phones import MOBILE_EXAMPLE
from cjeune_app.ui.components.forms import error_message, form_field, submit_button


def mobile_step(state: Any, *intro: rx.Component) -> rx.Component:
    return rx.form(
        rx.vstack(
            *intro,
            form_field("Numéro de téléphone portable", "mobile", "tel", "tel", input_mode="tel",
                       placeholder=MOBILE_EXAMPLE),
            error_message(state.error),
            submit_button("Recevoir un code par SMS"),
            spacing="4", width="100%",
        ),
        on_submit=state.submit_mobile, reset_on_submit=False, width="100%",
    )


def code_step(state: Any) -> rx.Component:
    return rx.vstack(
        rx.text(state.notice, role="status", id="code-envoye", size="2"),
        rx.form(
            rx.vstack(
                form_field("Code reçu par SMS (6 chiffres)", "code", "text", "one-time-code",
                           input_mode="numeric", max_length=6),
                error_message(state.error),
                submit_button("Valider le code"),
                spacing="4", width="100%",
            ),
            on_submit=state.submit_code, reset_on_submit=True, width="100%",
        ),
        rx.hstack(
            rx.button("Recevoir un nouveau code", type="button", variant=rx.cond(
                state.needs_new_code, "solid", "outline"), on_click=state.send_new_code),
            rx.button("Changer de numéro", type="button", variant="ghost", on_click=state.change_mobile),
            wrap="wrap", spacing="3",
        ),
        spacing="4", width="100%",
    )


def _date_field(state: Any, name: rx.Var, index: rx.Var) -> rx.Component:
    field = "date_" + index.to_string()
    field_id = "champ-date_" + index.to_string()
    error_id = "erreur-date_" + index.to_string()
    errors = state.field_errors
    return rx.vstack(
        rx.el.label("Date de naissance de " + name + " (jj/mm/aaaa)", html_for=field_id, font_weight="bold"),
        rx.input(id=field_id, name=field, type="text", auto_complete="off", required=True, size="3",
                 width="100%", input_mode="numeric", placeholder="14/03/2013",
                 aria_describedby=rx.cond(errors.contains(field), error_id, "")),
        rx.cond(errors.contains(field),
                rx.text(errors[field], id=error_id, size="2", color="var(--red-11)", weight="medium")),
        spacing="1", width="100%",
    )


def dates_step(state: Any, intro: str, submit_label: str) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(intro, size="2", role="status"),
            rx.foreach(state.children, lambda name, index: _date_field(state, name, index)),
            error_message(state.error),
            submit_button(submit_label),
            spacing="4", width="100%",
        ),
        on_submit=state.submit_dates, reset_on_submit=False, width="100%",
    )
