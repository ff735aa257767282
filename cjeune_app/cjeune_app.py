"""App assembly only: the Reflex app, its pages and the HTTP API."""

import reflex as rx

from cjeune_app import routes
from cjeune_app.api import create_api
from cjeune_app.api.admin import router as admin_router
from cjeune_app.api.back_office_files import router as back_office_files_router
from cjeune_app.api.card_batches import router as card_batches_router
from cjeune_app.api.downloads import router as downloads_router
from cjeune_app.api.franceconnect import router as franceconnect_router
from cjeune_app.api.my_account import router as my_account_router
from cjeune_app.api.partners import router as partners_router
from cjeune_app.api.photos import router as photos_router
from cjeune_app.api.school import router as school_router
from cjeune_app.api.search import router as search_router
from cjeune_app.api.session_cookie import router as session_router
from cjeune_app.api.teleservices import router as teleservices_router
from cjeune_app.core.migrations import upgrade_schema_at_start
from cjeune_app.serving import tune_garbage_collector
from cjeune_app.ui.amounts import AmountsState
from cjeune_app.ui.browser import browser
from cjeune_app.ui.components.app_shell import backend_error, connection_notice, pwa_head
from cjeune_app.ui.disk_states import paced_if_on_disk
from cjeune_app.ui.pages.access_refused import AccessRefusedState, access_refused_page
from cjeune_app.ui.pages.account_links import (
    ChoosePasswordState,
    ConfirmEmailState,
    activation_page,
    email_confirmation_page,
    forgotten_password_page,
    new_password_page,
)
from cjeune_app.ui.pages.admin_assistance import (
    AssistanceSearchState,
    BeneficiaryFileState,
    assistance_search_page,
    beneficiary_file_page,
)
from cjeune_app.ui.pages.admin_cards import AdminCardsState, admin_cards_page
from cjeune_app.ui.pages.admin_corrections import CorrectionsState, corrections_page
from cjeune_app.ui.pages.admin_deletions import DeletionRequestsState, deletion_requests_page
from cjeune_app.ui.pages.admin_journal import JournalState, journal_page
from cjeune_app.ui.pages.admin_partner_list import PartnerListState, partner_list_page
from cjeune_app.ui.pages.admin_partners import PartnerQueueState, partner_queue_page
from cjeune_app.ui.pages.admin_photos import PhotoQueueState, photo_queue_page
from cjeune_app.ui.pages.admin_reimbursements import ReimbursementsState, admin_reimbursements_page
from cjeune_app.ui.pages.admin_statistics import StatisticsState, admin_statistics_page
from cjeune_app.ui.pages.admin_teleservices import AdminTeleservicesState, admin_teleservices_page
from cjeune_app.ui.pages.bourse import BourseState, bourse_page
from cjeune_app.ui.pages.card_association import CardAssociationState, card_association_page
from cjeune_app.ui.pages.card_loss import CardLossState, card_loss_page
from cjeune_app.ui.pages.dashboard import DashboardState, dashboard_page
from cjeune_app.ui.pages.enrollment import EnrollmentState, enrollment_page
from cjeune_app.ui.pages.faq import FaqState, faq_page
from cjeune_app.ui.pages.fiche import FicheState, fiche_page
from cjeune_app.ui.pages.franceconnect_first_visit import FirstVisitState, first_visit_page
from cjeune_app.ui.pages.home import home_page
from cjeune_app.ui.pages.legal import (
    accessibility_page,
    contact_page,
    legal_notice_page,
    privacy_page,
    terms_page,
)
from cjeune_app.ui.pages.my_account import (
    ConfirmEmailChangeState,
    MyAccountState,
    UnsubscribeState,
    email_change_confirmation_page,
    my_account_page,
    unsubscribe_page,
)
from cjeune_app.ui.pages.not_found import not_found_page
from cjeune_app.ui.pages.offers import OffersState, offers_page
from cjeune_app.ui.pages.online_services import OnlineServicesState, online_services_page
from cjeune_app.ui.pages.parent_sign_up import ParentSignUpState, parent_sign_up_page
from cjeune_app.ui.pages.partner_api_keys import ApiKeysState, partner_api_keys_page
from cjeune_app.ui.pages.partner_bank_details import BankDetailsState, partner_bank_details_page
from cjeune_app.ui.pages.partner_checkout import CheckoutState, partner_checkout_page
from cjeune_app.ui.pages.partner_detail import PartnerPageState, partner_page
from cjeune_app.ui.pages.partner_offers import PartnerOffersState, partner_offers_page
from cjeune_app.ui.pages.partner_payments import (
    PaymentsState,
    StatementsState,
    partner_payments_page,
    partner_statements_page,
)
from cjeune_app.ui.pages.partner_sign_up import PartnerSignUpState, partner_sign_up_page
from cjeune_app.ui.pages.partner_space import PartnerSpaceState, partner_home_page
from cjeune_app.ui.pages.partners_search import SearchState, partners_search_page
from cjeune_app.ui.pages.photo import PhotoPageState, photo_page
from cjeune_app.ui.pages.school import SchoolState, school_page
from cjeune_app.ui.pages.school_teleservices import SchoolTeleservicesState, school_teleservices_page
from cjeune_app.ui.pages.sign_in import DOORS, SignInState, sign_in_page_for, who_am_i_page
from cjeune_app.ui.pages.youth_sign_up import YouthSignUpState, youth_sign_up_page
from cjeune_app.ui.redis_states import held_if_in_redis
from cjeune_app.ui.telemetry import EventTelemetry
from cjeune_app.ui.theme import global_style
from cjeune_app.ui.worker_handover import keep_sessions_across_workers

