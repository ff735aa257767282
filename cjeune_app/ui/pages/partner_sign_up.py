"""/connexion/partenaire/inscription: a structure signs up (SIRET checked), then confirms its
e-mail and waits for an agent's validation. Errors are shown next to their field and what was
typed stays in place."""

from __future__ import annotations

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.youths import SIGN_UP_ANSWER
from cjeune_app.core.enums import CATEGORY_LABELS, PARTNER_KIND_LABELS, Category
from cjeune_app.core.partners.validation import PartnerSignUp
from cjeune_app.core.territory import all_communes
from cjeune_app.core.use_cases import partners
from cjeune_app.ui.components.forms import (
    PasswordChecklist,
    field_error,
    form_field,
    password_checklist,
    submit_button,
)
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.password_work import hashing_thread


def _communes() -> list[tuple[str, str]]:
    return sorted(((c.insee_code, c.name) for c in all_communes()), key=lambda item: item[1])


def _sign_up(form: PartnerSignUp) -> dict[str, str]:
    try:
        partners.sign_up_partner(form)
    except FormErrors as errors:
        return errors.fields
    return {}


class PartnerSignUpState(PasswordChecklist, rx.State):
    field_errors: dict[str, str] = {}
    done: bool = False

    @rx.event
    def reset_form(self):
        self.field_errors, self.done = {}, False
        self._clear_checklist()

    @rx.event(background=True)
    async def submit(self, form: dict[str, str]):
        # The password is hashed with argon2 (10 ms of a core, more under load) outside the state's lock.
        if form.get("password", "") != form.get("confirm_password", ""):
            async with self:
                self.field_errors = {"confirm_password": "Les deux saisies du mot de passe ne sont pas identiques."}
            return
        categories = [c.value for c in Category if form.get(f"categorie_{c.value}")]
        field_errors = await hashing_thread(_sign_up, PartnerSignUp(
            name=form.get("name", ""), kind=form.get("kind", ""), siret=form.get("siret", ""),
            address=form.get("address", ""), postal_code=form.get("postal_code", ""),
            commune_insee=form.get("commune_insee", ""), categories=categories,
            contact_email=form.get("contact_email", ""), password=form.get("password", ""),
            phone=form.get("phone", ""),
        ))
        async with self:
            self.field_errors, self.done = field_errors, not field_errors


def _select(label: str, name: str, options: list[tuple[str, str]], placeholder: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"champ-{name}", font_weight="bold"),
        rx.el.select(
            rx.el.option(placeholder, value=""),
            *[rx.el.option(text, value=value) for value, text in options],
            id=f"champ-{name}", name=name, required=True, class_name="champ-liste",
        ),
        field_error(PartnerSignUpState.field_errors, name),
        spacing="1", width="100%",
    )


def _categories() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend("Catégories d'activité", font_weight="bold"),
        *[
            rx.el.label(
                rx.el.input(type="checkbox", name=f"categorie_{category.value}", id=f"categorie-{category.value}"),
                f" {label}", display="block", padding_y="0.25rem",
            )
            for category, label in CATEGORY_LABELS.items()
        ],
        field_error(PartnerSignUpState.field_errors, "categories"),
        border="none", padding="0", margin="0", width="100%",
    )


def _form() -> rx.Component:
    errors = PartnerSignUpState.field_errors
    return rx.form(
        rx.vstack(
            form_field("Nom de la structure", "name", "text", "organization", errors),
            _select("Type de structure", "kind", [(k.value, v) for k, v in PARTNER_KIND_LABELS.items()],
                    "Choisissez…"),
            form_field("Numéro SIRET (14 chiffres)", "siret", "text", "off", errors, input_mode="numeric"),
            form_field("Adresse", "address", "text", "street-address", errors),
            form_field("Code postal", "postal_code", "text", "postal-code", errors, input_mode="numeric"),
            _select("Commune", "commune_insee", _communes(), "Choisissez la commune…"),
            _categories(),
            form_field("Téléphone (facultatif)", "phone", "tel", "tel", errors, required=False),
            form_field("Adresse e-mail de contact", "contact_email", "email", "email", errors),
            form_field("Mot de passe", "password", "password", "new-password", errors,
                       on_change=PartnerSignUpState.check_new_password.debounce(100),
                       aria_describedby="regles-mot-de-passe"),
            password_checklist(PartnerSignUpState.checklist),
            form_field("Confirmez le mot de passe", "confirm_password", "password", "new-password", errors),
            rx.cond(errors.length() > 0,
                    rx.text("Le formulaire contient des erreurs : corrigez les champs signalés.", role="alert",
                            color="var(--red-11)", weight="bold")),
            submit_button("Créer le compte de la structure"),
            spacing="4", width="100%",
        ),
        on_submit=PartnerSignUpState.submit,
        reset_on_submit=False,
        width="100%",
    )


def partner_sign_up_page() -> rx.Component:
    return page_layout(
        rx.link("← Connexion partenaire", href=routes.PARTNER_SIGN_IN, size="2"),
        page_title("Devenir partenaire",
                   "Inscrivez votre structure pour accepter la carte CJeune de Provence."),
        rx.card(
            rx.cond(PartnerSignUpState.done, rx.text(SIGN_UP_ANSWER, role="status", id="inscription-envoyee"),
                    _form()),
            width="100%", padding="1.25rem",
        ),
        width="36rem",
    )
