"""The pieces of /inscription: fields, the step indicator, each step and the screens around them."""

from __future__ import annotations

import re

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.parents import ParentMail
from cjeune_app.core.enrollment.models import PHOTO_STEP, STEP_COUNT
from cjeune_app.core.enrollment.validation import MOBILE_EXAMPLE, field_label, is_required
from cjeune_app.core.enrollment.wording import (
    ATTESTATION_LABEL,
    OPTIN_EMAIL_LABEL,
    OPTIN_SMS_LABEL,
    PHOTO_INVITE,
    PRIVACY_LINK_TEXT,
    PRIVACY_NOTICE,
    REQUIRED_NOTE,
    STEP_TITLES,
    SUCCESS_MESSAGE,
    SUCCESS_TITLE,
    WELCOME_PARAGRAPHS,
    WELCOME_TITLE,
)
from cjeune_app.ui.components.address_fields import suggestion_list
from cjeune_app.ui.components.forms import alert_box, field_error, form_field
from cjeune_app.ui.components.photo_editor import photo_editor
from cjeune_app.ui.pages.enrollment_state import DONE, FORM, SHOWN_STEP, WELCOME, EnrollmentState
from cjeune_app.ui.state import SessionState
from cjeune_app.ui.theme import BRAND_BLUE


def _field_props(name: str, error_key: str | None = None, hint_id: str | None = None) -> dict:
    key = error_key or name
    errors = EnrollmentState.errors
    described = f"erreur-{key}" if not hint_id else f"{hint_id} erreur-{key}"
    return {
        "aria_invalid": rx.cond(errors.contains(key), "true", "false"),
        "aria_describedby": rx.cond(errors.contains(key), described, hint_id or ""),
    }


def text_field(name: str, input_type: str, autocomplete: str, *, on_change=None, hint: str | None = None,
               label_key: str | None = None, **props) -> rx.Component:
    """A labelled field of the stepper, its error underneath; `label_key` when the error and the
    label belong to another name (the town: typed as a name, checked as an INSEE code)."""
    key = label_key or name
    hint_id = f"aide-{name}" if hint else None
    field = form_field(
        field_label(key), name, input_type, autocomplete, None, required=is_required(key),
        value=getattr(EnrollmentState, name),
        on_change=on_change or (lambda value: EnrollmentState.set_text(name, value)),
        **_field_props(name, key, hint_id), **props,
    )
    parts = [field]
    if hint:
        parts.append(rx.text(hint, id=hint_id, size="2", color="var(--gray-11)"))
    parts.append(field_error(EnrollmentState.errors, key))
    return rx.vstack(*parts, spacing="1", width="100%")


def checkbox_field(name: str, label: str) -> rx.Component:
    return rx.vstack(
        rx.checkbox(
            label, id=f"champ-{name}", name=name, checked=getattr(EnrollmentState, name),
            on_change=lambda value: EnrollmentState.set_check(name, value), size="3",
            required=name == "attested", **_field_props(name),
        ),
        field_error(EnrollmentState.errors, name),
        spacing="1", width="100%",
    )


def _read_only(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.el.dt(label, font_weight="bold", font_size="0.9rem", color="var(--gray-11)"),
        rx.el.dd(value, margin="0", font_size="1.05rem"),
        spacing="0", width="100%",
    )


def step_indicator() -> rx.Component:
    """"1. Informations > 2. Coordonnées > …": the current step marked, done ones ticked."""
    def item(number: int) -> rx.Component:
        current = EnrollmentState.step == number
        passed = (EnrollmentState.step > number) | (EnrollmentState.screen == DONE)
        # The photo step may be passed without a photo: it stays "à faire", never ticked.
        skipped = passed & EnrollmentState.photo_missing if number == PHOTO_STEP else rx.Var.create(False)
        done = passed & ~skipped
        return rx.el.li(
            rx.cond(done, rx.text("✓ ", as_="span", aria_hidden="true")),
            f"{number}. {STEP_TITLES[number]}",
            rx.cond(done, rx.text(" (fait)", as_="span", class_name="sr-only")),
            rx.cond(skipped, rx.text(" (à faire)", as_="span", class_name="etape-a-faire")),
            aria_current=rx.cond(current & (EnrollmentState.screen == FORM), "step", "false"),
            class_name=rx.cond(current & (EnrollmentState.screen == FORM), "etape etape-en-cours",
                               rx.cond(done, "etape etape-faite", "etape")),
        )

    return rx.el.nav(
        rx.el.ol(*[item(n) for n in range(1, STEP_COUNT + 1)], class_name="etapes"),
        aria_label="Étapes de l'inscription",
    )


