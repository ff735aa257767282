"""App assembly only: the Reflex app, its pages and the HTTP API."""

import reflex as rx

from cjeune_app.api import create_api
from cjeune_app.api.card_batches import router as card_batches_router
from cjeune_app.api.search import router as search_router
from cjeune_app.core.migrations import upgrade_schema
from cjeune_app.ui.pages.account_links import (
    ChoosePasswordState,
    ConfirmEmailState,
    activation_page,
    email_confirmation_page,
    forgotten_password_page,
    new_password_page,
)
from cjeune_app.ui.pages.admin_partners import PartnerQueueState, partner_queue_page
from cjeune_app.ui.pages.admin_cards import AdminCardsState, admin_cards_page
from cjeune_app.ui.pages.card_association import CardAssociationState, card_association_page
from cjeune_app.ui.pages.card_loss import CardLossState, card_loss_page
from cjeune_app.ui.pages.dashboard import DashboardState, dashboard_page
from cjeune_app.ui.pages.faq import faq_page
from cjeune_app.ui.pages.offers import OffersState, offers_page
from cjeune_app.ui.pages.partner_detail import PartnerPageState, partner_page
from cjeune_app.ui.pages.partners_search import SearchState, partners_search_page
from cjeune_app.ui.pages.home import home_page
from cjeune_app.ui.pages.legal import contact_page, legal_notice_page, privacy_page, terms_page
from cjeune_app.ui.pages.partner_sign_up import PartnerSignUpState, partner_sign_up_page
from cjeune_app.ui.pages.sign_in import DOORS, SignInState, sign_in_page_for, who_am_i_page
from cjeune_app.ui.theme import global_style

app = rx.App(
    style=global_style,
    stylesheets=["/styles.css"],
    html_lang="fr",
    head_components=[rx.el.meta(name="theme-color", content="#1d3a8a")],
    api_transformer=create_api([search_router, card_batches_router]),
)
# The schema is brought to head before the backend serves anything.
app.register_lifespan_task(upgrade_schema)

PAGES = [
    (home_page, "/", "Accueil"),
    (faq_page, "/faq", "Questions fréquentes"),
    (legal_notice_page, "/mentions-legales", "Mentions légales"),
    (privacy_page, "/confidentialite", "Politique de confidentialité"),
    (terms_page, "/conditions-utilisation", "Conditions d'utilisation"),
    (contact_page, "/contact", "Contact"),
]
for component, route, title in PAGES:
    app.add_page(component, route=route, title=f"{title} | CJeune de Provence")

# The dynamic route first (Reflex matches pages in the order they are added).
app.add_page(partner_page, route="/partenaires/[partner_id]", title="Partenaire | CJeune de Provence",
             on_load=PartnerPageState.load)
app.add_page(partners_search_page, route="/partenaires", title="Trouver un partenaire | CJeune de Provence",
             on_load=SearchState.load)
app.add_page(offers_page, route="/bons-plans", title="Bons plans | CJeune de Provence", on_load=OffersState.load)
app.add_page(who_am_i_page, route="/connexion", title="Connexion | CJeune de Provence")
# Pages of the e-mailed links (paths also used in core.accounts.emails).
app.add_page(activation_page, route="/connexion/activation", title="Activation | CJeune de Provence",
             on_load=ChoosePasswordState.load_activation)
app.add_page(new_password_page, route="/connexion/nouveau-mot-de-passe",
             title="Nouveau mot de passe | CJeune de Provence", on_load=ChoosePasswordState.load_reset)
app.add_page(email_confirmation_page, route="/connexion/verification",
             title="Confirmation de l'adresse e-mail | CJeune de Provence", on_load=ConfirmEmailState.confirm)
app.add_page(forgotten_password_page, route="/connexion/mot-de-passe-oublie",
             title="Mot de passe oublié | CJeune de Provence")
for slug, door in DOORS.items():
    app.add_page(sign_in_page_for(slug), route=f"/connexion/{slug}",
                 title=f"Connexion {door.label} | CJeune de Provence", on_load=SignInState.start(slug))
app.add_page(dashboard_page, route="/tableau-de-bord", title="Tableau de bord | CJeune de Provence",
             on_load=DashboardState.load)
app.add_page(card_association_page, route="/carte/associer", title="Associer une carte | CJeune de Provence",
             on_load=CardAssociationState.load)
app.add_page(card_loss_page, route="/carte/perte",
             title="Déclarer ma carte perdue ou volée | CJeune de Provence", on_load=CardLossState.load)
app.add_page(partner_sign_up_page, route="/connexion/partenaire/inscription",
             title="Devenir partenaire | CJeune de Provence", on_load=PartnerSignUpState.reset_form)
app.add_page(partner_queue_page, route="/admin/partenaires",
             title="Structures à valider | CJeune de Provence", on_load=PartnerQueueState.load)
app.add_page(admin_cards_page, route="/admin/cartes", title="Cartes des établissements | CJeune de Provence",
             on_load=AdminCardsState.load)
