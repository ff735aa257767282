"""The postal address as the stepper's "Coordonnées" step asks it, shared by every page that asks it
(the stepper, "Mon compte"): street with the national address API's suggestions, complement, postal
code, town picked from the communes of the 13. The rules and the API client are core's
(`core.use_cases.enrollment`: address_suggestions, towns_for_postal_code, towns_matching).

Mix `AddressFields` into the page's state (it must also have `errors: dict[str, str]`), fill it with
`_show_address(...)`, read it back with `_address_values()`, and draw `address_fields(State)`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from cjeune_app.core.enrollment.validation import field_label, is_required
from cjeune_app.core.use_cases import enrollment as use_case
from cjeune_app.ui import browser
from cjeune_app.ui.components.forms import field_error, form_field


@dataclasses.dataclass
class TownRow:
    insee: str = ""
    name: str = ""
    label: str = ""
    postal_code: str = ""


@dataclasses.dataclass
class AddressRow:
    label: str = ""
    street: str = ""
    postal_code: str = ""
    insee: str = ""
    city: str = ""


ADDRESS_TEXT_FIELDS = ("address_line", "address_complement", "postal_code", "commune_name")
ADDRESS_ERROR_KEYS = ("address_line", "address_complement", "postal_code", "commune_insee")


class AddressFields(rx.State, mixin=True):
    address_line: str = ""
    address_complement: str = ""
    postal_code: str = ""
    commune_name: str = ""
    commune_insee: str = ""
    commune_options: list[TownRow] = []
    address_options: list[AddressRow] = []
    _address_query: int = 0  # the latest address lookup; older answers are dropped

    def _show_address(self, line: str, complement: str, postal_code: str, insee: str, name: str) -> None:
        self.address_line, self.address_complement, self.postal_code = line, complement, postal_code
        self.commune_insee, self.commune_name = insee, name
        self.commune_options, self.address_options = [], []

    def _address_values(self, form: dict[str, Any] | None = None) -> dict[str, Any]:
        # The form's own values win over a change still on its way from a field.
        for name in ADDRESS_TEXT_FIELDS:
            if form and name in form:
                if name == "commune_name" and (form[name] or "") != self.commune_name:
                    self.commune_insee = ""  # a town typed over the one picked: decided by its name
                setattr(self, name, form[name] or "")
        return {"address_line": self.address_line, "address_complement": self.address_complement,
                "postal_code": self.postal_code, "commune_insee": self.commune_insee,
                "commune_name": self.commune_name}

    def _clear_address_errors(self, *keys: str) -> None:
        self.errors = {k: v for k, v in self.errors.items() if k not in keys}  # type: ignore[has-type]

    @rx.event
    def set_address_text(self, name: str, value: str) -> None:
        if name in ADDRESS_TEXT_FIELDS:
            setattr(self, name, value or "")

    @rx.event
    def postal_code_typed(self, value: str) -> None:
        self.postal_code = value or ""
        self.commune_options = [TownRow(**dataclasses.asdict(o)) for o in use_case.towns_for_postal_code(value)]
        if len(self.commune_options) == 1:
            self._pick(self.commune_options[0])
            self.commune_options = []

    @rx.event
    def commune_typed(self, value: str) -> None:
        self.commune_name, self.commune_insee = value or "", ""
        self.commune_options = [TownRow(**dataclasses.asdict(o))
                                for o in use_case.towns_matching(value, self.postal_code)]

    def _pick(self, option: TownRow) -> None:
        self.commune_name, self.commune_insee = option.name, option.insee
        if option.postal_code:
            self.postal_code = option.postal_code
        self._clear_address_errors("commune_insee", "postal_code")

    @rx.event
    def choose_commune(self, insee: str) -> Any:
        option = next((o for o in self.commune_options if o.insee == insee), None)
        if option:
            self._pick(option)
        self.commune_options = []
        return browser.focus("champ-commune_name", center=False)

    @rx.event(background=True)
    async def address_typed(self, value: str) -> None:
        async with self:
            self.address_line = value or ""
            self._address_query += 1
            query, postal_code, town_chosen = self._address_query, self.postal_code, bool(self.commune_insee)
        found = await use_case.address_suggestions(value, postal_code, town_chosen)
        async with self:
            if query == self._address_query:
                self.address_options = [AddressRow(**dataclasses.asdict(o)) for o in found]

    @rx.event
    def choose_address(self, index: int) -> Any:
        if not 0 <= index < len(self.address_options):
            return None
        chosen = self.address_options[index]
        if chosen.street:
            self.address_line = chosen.street
        if chosen.postal_code:
            self.postal_code = chosen.postal_code
        self.commune_name, self.commune_insee = chosen.city, chosen.insee
        self.address_options, self.commune_options = [], []
        self._clear_address_errors("address_line", "postal_code", "commune_insee")
        return browser.focus("champ-address_line", center=False)


def suggestion_list(options: rx.Var, list_id: str, label: str, on_pick, text_key: str) -> rx.Component:
    """Suggestions under a field, each a button big enough for a thumb."""
    return rx.cond(
        options.length() > 0,
        rx.vstack(
            rx.text(label, size="2", weight="bold", id=f"{list_id}-titre"),
            rx.el.ul(
                rx.foreach(
                    options,
                    lambda option, index: rx.el.li(
                        rx.button(getattr(option, text_key), type="button", variant="soft", size="3", width="100%",
                                  on_click=on_pick(option, index), class_name="suggestion",
                                  white_space="normal", height="auto", min_height="44px",
                                  justify_content="flex-start", text_align="left"),
                    ),
                ),
                id=list_id, aria_labelledby=f"{list_id}-titre", class_name="suggestions",
            ),
            spacing="1", width="100%",
        ),
    )


def _field(state: Any, name: str, autocomplete: str, *, on_change, hint: str | None = None,
           label_key: str | None = None, **props) -> rx.Component:
    key = label_key or name
    errors = state.errors
    hint_id = f"aide-{name}" if hint else None
    described = f"erreur-{key}" if not hint_id else f"{hint_id} erreur-{key}"
    parts = [form_field(
        field_label(key), name, "text", autocomplete, None, required=is_required(key), value=getattr(state, name),
        on_change=on_change, aria_invalid=rx.cond(errors.contains(key), "true", "false"),
        aria_describedby=rx.cond(errors.contains(key), described, hint_id or ""), **props,
    )]
    if hint:
        parts.append(rx.text(hint, id=hint_id, size="2", color="var(--gray-11)"))
    parts.append(field_error(errors, key))
    return rx.vstack(*parts, spacing="1", width="100%")


def address_fields(state: Any) -> rx.Component:
    """The four fields and their suggestion lists, with the stepper's labels, hints and ids."""
    return rx.vstack(
        _field(state, "address_line", "address-line1", on_change=state.address_typed,
               hint="Numéro et nom de la voie. Choisissez votre adresse dans les propositions qui s'affichent."),
        suggestion_list(state.address_options, "adresses-proposees", "Adresses proposées :",
                        lambda option, index: state.choose_address(index), "label"),
        _field(state, "address_complement", "address-line2", hint="Bâtiment, appartement, lieu-dit… (facultatif)",
               on_change=lambda value: state.set_address_text("address_complement", value)),
        _field(state, "postal_code", "postal-code", on_change=state.postal_code_typed, input_mode="numeric",
               max_length=5, pattern="[0-9]*"),
        _field(state, "commune_name", "address-level2", on_change=state.commune_typed, label_key="commune_insee",
               hint="Tapez le début du nom puis choisissez votre ville."),
        suggestion_list(state.commune_options, "villes-proposees", "Villes proposées :",
                        lambda option, index: state.choose_commune(option.insee), "label"),
        spacing="3", width="100%",
    )


def town_field(state: Any) -> rx.Component:
    """The town alone (a Jeune's commune), with its suggestions."""
    return rx.vstack(
        _field(state, "commune_name", "address-level2", on_change=state.commune_typed, label_key="commune_insee",
               hint="Tapez le début du nom puis choisissez votre commune."),
        suggestion_list(state.commune_options, "villes-proposees", "Villes proposées :",
                        lambda option, index: state.choose_commune(option.insee), "label"),
        spacing="3", width="100%",
    )