def progress_header() -> rx.Component:
    in_form = EnrollmentState.screen == FORM
    return rx.vstack(
        step_indicator(),
        rx.cond(
            in_form,
            rx.hstack(
                rx.text(f"Étape {EnrollmentState.step} sur {STEP_COUNT}", weight="bold", id="etape-courante"),
                justify="between", width="100%",
            ),
        ),
        rx.progress(value=rx.cond(in_form, EnrollmentState.step * 100 // STEP_COUNT,
                                  rx.cond(EnrollmentState.screen == WELCOME, 0, 100)),
                    max=100, size="3", aria_label="Progression de l'inscription", width="100%"),
        spacing="2", width="100%", class_name="progression",
    )


def nav_buttons() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button("Précédent", type="button", variant="outline", size="3", flex="1",
                      on_click=EnrollmentState.previous_step),
            rx.button(rx.cond(EnrollmentState.step == STEP_COUNT, "Terminer", "Suivant"), type="submit",
                      size="3", flex="1",
                      id="bouton-suivant"),
            spacing="3", width="100%",
        ),
        rx.text(REQUIRED_NOTE, size="2", color="var(--gray-11)"),
        spacing="3", width="100%", padding_top="0.5rem",
    )


def error_summary() -> rx.Component:
    return rx.cond(
        EnrollmentState.errors.length() > 0,
        alert_box("Certains champs sont à corriger : les explications sont sous chaque champ concerné."),
    )


def step_heading(number: int) -> rx.Component:
    return rx.heading(f"{number}. {STEP_TITLES[number]}", as_="h2", size="5", id="titre-etape",
                      tab_index=-1, color=BRAND_BLUE)


def step_one() -> rx.Component:
    child = EnrollmentState.child
    return rx.vstack(
        step_heading(1),
        rx.heading("L'enfant", as_="h3", size="3"),
        rx.el.dl(
            _read_only("Nom", child.last_name),
            _read_only("Prénom", child.first_name),
            _read_only("Date de naissance", child.birth_date),
            _read_only("Établissement", child.establishment),
            _read_only("Classe", child.class_name),
            class_name="identite-enfant",
        ),
        rx.text("Ces informations viennent de l'établissement scolaire. Une erreur ? Signalez-la au "
                "secrétariat du collège.", size="2", color="var(--gray-11)"),
        rx.heading("Le représentant légal", as_="h3", size="3", padding_top="0.5rem"),
        text_field("guardian_last_name", "text", "family-name", auto_capitalize="words"),
        text_field("guardian_first_name", "text", "given-name", auto_capitalize="words"),
        spacing="3", width="100%",
    )


