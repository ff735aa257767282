"""Accueil: what the card is, who is eligible, how to enroll step by step, how to get identifiers."""

from __future__ import annotations

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE
from cjeune_app.ui.amounts import AmountsState
from cjeune_app.ui.components.app_shell import install_button
from cjeune_app.ui.components.layout import page_layout
from cjeune_app.ui.theme import BRAND_BLUE, BRAND_ORANGE


def _amount_card(amount: rx.Var | str, label: str, detail: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(amount, font_size="2.25rem", font_weight="900", color=BRAND_ORANGE, line_height="1"),
            rx.text(label, weight="bold", size="3", text_transform="uppercase"),
            rx.text(detail, size="2"),
            spacing="1",
        ),
        width="100%",
    )


def _step(number: int, title: str, text: str | rx.Component) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.center(
                rx.text(str(number), weight="bold", color="white"),
                background=BRAND_BLUE,
                border_radius="50%",
                min_width="2rem",
                height="2rem",
                aria_hidden="true",
            ),
            rx.vstack(
                rx.heading(title, as_="h3", size="3"),
                rx.text(text, size="2"),
                spacing="1",
            ),
            align="start",
            spacing="3",
        ),
        list_style_type="none",
        margin_bottom="1rem",
    )


def _identifier_row(school: str, how: str) -> rx.Component:
    return rx.box(
        rx.text(school, weight="bold", size="2"),
        rx.text(how, size="2"),
        padding_y="0.5rem",
        border_bottom="1px solid var(--gray-5)",
    )


def hero() -> rx.Component:
    return rx.vstack(
        rx.text("Le Département s'engage pour ses jeunes", weight="bold", size="2",
                text_transform="uppercase", color=BRAND_ORANGE),
        rx.heading(AmountsState.total, " par an pour le sport, la culture et le soutien scolaire",
                   as_="h1", size="8", color=BRAND_BLUE),
        rx.text(
            "La carte CJeune de Provence accompagne chaque collégien des Bouches-du-Rhône : "
            "elle se dépense chez les clubs, associations, cinémas et organismes de soutien "
            "scolaire partenaires, et donne accès à des bons plans jusqu'à 25 ans.",
            size="4",
        ),
        rx.flex(
            rx.link(rx.button("Inscrire mon enfant", size="4", width="100%"), href=routes.SIGN_IN,
                    width=["100%", "auto"]),
            rx.link(rx.button("Trouver un partenaire", size="4", variant="outline", width="100%"),
                    href=routes.PARTNERS_SEARCH, width=["100%", "auto"]),
            install_button("installer-app-accueil"),
            gap="0.75rem",
            direction=rx.breakpoints(initial="column", sm="row"),
            width="100%",
        ),
        spacing="4",
        padding_y="1rem",
    )


def amounts() -> rx.Component:
    return rx.el.section(
        rx.heading("Ce que la carte apporte chaque année", as_="h2", size="6", margin_bottom="0.75rem"),
        rx.grid(
            _amount_card(AmountsState.sport_culture, "Sport & Culture",
                         "Licence sportive, cours de musique, théâtre, cinéma, musées, loisirs…"),
            _amount_card(AmountsState.soutien_scolaire, "Soutien scolaire",
                         "Cours particuliers, stages de révision, aide aux devoirs…"),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="1rem",
        ),
        rx.text("Soit ", AmountsState.total, " par année scolaire, du 1er septembre au 31 août.", size="2",
                margin_top="0.5rem"),
        aria_label="Montants",
        margin_top="1.5rem",
    )


def eligibility() -> rx.Component:
    return rx.el.section(
        rx.heading("Qui peut en bénéficier ?", as_="h2", size="6", margin_bottom="0.5rem"),
        rx.text(
            "Tous les collégiens domiciliés et scolarisés dans le département des "
            "Bouches-du-Rhône : collège public, collège privé sous contrat d'association avec "
            "l'État, ou autre parcours (IME, MFR, lycée professionnel, CNED, IDF) avec des "
            "identifiants Eduprovence.",
            size="3",
        ),
        rx.text(
            "Vous n'êtes plus au collège, vous avez moins de 26 ans et vous habitez le département ? "
            "Créez un compte « Jeune » pour profiter des bons plans.",
            size="3",
            margin_top="0.5rem",
        ),
        margin_top="2rem",
    )


def steps() -> rx.Component:
    return rx.el.section(
        rx.heading("S'inscrire, étape par étape", as_="h2", size="6", margin_bottom="0.75rem"),
        rx.el.ol(
            _step(1, "Munissez-vous des identifiants Eduprovence",
                  "Identifiant du type fernandezj@eduprovence.fr et mot de passe remis par le collège."),
            _step(2, "Connectez-vous en choisissant « Collégien·ne »",
                  "À la première connexion, remplacez le mot de passe temporaire : au moins 8 "
                  "caractères, dont 1 majuscule, 1 minuscule et 1 chiffre."),
            _step(3, "Remplissez l'inscription en 4 étapes",
                  "Le responsable légal complète Informations, Coordonnées, Photo d'identité et "
                  "Mentions légales. Pour un renouvellement, la photo est conservée."),
            _step(4, "Associez la carte",
                  rx.text("Scannez le QR code de la carte ou saisissez son numéro : les ", AmountsState.total,
                          " sont crédités aussitôt.", as_="span")),
            padding="0",
            margin="0",
        ),
        margin_top="2rem",
    )


def identifiers() -> rx.Component:
    return rx.el.section(
        rx.heading("Obtenir les identifiants Eduprovence", as_="h2", size="6", margin_bottom="0.5rem"),
        rx.text("Ce ne sont pas les identifiants Pronote. Ils servent pendant toute la scolarité "
                "au collège.", size="2", margin_bottom="0.5rem"),
        _identifier_row("Collège public ou privé",
                        "Remis par le collège en 6e, ou peu après la rentrée."),
        _identifier_row("MFR", "Remis par l'établissement à la rentrée."),
        _identifier_row("Établissement médico-éducatif (IME, ITEP…)",
                        "Demandez d'abord à l'établissement, sinon à l'assistance."),
        _identifier_row("CNED, IDF, lycée professionnel, autre",
                        f"Contactez l'assistance au {ASSISTANCE_PHONE} ou à {ASSISTANCE_EMAIL}."),
        rx.link("Toutes les réponses dans la FAQ", href=routes.FAQ, margin_top="0.75rem", weight="bold"),
        margin_top="2rem",
    )


def home_page() -> rx.Component:
    return page_layout(hero(), amounts(), eligibility(), steps(), identifiers())
