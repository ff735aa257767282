"""Form pieces shared by the account pages: labelled fields, alerts, the live password rules."""

from __future__ import annotations

import dataclasses

import reflex as rx

from cjeune_app.core.accounts.passwords import PASSWORD_RULES, rule_results


def empty_checklist() -> list[dict]:
    return [{"label": rule.label, "ok": False} for rule in PASSWORD_RULES]


@dataclasses.dataclass
class RuleCheck:
    """One line of the live password checklist: a rule, and whether what is typed keeps it."""

    label: str
    ok: bool = False


def unchecked_rules() -> list[RuleCheck]:
    return [RuleCheck(rule.label) for rule in PASSWORD_RULES]


class PasswordChecklist(rx.State, mixin=True):
    """The live checklist of the password rules, for every form where a password is chosen.

    Mix it into the page's state (`class XState(PasswordChecklist, rx.State)`), give the new
    password's input `on_change=XState.check_new_password.debounce(100)`, show
    `password_checklist(XState.checklist)` under it, and call `self._clear_checklist()` when the
    form starts again. Only whether each rule holds is kept, never the password (the rules are
    the core's: `core.accounts.passwords.rule_results`).
    """

    checklist: list[RuleCheck] = unchecked_rules()

    def _clear_checklist(self) -> None:
        self.checklist = unchecked_rules()

    @rx.event
    def check_new_password(self, value: str):
        self.checklist = [RuleCheck(rule.label, ok) for rule, ok in rule_results(value or "")]


def alert_box(*children) -> rx.Component:
    return rx.box(*children, role="alert", width="100%", padding="0.75rem 1rem", border_radius="8px",
                  background="var(--red-3)", color="var(--red-11)", border="1px solid var(--red-6)",
                  font_size="0.95rem")


def error_message(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", alert_box(message))


def field_error(errors: rx.Var, name: str) -> rx.Component:
    """The message next to a field (`errors`: a dict Var, field name -> French sentence)."""
    return rx.cond(
        errors.contains(name),
        rx.text(errors[name], id=f"erreur-{name}", class_name="erreur-champ", size="2",
                color="var(--red-11)", weight="medium"),
    )


def form_field(label: str, name: str, input_type: str, autocomplete: str, errors: rx.Var | None = None,
               required: bool = True, **props) -> rx.Component:
    field_id = f"champ-{name}"
    parts = [
        rx.el.label(label, html_for=field_id, font_weight="bold"),
        rx.input(id=field_id, name=name, type=input_type, auto_complete=autocomplete, required=required,
                 size="3", width="100%", **props),
    ]
    if errors is not None:
        parts.append(field_error(errors, name))
    return rx.vstack(*parts, spacing="1", width="100%")


def submit_button(label: str) -> rx.Component:
    return rx.button(label, type="submit", size="3", width="100%")


def rule_item(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.cond(item["ok"], rx.text("✓ ", as_="span", color="green", aria_hidden="true"),
                rx.text("✗ ", as_="span", color="var(--red-11)", aria_hidden="true")),
        rx.text(item["label"], as_="span"),
        rx.cond(item["ok"], rx.text(" (respecté)", as_="span", class_name="sr-only"),
                rx.text(" (pas encore)", as_="span", class_name="sr-only")),
        class_name=rx.cond(item["ok"], "regle regle-ok", "regle"),
        list_style_type="none",
    )


def password_checklist(checklist: rx.Var, list_id: str = "regles-mot-de-passe") -> rx.Component:
    """The checklist of `PasswordChecklist` (give the input `aria_describedby=list_id`)."""
    return rx.el.ul(rx.foreach(checklist, rule_item), id=list_id, aria_live="polite", padding_left="0",
                    margin="0")