def step_two() -> rx.Component:
    return rx.vstack(
        step_heading(2),
        text_field("address_line", "text", "address-line1",
                   on_change=EnrollmentState.address_typed,
                   hint="Numéro et nom de la voie. Choisissez votre adresse dans les propositions qui "
                        "s'affichent."),
        suggestion_list(EnrollmentState.address_options, "adresses-proposees", "Adresses proposées :",
                         lambda option, index: EnrollmentState.choose_address(index), "label"),
        text_field("address_complement", "text", "address-line2",
                   hint="Bâtiment, appartement, lieu-dit… (facultatif)"),
        text_field("postal_code", "text", "postal-code", on_change=EnrollmentState.postal_code_typed,
                   input_mode="numeric", max_length=5, pattern="[0-9]*"),
        text_field("commune_name", "text", "address-level2", on_change=EnrollmentState.commune_typed,
                   label_key="commune_insee", hint="Tapez le début du nom puis choisissez votre ville."),
        suggestion_list(EnrollmentState.commune_options, "villes-proposees", "Villes proposées :",
                         lambda option, index: EnrollmentState.choose_commune(option.insee), "label"),
        text_field("email", "email", "email", auto_capitalize="none", spell_check=False),
        text_field("email_confirmation", "email", "email", auto_capitalize="none", spell_check=False),
        checkbox_field("optin_email", OPTIN_EMAIL_LABEL),
        text_field("mobile", "tel", "tel", hint=f"Facultatif. Mobile français, par exemple {MOBILE_EXAMPLE}.",
                   input_mode="tel"),
        checkbox_field("optin_sms", OPTIN_SMS_LABEL),
        spacing="3", width="100%",
    )


def photo_status() -> rx.Component:
    return rx.vstack(
        rx.cond(
            EnrollmentState.photo_url != "",
            rx.image(src=EnrollmentState.photo_url, alt="Photo d'identité actuelle de l'enfant",
                     width="140px", height="180px", object_fit="cover", border_radius="4px",
                     border="1px solid var(--gray-7)"),
        ),
        rx.text(EnrollmentState.photo_label, weight="bold", id="etat-photo", tab_index=-1,
                class_name=rx.cond(EnrollmentState.photo_rejected, "etat-photo refusee", "etat-photo")),
        rx.cond(EnrollmentState.photo_reason != "",
                rx.text("Motif : ", EnrollmentState.photo_reason, size="2", id="motif-photo")),
        rx.cond(
            EnrollmentState.photo_missing,
            rx.text("Vous pouvez continuer sans photo et l'ajouter plus tard depuis le tableau "
                    "de bord, mais la carte ne pourra pas être créditée tant qu'elle manque.", size="2"),
            rx.cond(
                EnrollmentState.photo_rejected,
                rx.text("Envoyez une nouvelle photo ci-dessous.", size="2"),
                rx.cond(EnrollmentState.is_renewal,
                        rx.text("La photo déjà enregistrée est conservée. Vous pouvez la remplacer ci-dessous.",
                                size="2"),
                        rx.text("Vous pouvez la remplacer ci-dessous.", size="2")),
            ),
        ),
        spacing="2", width="100%", aria_live="polite",
    )


def step_three() -> rx.Component:
    return rx.vstack(
        step_heading(3),
        rx.text(PHOTO_INVITE),
        photo_status(),
        rx.card(
            photo_editor(upload_url=EnrollmentState.upload_url, csrf_token=SessionState.csrf_token,
                         on_uploaded=EnrollmentState.photo_uploaded,
                         on_failed=EnrollmentState.photo_failed, on_pending_change=EnrollmentState.photo_pending),
            width="100%",
        ),
        field_error(EnrollmentState.errors, "photo"),
        spacing="3", width="100%",
    )


def step_four() -> rx.Component:
    return rx.vstack(
        step_heading(4),
        rx.text(PRIVACY_NOTICE, " ",
                rx.link(PRIVACY_LINK_TEXT, rx.text(" (s'ouvre dans un nouvel onglet)", as_="span",
                                                   class_name="sr-only"),
                        href=routes.PRIVACY, underline="always", is_external=True),
                "."),
        checkbox_field("attested", ATTESTATION_LABEL + " *"),
        spacing="4", width="100%",
    )


def stepper_form() -> rx.Component:
    return rx.form(
        rx.el.input(type="hidden", name=SHOWN_STEP, value=EnrollmentState.step.to_string()),
        rx.vstack(
            error_summary(),
            rx.match(
                EnrollmentState.step,
                (1, step_one()),
                (2, step_two()),
                (3, step_three()),
                step_four(),
            ),
            nav_buttons(),
            spacing="4", width="100%",
        ),
        on_submit=EnrollmentState.next_step,
        reset_on_submit=False,
        width="100%",
        no_validate=True,
    )


