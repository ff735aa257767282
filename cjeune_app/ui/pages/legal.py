"""Mentions légales, politique de confidentialité, conditions d'utilisation, contact."""

from __future__ import annotations

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.site import (
    ASSISTANCE_EMAIL,
    ASSISTANCE_PHONE,
    ASSISTANCE_PHONE_URI,
    PUBLISHER,
    PUBLISHER_ADDRESS,
)
from cjeune_app.ui.amounts import AmountsState
from cjeune_app.ui.components.layout import page_layout, page_title


def _section(title: str, *paragraphs: str) -> rx.Component:
    return rx.el.section(
        rx.heading(title, as_="h2", size="5", margin_bottom="0.5rem"),
        *[rx.text(p, size="3", margin_bottom="0.5rem") for p in paragraphs],
        margin_bottom="1.5rem",
    )


def legal_notice_page() -> rx.Component:
    return page_layout(
        page_title("Mentions légales"),
        _section("Éditeur du site",
                 f"Le site CJeune de Provence est édité par le {PUBLISHER}, {PUBLISHER_ADDRESS}.",
                 "Directeur de la publication : le Président du Conseil départemental des Bouches-du-Rhône."),
        _section("Objet",
                 "Ce site permet d'inscrire les collégiens au dispositif de la carte CJeune de Provence, "
                 "de consulter les soldes de la carte, de trouver les structures partenaires et leurs "
                 "bons plans, et aux partenaires d'encaisser les paiements réalisés avec la carte."),
        _section("Hébergement",
                 "Le site est hébergé pour le compte du Département sur des serveurs situés en France."),
        _section("Propriété intellectuelle",
                 "Les textes, logos et visuels du site appartiennent au Département ou à ses partenaires. "
                 "Toute reproduction sans autorisation est interdite."),
        _section("Nous contacter",
                 f"Assistance : {ASSISTANCE_PHONE} — {ASSISTANCE_EMAIL}."),
    )


def privacy_page() -> rx.Component:
    return page_layout(
        page_title("Politique de confidentialité",
                   "Comment le Département protège vos données et celles de votre enfant"),
        _section("Responsable du traitement",
                 f"Le {PUBLISHER} est responsable du traitement des données collectées sur ce site."),
        _section("Données collectées et finalités",
                 "Pour attribuer la carte et gérer la consommation des crédits, le Département "
                 "enregistre l'identité de l'enfant transmise par son établissement (nom, prénom, date "
                 "de naissance, établissement, classe), l'identité et les coordonnées du responsable "
                 "légal, la photo d'identité de l'enfant et l'historique d'utilisation de la carte.",
                 "L'adresse e-mail et le numéro de mobile ne servent à vous informer des bons plans ou "
                 "des actions jeunesse du Département que si vous avez coché les cases correspondantes. "
                 "Vous pouvez retirer ce consentement à tout moment."),
        _section("Photo d'identité",
                 "La photo est recadrée, débarrassée de toutes ses métadonnées (dont la position GPS) et "
                 "conservée hors de tout espace public. Seuls l'enfant, son responsable légal et les "
                 "agents habilités du Département peuvent la voir."),
        _section("Destinataires",
                 "Les agents habilités du Département et, pour la gestion des comptes Eduprovence, les "
                 "établissements scolaires. Les partenaires ne voient que le prénom de l'enfant lors "
                 "d'un paiement, jamais son solde ni ses coordonnées."),
        _section("Durée de conservation",
                 "Les données sont conservées pendant la durée de la scolarité au collège puis, pour "
                 "les comptes « Jeune », jusqu'aux 26 ans, et archivées ensuite pour la durée "
                 "légale de justification des dépenses publiques."),
        _section("Vos droits",
                 "Vous disposez d'un droit d'accès, de rectification, d'effacement, de limitation et "
                 "d'opposition. Pour les exercer, écrivez à " + ASSISTANCE_EMAIL + ". Vous pouvez aussi "
                 "adresser une réclamation à la CNIL."),
    )


def terms_page() -> rx.Component:
    return page_layout(
        page_title("Conditions d'utilisation"),
        _section("Bénéficiaires",
                 "La carte CJeune de Provence s'adresse uniquement aux collégiens domiciliés et "
                 "scolarisés dans le département des Bouches-du-Rhône. Le formulaire d'inscription est "
                 "rempli et validé par le responsable légal, qui s'engage sur l'exactitude des informations."),
        rx.el.section(
            rx.heading("Crédits", as_="h2", size="5", margin_bottom="0.5rem"),
            rx.text("Chaque saison (du 1er septembre au 31 août), la carte est créditée de ",
                    AmountsState.sport_culture, " Sport & Culture et de ", AmountsState.soutien_scolaire,
                    " Soutien scolaire, une seule fois par jeune, après l'inscription complète et "
                    "l'association de la carte. Les crédits non utilisés à la fin de la saison sont perdus. "
                    "Ils ne peuvent être ni échangés contre de l'argent ni transférés.",
                    size="3", margin_bottom="0.5rem"),
            margin_bottom="1.5rem",
        ),
        _section("Paiements chez les partenaires",
                 "Le partenaire débite l'enveloppe qui correspond à son activité. En cas d'annulation "
                 "d'un paiement, la carte du bénéficiaire est re-créditée de la somme correspondante."),
        _section("Perte ou vol",
                 "Une carte activée peut être déclarée perdue ou volée depuis le tableau de bord ou "
                 "auprès de l'assistance : elle est bloquée immédiatement. La nouvelle carte reprend le "
                 "solde restant."),
    )


def contact_page() -> rx.Component:
    return page_layout(
        page_title("Contact", "L'assistance CJeune de Provence répond aux familles, aux jeunes et aux partenaires."),
        rx.vstack(
            rx.card(
                rx.vstack(
                    rx.heading("Par téléphone", as_="h2", size="4"),
                    rx.link(ASSISTANCE_PHONE, href=ASSISTANCE_PHONE_URI, size="5", weight="bold"),
                    spacing="1",
                ),
                width="100%",
            ),
            rx.card(
                rx.vstack(
                    rx.heading("Par e-mail", as_="h2", size="4"),
                    rx.link(ASSISTANCE_EMAIL, href=f"mailto:{ASSISTANCE_EMAIL}", size="4", weight="bold"),
                    spacing="1",
                ),
                width="100%",
            ),
            rx.text("Pour un mot de passe Eduprovence oublié, adressez-vous d'abord à l'établissement "
                    "de votre enfant : voyez la ", rx.link("FAQ", href=routes.FAQ, underline="always"), ".", size="3"),
            spacing="3",
        ),
    )