SITE_DESCRIPTION = ("La carte CJeune de Provence du Département des Bouches-du-Rhône : 150 € par an pour "
                    "le sport, la culture et le soutien scolaire des collégiens, et des bons plans jusqu'à 25 ans.")
DESCRIPTIONS = {
    routes.FAQ: "Les réponses aux questions des familles, des jeunes et des partenaires sur la carte CJeune de "
                "Provence : inscription, photo, carte, soldes, mots de passe.",
    routes.PARTNERS_SEARCH: "Trouvez les clubs, associations, cinémas et organismes de soutien scolaire "
                            "partenaires de la carte CJeune de Provence près de chez vous.",
    routes.PARTNER_PAGE_PATTERN: "Un partenaire de la carte CJeune de Provence : ses activités, son adresse, "
                                 "ses bons plans pour les collégiens et les jeunes.",
    routes.OFFERS: "Les bons plans des partenaires CJeune de Provence pour les jeunes de 11 à 25 ans des "
                   "Bouches-du-Rhône : réductions, places, invitations.",
    routes.SIGN_IN: "Connexion à CJeune de Provence : collégien, parent, jeune ou partenaire.",
    routes.PARENT_SELF_REGISTRATION: "Parents : créez votre compte CJeune de Provence pour inscrire votre enfant "
                                     "collégien et suivre ses avantages.",
    routes.YOUTH_SIGN_UP: "Jeunes de 15 à 25 ans : créez votre compte CJeune de Provence pour profiter des bons "
                          "plans près de chez vous.",
    routes.PARTNER_SIGN_UP: "Clubs, associations, structures culturelles : devenez partenaire de la carte "
                            "CJeune de Provence et encaissez les avantages des collégiens.",
    routes.FORGOTTEN_PASSWORD: "Mot de passe oublié : recevez un lien pour en choisir un nouveau sur "
                               "CJeune de Provence.",
}


