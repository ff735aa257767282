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
                 "les comptes « Jeune », jusqu'aux 26 ans, et archivées ensuite pour la durée "
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


def _list(*items: str) -> rx.Component:
    return rx.el.ul(*[rx.el.li(rx.text(item, size="3")) for item in items], class_name="liste-declaration",
                    margin_bottom="1.5rem")


def accessibility_page() -> rx.Component:
    """Déclaration d'accessibilité (RGAA 4.1), as French law asks of a public service's site."""
    return page_layout(
        page_title("Déclaration d'accessibilité",
                   "Le Département s'engage à rendre ses services numériques accessibles à tous."),
        _section("État de conformité",
                 "Le site CJeune de Provence est partiellement conforme au référentiel général "
                 "d'amélioration de l'accessibilité (RGAA 4.1) : aucun audit complet par un organisme "
                 "indépendant n'a encore été réalisé ; les non-conformités connues sont listées ci-dessous."),
        _section("Ce qui a été testé, et comment",
                 "Chaque page est contrôlée automatiquement à chaque modification du site, dans un vrai "
                 "navigateur (Chromium) à la taille d'un téléphone (390 × 844), avec axe-core (règles WCAG 2.1 "
                 "A et AA) : aucune erreur grave n'est acceptée.",
                 "Les parcours principaux (connexion, inscription pas à pas, photo d'identité, tableau de bord "
                 "et « Ma carte », recherche de partenaires, encaissement) ont été faits au clavier seul : "
                 "lien d'évitement « Aller au contenu », focus toujours visible, erreurs de formulaire reliées "
                 "à leur champ et annoncées, un seul titre de niveau 1 par page.",
                 "Les contrastes des couleurs de la charte ont été mesurés (bleu du Département 10:1, orange des "
                 "montants 5,3:1 sur fond blanc)."),
        rx.el.section(
            rx.heading("Ce qui n'est pas encore accessible", as_="h2", size="5", margin_bottom="0.5rem"),
            _list(
                "La carte des partenaires (fonds OpenStreetMap) n'est pas utilisable au clavier : la liste des "
                "résultats, sous la carte, donne les mêmes informations.",
                "Le cadrage de la photo d'identité se fait au doigt ou à la souris ; le curseur de zoom est "
                "utilisable au clavier, et la photo peut aussi être envoyée sans cadrage.",
                "La lecture du QR code par la caméra (encaissement) demande de voir l'écran ; le numéro de la "
                "carte peut toujours être saisi au clavier.",
                "Aucun test complet avec un lecteur d'écran (NVDA, VoiceOver) n'a encore été mené sur "
                "l'ensemble du site.",
            ),
        ),
        _section("Établissement de cette déclaration",
                 "Déclaration établie le 26 novembre 2026, à partir des contrôles automatiques et manuels "
                 "décrits ci-dessus."),
        _section("Retour d'information et contact",
                 "Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez l'assistance : elle "
                 f"vous apporte l'information sous une autre forme. Téléphone : {ASSISTANCE_PHONE}. "
                 f"E-mail : {ASSISTANCE_EMAIL}."),
        _section("Voies de recours",
                 "Si vous n'obtenez pas de réponse satisfaisante, vous pouvez écrire au Défenseur des droits "
                 "(formulaire en ligne sur defenseurdesdroits.fr, ou Défenseur des droits, Libre réponse 71120, "
                 "75342 Paris CEDEX 07), ou contacter son délégué dans votre région."),
    )