def welcome_paragraph(template: str) -> rx.Component:
    """A paragraph of the "Bienvenue" screen, its {previous_season} and {advantages} filled in by the
    browser from the state's vars (the sentences themselves are not sent, nor saved, with the state)."""
    parts = re.split(r"\{(previous_season|advantages)\}", template)
    # re.split keeps the names captured at the odd indexes: the vars go there.
    return rx.text(*[getattr(EnrollmentState, part) if index % 2 else part
                     for index, part in enumerate(parts) if part])


def welcome() -> rx.Component:
    return rx.vstack(
        rx.heading(WELCOME_TITLE, as_="h2", size="6", id="titre-bienvenue", tab_index=-1, color=BRAND_BLUE),
        rx.cond(EnrollmentState.is_renewal,
                rx.callout("Renouvellement : le formulaire reprend les réponses de l'an dernier. "
                           "Vérifiez-les, corrigez ce qui a changé, puis validez.", icon="info", width="100%")),
        *[welcome_paragraph(template) for template in WELCOME_PARAGRAPHS],
        rx.button("Suivant", size="3", width="100%", on_click=EnrollmentState.start, id="commencer"),
        spacing="4", width="100%",
    )


def done() -> rx.Component:
    return rx.vstack(
        rx.heading(SUCCESS_TITLE, as_="h2", size="7", id="fin-inscription", tab_index=-1, color=BRAND_BLUE),
        rx.text(SUCCESS_MESSAGE, size="4", weight="medium"),
        rx.text("Il reste à associer la carte CJeune de Provence au compte, depuis le tableau de bord, "
                "pour créditer les ", EnrollmentState.advantages, " d'avantages."),
        rx.match(
            EnrollmentState.sent_mail,
            (str(ParentMail.ACTIVATION),
             rx.text("Un e-mail a été envoyé à ", rx.el.strong(EnrollmentState.sent_to),
                     " avec le lien pour créer le mot de passe du nouveau compte Parent (pensez à regarder "
                     "dans les courriers indésirables).", id="e-mail-envoye")),
            (str(ParentMail.CHILD_LINKED),
             rx.text("Un e-mail a été envoyé à ", rx.el.strong(EnrollmentState.sent_to),
                     " : « un enfant a été ajouté à votre compte » Parent. Connectez-vous avec cette adresse "
                     "pour suivre ses avantages.", id="e-mail-envoye")),
            rx.text("Aucun nouvel e-mail : l'enfant est déjà rattaché au compte Parent ",
                    rx.el.strong(EnrollmentState.sent_to), ".", id="e-mail-envoye"),
        ),
        rx.cond(EnrollmentState.photo_missing,
                rx.text("Pensez aussi à ajouter la photo d'identité depuis le tableau de bord.", weight="bold")),
        rx.link(rx.button("Aller au tableau de bord", size="3", width="100%"), href=routes.DASHBOARD, width="100%"),
        spacing="4", width="100%", role="status",
    )


def already_done() -> rx.Component:
    return rx.vstack(
        rx.heading("Inscription complète", as_="h2", size="6", color=BRAND_BLUE),
        rx.text("L'inscription pour l'année ", EnrollmentState.season_code, " est enregistrée depuis le ",
                EnrollmentState.completed_on, "."),
        rx.link("Changer la photo d'identité", href=routes.PHOTO, underline="always"),
        rx.link(rx.button("Aller au tableau de bord", size="3", width="100%"), href=routes.DASHBOARD, width="100%"),
        spacing="4", width="100%",
    )


def choose_child() -> rx.Component:
    return rx.vstack(
        rx.heading("Pour quel enfant ?", as_="h2", size="5"),
        rx.el.ul(rx.foreach(
            EnrollmentState.children_choice,
            lambda c: rx.el.li(rx.link(c.name, href=f"{routes.ENROLLMENT}?enfant=" + c.pupil_id, size="4")),
        )),
        spacing="3", width="100%",
    )