class SiteApp(rx.App):
    """Every page carries a French description (search engines, shared links): the one its add_page
    call gives, else its route's in DESCRIPTIONS, else the site's."""

    def add_page(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("description") is None:
            kwargs["description"] = DESCRIPTIONS.get(kwargs.get("route") or "", SITE_DESCRIPTION)
        return super().add_page(*args, **kwargs)

    def _setup_state(self) -> None:
        super()._setup_state()
        if self._state_manager is not None:
            self._state_manager = held_if_in_redis(paced_if_on_disk(self._state_manager))


app = SiteApp(
    style=global_style,
    stylesheets=["/styles.css"],
    html_lang="fr",
    head_components=pwa_head(),
    # No toast library on every page (≈ 10 KB of JavaScript): the app shows no toast; an unexpected
    # server error is told in French (app_shell.backend_error).
    toaster=None,
    backend_exception_handler=backend_error,
    api_transformer=create_api([search_router, partners_router, photos_router, card_batches_router, admin_router],
                               site_routers=[downloads_router, school_router, session_router, franceconnect_router,
                                             back_office_files_router, teleservices_router, my_account_router]),
)
# The schema is brought to head before the backend serves anything (unless it was migrated once
# before several workers started: CJEUNE_MIGRATE_AT_START=0).
app.register_lifespan_task(upgrade_schema_at_start)
# Several workers (state in Redis): a tab whose worker died reconnects to another with its session.
app.register_lifespan_task(keep_sessions_across_workers)
app.register_lifespan_task(tune_garbage_collector)
app.add_middleware(EventTelemetry())
# Reflex's overlay says "Cannot connect to server..." in English: ours says it in French.
# The Browser component (ui.browser) runs what events ask of the browser, on every page.
app.app_wraps[(5, "Overlay")] = lambda stateful: rx.fragment(connection_notice(), browser()) if stateful else None
app.add_page(not_found_page, route="404", title="Page introuvable | CJeune de Provence",
             description="Cette adresse ne mène à aucune page du site CJeune de Provence.")

PAGES = [
    (home_page, routes.HOME, "Accueil"),
    (faq_page, routes.FAQ, "Questions fréquentes"),
    (legal_notice_page, routes.LEGAL_NOTICE, "Mentions légales"),
    (privacy_page, routes.PRIVACY, "Politique de confidentialité"),
    (terms_page, routes.TERMS, "Conditions d'utilisation"),
    (contact_page, routes.CONTACT, "Contact"),
    (accessibility_page, routes.ACCESSIBILITY, "Déclaration d'accessibilité"),
]
QUOTING_AMOUNTS = (home_page, terms_page)  # they load the season's amounts on opening
for component, route, title in PAGES:
    app.add_page(component, route=route, title=f"{title} | CJeune de Provence",
                 description=DESCRIPTIONS.get(route, SITE_DESCRIPTION),
                 on_load=FaqState.open if component is faq_page
                 else AmountsState.load if component in QUOTING_AMOUNTS else None)

# The dynamic route first (Reflex matches pages in the order they are added).
app.add_page(partner_page, route=routes.PARTNER_PAGE_PATTERN, title="Partenaire | CJeune de Provence",
             on_load=PartnerPageState.load)
app.add_page(partners_search_page, route=routes.PARTNERS_SEARCH, title="Trouver un partenaire | CJeune de Provence",
             description=DESCRIPTIONS[routes.PARTNERS_SEARCH], on_load=SearchState.load)
app.add_page(offers_page, route=routes.OFFERS, title="Bons plans | CJeune de Provence", on_load=OffersState.load)
app.add_page(who_am_i_page, route=routes.SIGN_IN, title="Connexion | CJeune de Provence",
             description=DESCRIPTIONS[routes.SIGN_IN])
# Pages of the e-mailed links (paths also used in core.accounts.emails).
app.add_page(activation_page, route=routes.ACTIVATION, title="Activation | CJeune de Provence",
             on_load=ChoosePasswordState.load_activation)
app.add_page(new_password_page, route=routes.NEW_PASSWORD,
             title="Nouveau mot de passe | CJeune de Provence", on_load=ChoosePasswordState.load_reset)
app.add_page(email_confirmation_page, route=routes.EMAIL_VERIFICATION,
             title="Confirmation de l'adresse e-mail | CJeune de Provence", on_load=ConfirmEmailState.confirm)
app.add_page(forgotten_password_page, route=routes.FORGOTTEN_PASSWORD,
             title="Mot de passe oublié | CJeune de Provence")
app.add_page(first_visit_page, route=routes.FRANCECONNECT_FIRST_VISIT,
             title="Première connexion avec FranceConnect | CJeune de Provence", on_load=FirstVisitState.open_page)
for slug, door in DOORS.items():
    app.add_page(sign_in_page_for(slug), route=routes.sign_in_door(slug),
                 title=f"Connexion {door.label} | CJeune de Provence", on_load=SignInState.start(slug))
app.add_page(dashboard_page, route=routes.DASHBOARD, title="Tableau de bord | CJeune de Provence",
             description="Vos soldes, votre carte et son QR code, l'historique : CJeune de Provence dans la poche.",
             on_load=DashboardState.open_page)
app.add_page(card_association_page, route=routes.CARD_ASSOCIATION, title="Associer une carte | CJeune de Provence",
             on_load=CardAssociationState.open_page)
app.add_page(card_loss_page, route=routes.CARD_LOSS,
             title="Déclarer ma carte perdue ou volée | CJeune de Provence", on_load=CardLossState.open_page)
app.add_page(partner_sign_up_page, route=routes.PARTNER_SIGN_UP,
             title="Devenir partenaire | CJeune de Provence", on_load=PartnerSignUpState.reset_form)
app.add_page(parent_sign_up_page, route=routes.PARENT_SELF_REGISTRATION,
             title="Je n'ai pas encore d'identifiant | CJeune de Provence", on_load=ParentSignUpState.start)
app.add_page(youth_sign_up_page, route=routes.YOUTH_SIGN_UP,
             title="Créer mon compte Jeune | CJeune de Provence", on_load=YouthSignUpState.reset_form)
app.add_page(access_refused_page, route=routes.BACK_OFFICE_REFUSED,
             title="Accès réservé aux agents du Département | CJeune de Provence",
             on_load=AccessRefusedState.open_page)
app.add_page(partner_queue_page, route=routes.ADMIN_PARTNERS,
             title="Structures à valider | CJeune de Provence", on_load=PartnerQueueState.open_page)

# Espace partenaire: each page checks on load that a validated partner is signed in.
PARTNER_PAGES = [
    (partner_home_page, routes.PARTNER_SPACE, "Espace partenaire", PartnerSpaceState.open_page),
    (partner_checkout_page, routes.PARTNER_CHECKOUT, "Encaisser", CheckoutState.open_page),
    (partner_payments_page, routes.PARTNER_PAYMENTS, "Paiements", PaymentsState.open_page),
    (partner_statements_page, routes.PARTNER_STATEMENTS, "Relevés mensuels", StatementsState.open_page),
    (partner_offers_page, routes.PARTNER_OFFERS, "Bons plans", PartnerOffersState.open_page),
    (partner_api_keys_page, routes.PARTNER_API_KEYS, "Clés d'API", ApiKeysState.open_page),
    (partner_bank_details_page, routes.PARTNER_BANK_DETAILS, "Coordonnées bancaires", BankDetailsState.open_page),
]
for component, route, title, on_load in PARTNER_PAGES:
    app.add_page(component, route=route, title=f"{title} | CJeune de Provence", on_load=on_load)
app.add_page(enrollment_page, route=routes.ENROLLMENT, title="Inscription | CJeune de Provence",
             on_load=EnrollmentState.open_page)
app.add_page(photo_page, route=routes.PHOTO, title="Photo d'identité | CJeune de Provence",
             on_load=PhotoPageState.open_page)
app.add_page(photo_queue_page, route=routes.ADMIN_PHOTOS, title="Photos à vérifier | CJeune de Provence",
             on_load=PhotoQueueState.open_page)
app.add_page(admin_cards_page, route=routes.ADMIN_CARDS, title="Cartes des établissements | CJeune de Provence",
             on_load=AdminCardsState.open_page)
ADMIN_PAGES = [
    (assistance_search_page, routes.ADMIN_ASSISTANCE, "Assistance", AssistanceSearchState.open_page),
    (beneficiary_file_page, routes.ADMIN_ASSISTANCE_FILE_PATTERN, "Dossier", BeneficiaryFileState.open_page),
    (corrections_page, routes.ADMIN_CORRECTIONS, "Corrections à approuver", CorrectionsState.open_page),
    (journal_page, routes.ADMIN_JOURNAL, "Journal des actions", JournalState.open_page),
    (partner_list_page, routes.ADMIN_PARTNER_LIST, "Structures partenaires", PartnerListState.open_page),
]
for component, route, title, on_load in ADMIN_PAGES:
    app.add_page(component, route=route, title=f"{title} | CJeune de Provence", on_load=on_load)
app.add_page(school_page, route=routes.SCHOOL, title="Espace établissement | CJeune de Provence",
             on_load=SchoolState.open_page)
app.add_page(admin_reimbursements_page, route=routes.ADMIN_REIMBURSEMENTS,
             title="Remboursements des partenaires | CJeune de Provence", on_load=ReimbursementsState.open_page)
app.add_page(admin_statistics_page, route=routes.ADMIN_STATISTICS, title="Statistiques | CJeune de Provence",
             on_load=StatisticsState.open_page)

# Téléservices: families, school staff, agents (core checks windows and openings on every event).
TELESERVICE_PAGES = [
    (online_services_page, routes.ONLINE_SERVICES, "Services en ligne", OnlineServicesState.open_page),
    (bourse_page, routes.ONLINE_BOURSE, "Demande de bourse de collège", BourseState.open_page),
    (fiche_page, routes.ONLINE_FICHE, "Fiche de renseignements", FicheState.open_page),
    (school_teleservices_page, routes.SCHOOL_TELESERVICES, "Téléservices de l'établissement",
     SchoolTeleservicesState.open_page),
    (admin_teleservices_page, routes.ADMIN_TELESERVICES, "Téléservices", AdminTeleservicesState.open_page),
]
for component, route, title, on_load in TELESERVICE_PAGES:
    app.add_page(component, route=route, title=f"{title} | CJeune de Provence", on_load=on_load)
app.add_page(my_account_page, route=routes.MY_ACCOUNT, title="Mon compte | CJeune de Provence",
             on_load=MyAccountState.open_page)
app.add_page(email_change_confirmation_page, route=routes.EMAIL_CHANGE_CONFIRMATION,
             title="Nouvelle adresse e-mail | CJeune de Provence", on_load=ConfirmEmailChangeState.confirm)
app.add_page(unsubscribe_page, route=routes.UNSUBSCRIBE, title="Se désabonner | CJeune de Provence",
             description="Ne plus recevoir les e-mails d'information de CJeune de Provence, en un clic.",
             on_load=UnsubscribeState.open_link)
app.add_page(deletion_requests_page, route=routes.ADMIN_DELETION_REQUESTS,
             title="Demandes de suppression | CJeune de Provence", on_load=DeletionRequestsState.open_page)
