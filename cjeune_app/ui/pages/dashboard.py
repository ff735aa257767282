"""/tableau-de-bord: the signed-in home. For a youth and for a parent (who switches between the
children linked to the account with `?enfant=<id>`): balances of the season, the card, what is
left to do, spending per envelope and the movements. Agents get their back-office links.

Every load checks again on the server that the account may see the youth asked for (core
`chosen_pupil`): the id in the URL is only a wish.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.cards.loss import CardShown
from cjeune_app.core.cards.pocket import PocketCard
from cjeune_app.core.dashboard.youth import (
    TODO_CARD,
    TODO_ENROLLMENT,
    TODO_PHOTO,
    TODO_RENEWAL,
    YouthDashboard,
)
from cjeune_app.core.dates import format_date
from cjeune_app.core.enums import LedgerKind, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.formats import format_cents
from cjeune_app.core.use_cases import back_office
from cjeune_app.core.use_cases.dashboard import (
    Dashboard,
    NearbyOffer,
    dashboard,
    dashboard_read,
    offers_near_position,
)
from cjeune_app.core.use_cases.family import PageRead
from cjeune_app.ui import browser
from cjeune_app.ui.components.app_shell import install_button
from cjeune_app.ui.components.layout import page_layout, page_link, page_title
from cjeune_app.ui.components.partner_cards import OfferItem, distance_text, offer_card, offer_item
from cjeune_app.ui.state import PrivatePage, SessionState, assign_changed

NO_ACCESS_PARENT = "Vous n'avez pas accès à ce tableau de bord. Choisissez l'un de vos enfants ci-dessous."
NO_ACCESS = "Vous n'avez pas accès à ce tableau de bord."
CARD_STATES = {
    CardShown.ACTIVE: "Active",
    CardShown.BLOCKED: "Bloquée",
    CardShown.NONE: "Aucune carte associée",
}
LOSS_LABELS = {"perte": "déclarée perdue", "vol": "déclarée volée"}


@dataclasses.dataclass
class ChildLink:
    id: str
    name: str
    href: str


@dataclasses.dataclass
class EnvelopeRow:
    label: str
    balance: str
    spent_text: str
    percent: str


@dataclasses.dataclass
class TodoRow:
    kind: str
    text: str
    href: str
    action: str


@dataclasses.dataclass
class MovementRow:
    date: str
    label: str
    envelope: str
    amount: str
    tone: str  # plus, minus, expiry


def child_query(role: str, pupil_id: int) -> str:
    """Links about a parent's child name it; a youth's own pages need no id."""
    return f"?enfant={pupil_id}" if role == Role.PARENT else ""


def _todo_link(kind: str, query: str) -> tuple[str, str]:
    return {
        TODO_ENROLLMENT: (routes.ENROLLMENT + query, "Terminer l'inscription"),
        TODO_RENEWAL: (routes.ENROLLMENT + query, "Renouveler l'inscription"),
        TODO_PHOTO: (routes.PHOTO + query, "Ajouter une photo"),
        TODO_CARD: (routes.CARD_ASSOCIATION + query, "Associer une carte"),
    }[kind]


def _percent(part: int, whole: int) -> str:
    """CSS width of a spending bar."""
    return f"{min(100, round(100 * part / whole)) if whole > 0 else 0}%"


def _signed_amount(cents: int) -> str:
    return ("+" if cents > 0 else "") + format_cents(cents)


def _tone(kind: str) -> str:
    if kind in (LedgerKind.CREDIT, LedgerKind.REFUND):
        return "plus"
    return "expiry" if kind == LedgerKind.EXPIRY else "minus"


def _as_screen(board: YouthDashboard, role: str) -> dict:
    """Plain strings for the state."""
    query = child_query(role, board.pupil_id)
    card = board.card
    state_text = CARD_STATES[card.state]
    if card.state == CardShown.BLOCKED and board.card_blocked_reason in LOSS_LABELS:
        state_text += f" ({LOSS_LABELS[board.card_blocked_reason]})"
    return {
        "pupil_id": str(board.pupil_id),
        "child_first_name": board.first_name,
        "season_text": (f"Saison {board.season_code} — valable jusqu'au {format_date(board.season_ends_on)}"
                         if board.season_code else
                         "Aucune saison n'est ouverte aujourd'hui : les crédits reviennent à la rentrée."),
        "envelopes": [
            EnvelopeRow(e.label.upper(), format_cents(e.balance_cents),
                        f"{e.label} : {format_cents(e.spent_cents)} dépensés sur {format_cents(e.season_amount_cents)}",
                        _percent(e.spent_cents, e.season_amount_cents))
            for e in board.envelopes
        ],
        "credited": board.credited,
        "card_state": str(card.state),
        "card_text": state_text,
        "card_number": card.masked_number or "",
        "card_last_digits": (card.masked_number or "")[-4:],
        "can_declare_loss": board.can_declare_loss,
        "loss_href": routes.CARD_LOSS + query,
        "associate_href": routes.CARD_ASSOCIATION + query,
        "enrollment_href": routes.ENROLLMENT + query,
        "photo_href": routes.PHOTO + query,
        # The card's to-do goes under the big "Associer une carte" button; the others in "À faire".
        "card_todo": next((t.text for t in board.todos if t.kind == TODO_CARD), ""),
        "todos": [
            TodoRow(t.kind, t.text, *_todo_link(t.kind, query))
            for t in board.todos if t.kind != TODO_CARD
        ],
        **_pocket_screen(board.pocket),
        "history": [
            MovementRow(format_date(line.created_at), line.label,
                        next((e.label for e in board.envelopes if e.envelope == line.envelope), ""),
                        _signed_amount(line.amount_cents), _tone(line.kind))
            for line in board.history
        ],
    }


def _pocket_screen(pocket: PocketCard | None) -> dict:
    if pocket is None:
        return {"has_pocket": False, "pocket_first_name": "", "pocket_masked": "", "pocket_number": "",
                "pocket_qr": "", "pocket_photo": ""}
    svg = base64.b64encode(pocket.qr_svg.encode()).decode("ascii")
    return {"has_pocket": True, "pocket_first_name": pocket.first_name, "pocket_masked": pocket.masked_number,
            "pocket_number": pocket.number, "pocket_qr": f"data:image/svg+xml;base64,{svg}",
            "pocket_photo": pocket.photo_data_uri or ""}


def _screen(found: Dashboard, role: str) -> dict:
    """The children to switch between and the chosen board (or `forbidden` when the id asked for
    is not this person's to see)."""
    return {
        "children": [ChildLink(str(c.pupil_id), c.full_name, routes.dashboard_of_child(c.pupil_id))
                     for c in found.children],
        "board": _as_screen(found.board, role) if found.board else None,
        "forbidden": found.forbidden,
        "near_commune": found.youth_space.commune_name if found.youth_space else "",
        "near_offers": [offer_item(o) for o in found.youth_space.near] if found.youth_space else [],
        "ending_offers": [offer_item(o) for o in found.youth_space.ending_soon] if found.youth_space else [],
    }


def _load_dashboard(actor: Actor, wanted: str | None) -> dict:
    return _screen(dashboard(actor, wanted), actor.role)


def nearby_item(found: NearbyOffer) -> OfferItem:
    item = offer_item(found.offer)
    item.partner_name, item.partner_href = found.partner_name, routes.partner_page(found.partner_id)
    item.commune, item.distance = found.commune_name, distance_text(found.distance_km)
    return item


POSITION_REFUSED = ("Votre position n'est pas disponible (refusée ou introuvable) : voici les bons plans de "
                    "votre commune.")


class DashboardState(PrivatePage, rx.State):
    board_role: str = ""
    kids: list[ChildLink] = []
    has_board: bool = False
    forbidden: bool = False
    pupil_id: str = ""
    child_first_name: str = ""
    is_parent: bool = False
    balances_title: str = "Mes avantages"
    card_title: str = "Ma carte"
    season_text: str = ""
    envelopes: list[EnvelopeRow] = []
    credited: bool = False
    card_state: str = ""
    card_text: str = ""
    card_number: str = ""
    card_last_digits: str = ""
    can_declare_loss: bool = False
    loss_href: str = ""
    associate_href: str = ""
    enrollment_href: str = routes.ENROLLMENT
    photo_href: str = routes.PHOTO
    card_todo: str = ""
    todos: list[TodoRow] = []
    history: list[MovementRow] = []
    near_commune: str = ""
    near_offers: list[OfferItem] = []
    near_position: bool = False  # "Autour de moi": the offers around the browser's position
    locating: bool = False
    near_notice: str = ""
    ending_offers: list[OfferItem] = []
    has_pocket: bool = False
    pocket_first_name: str = ""
    pocket_masked: str = ""
    pocket_number: str = ""
    pocket_qr: str = ""
    pocket_photo: str = ""
    notice: str = ""
    # An agent's home: what needs action.
    partners_waiting: int = 0
    photos_to_check: int = 0
    corrections_to_approve: int = 0
    batches_to_prepare: int = 0
    # Set by the pages that come back here (association, loss): shown once on the next load.
    _flash: str = ""

    def _page_read(self) -> PageRead:
        return dashboard_read(self.router.url.query_parameters.get("enfant"))

    async def _opened_with(self, actor: Actor, page: Dashboard) -> None:
        # Only what changed is assigned: an assigned var is sent and saved, even when equal.
        screen = _screen(page, actor.role)
        assign_changed(self, notice=self._flash, _flash="", board_role=str(actor.role), kids=screen["children"],
                       forbidden=screen["forbidden"], near_commune=screen["near_commune"],
                       near_offers=screen["near_offers"], near_position=False, locating=False, near_notice="",
                       ending_offers=screen["ending_offers"])
        if actor.role is Role.AGENT:
            home = await asyncio.to_thread(back_office.agent_home, actor)
            assign_changed(self, partners_waiting=home.partners_waiting, photos_to_check=home.photos_to_check,
                           corrections_to_approve=home.corrections_to_approve,
                           batches_to_prepare=home.batches_to_prepare)
        board = screen["board"]
        assign_changed(self, has_board=board is not None)
        if board is None:
            assign_changed(self, pupil_id="", child_first_name="", envelopes=[], todos=[], history=[],
                           has_pocket=False)
            self._set_titles()
            return
        self._show(board)

    def _show(self, board: dict) -> None:
        assign_changed(self, **board)
        self._set_titles()

    @rx.event
    def around_me(self):
        """"Autour de moi": the browser asks the person for their position."""
        self.locating, self.near_notice = True, ""
        return browser.position(DashboardState.use_position)

    @rx.event
    async def use_position(self, position: list | None):
        actor = await self._actor()
        self.locating = False
        if position and len(position) == 2:
            try:
                found = await asyncio.to_thread(offers_near_position, actor, float(position[0]), float(position[1]))
            except (Refusal, TypeError, ValueError):
                found = None
            if found is not None:
                self.near_offers, self.near_position = [nearby_item(o) for o in found], True
                self.near_notice = ("Aucun bon plan autour de vous en ce moment." if not found else
                                    f"{len(found)} bons plans les plus proches de votre position.")
                return
        # Refused, unknown or not a position: back to the commune's bons plans.
        screen = await asyncio.to_thread(_load_dashboard, actor, None) if actor else None
        if screen is not None:
            self.near_commune, self.near_offers = screen["near_commune"], screen["near_offers"]
        self.near_position, self.near_notice = False, POSITION_REFUSED

    def _set_titles(self) -> None:
        # Plain vars, not computed ones: those would make Reflex create this state for every session.
        is_parent = self.board_role == Role.PARENT
        assign_changed(self, is_parent=is_parent,
                       balances_title=f"Les avantages de {self.child_first_name}" if is_parent else "Mes avantages",
                       card_title=f"La carte de {self.child_first_name}" if is_parent else "Ma carte")


# --- pieces --------------------------------------------------------------------------------------
# The family's board is drawn with plain elements styled by the stylesheet (styles.css, "Tableau de
# bord"), as the search results: it is rendered when the board arrives over the websocket, and themed
# components with style props cost the phone several times more to render.

def _section(title: rx.Var | str, *children, section_id: str) -> rx.Component:
    heading_id = f"titre-{section_id}"
    return rx.el.section(
        rx.el.h2(title, id=heading_id, class_name="titre-section"),
        *children,
        aria_labelledby=heading_id,
        id=section_id,
        class_name="section-tableau",
    )


def _to_do(label: str, count: rx.Var[int], href: str, link_id: str) -> rx.Component:
    return rx.el.li(rx.link(rx.text(count, as_="span", weight="bold", class_name="compteur"), " ", label,
                            href=href, id=link_id))


def _agent_home() -> rx.Component:
    """What needs an agent now (counts), then the back office's pages."""
    return rx.vstack(
        rx.heading("À traiter", as_="h2", size="5"),
        rx.el.ul(
            _to_do("structure(s) en attente de validation", DashboardState.partners_waiting, routes.ADMIN_PARTNERS,
                   "a-traiter-structures"),
            _to_do("photo(s) à vérifier", DashboardState.photos_to_check, routes.ADMIN_PHOTOS, "a-traiter-photos"),
            _to_do("correction(s) à approuver", DashboardState.corrections_to_approve, routes.ADMIN_CORRECTIONS,
                   "a-traiter-corrections"),
            _to_do("lot(s) de remboursement à préparer", DashboardState.batches_to_prepare,
                   routes.ADMIN_REIMBURSEMENTS, "a-traiter-remboursements"),
            id="a-traiter",
        ),
        rx.heading("Back office", as_="h2", size="5"),
        rx.link("Assistance : trouver un bénéficiaire", href=routes.ADMIN_ASSISTANCE),
        rx.link("Structures partenaires", href=routes.ADMIN_PARTNER_LIST),
        rx.link("Cartes : stock pour les établissements", href=routes.ADMIN_CARDS),
        rx.link("Journal des actions", href=routes.ADMIN_JOURNAL),
        rx.link("Remboursements des partenaires", href=routes.ADMIN_REIMBURSEMENTS),
        rx.link("Statistiques", href=routes.ADMIN_STATISTICS),
        rx.link("Téléservices : catalogue, campagnes, chiffres", href=routes.ADMIN_TELESERVICES),
        rx.link("Demandes de suppression de compte", href=routes.ADMIN_DELETION_REQUESTS),
        spacing="2", width="100%",
    )


def _child_switcher() -> rx.Component:
    def child_link(child: rx.Var) -> rx.Component:
        selected = child.id == DashboardState.pupil_id
        return rx.el.li(
            page_link(child.name, href=child.href, aria_current=rx.cond(selected, "page", "false"),
                       class_name=rx.cond(selected, "enfant enfant-choisi", "enfant")),
        )

    return rx.el.nav(
        rx.el.h2("Mes enfants", id="titre-enfants", class_name="titre-enfants"),
        rx.el.ul(rx.foreach(DashboardState.kids, child_link), id="enfants", class_name="liste-enfants"),
        aria_labelledby="titre-enfants",
        class_name="choix-enfant",
    )


def _envelope(envelope: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.p(envelope.label, class_name="enveloppe-nom"),
        rx.el.p(envelope.balance, class_name="solde"),
        class_name="enveloppe",
    )


def _balances() -> rx.Component:
    return _section(
        DashboardState.balances_title,
        rx.el.p(DashboardState.season_text, id="saison", class_name="texte-petit"),
        rx.el.div(rx.foreach(DashboardState.envelopes, _envelope), class_name="enveloppes", id="soldes"),
        rx.cond(
            (DashboardState.card_state == str(CardShown.NONE)) | (DashboardState.card_state == str(CardShown.BLOCKED)),
            rx.el.div(
                page_link("Associer une carte", href=DashboardState.associate_href, id="associer",
                           class_name="bouton-principal"),
                rx.el.p(DashboardState.card_todo, id="conseil-carte", class_name="texte-petit"),
                class_name="pile-serree",
            ),
        ),
        section_id="avantages",
    )


def _todo(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.span(item.text),
        page_link(item.action, href=item.href, class_name="lien lien-gras"),
        class_name="a-faire",
    )


def _todos() -> rx.Component:
    return rx.cond(
        DashboardState.todos.length() > 0,
        _section("À faire", rx.el.ul(rx.foreach(DashboardState.todos, _todo), class_name="liste-a-faire"),
                 section_id="a-faire"),
    )


def _pocket_card() -> rx.Component:
    """The card as it looks, and behind a native disclosure (works offline, no server round trip)
    the QR code and the full number, large on white, for a partner to scan."""
    return rx.el.div(
        rx.el.div(
            rx.cond(DashboardState.pocket_photo != "",
                    rx.el.img(src=DashboardState.pocket_photo, alt="Photo d'identité", class_name="carte-photo"),
                    rx.el.div(rx.el.span("Photo à venir"), class_name="carte-sans-photo")),
            rx.el.div(
                rx.el.p("CJEUNE de Provence", class_name="carte-marque"),
                rx.el.p(DashboardState.pocket_first_name, id="carte-prenom", class_name="carte-prenom"),
                rx.el.p(DashboardState.pocket_masked, aria_hidden="true", id="carte-masquee"),
            ),
            class_name="carte-poche",
            id="ma-carte",
        ),
        rx.el.details(
            rx.el.summary("Afficher le QR code et le numéro", class_name="bouton-qr", id="afficher-qr"),
            rx.el.div(
                rx.el.img(src=DashboardState.pocket_qr, alt="QR code du numéro de carte", id="qr-carte",
                          class_name="qr-carte"),
                rx.el.p(DashboardState.pocket_number, id="numero-complet", class_name="numero-complet"),
                rx.el.p("Présentez cet écran au partenaire : il scanne le QR code ou saisit le numéro.",
                        class_name="texte-petit"),
                class_name="qr-plein-ecran",
            ),
        ),
        class_name="pile-carte",
    )


def _card() -> rx.Component:
    return _section(
        DashboardState.card_title,
        rx.cond(DashboardState.has_pocket, _pocket_card()),
        rx.el.p("État : ", rx.el.strong(DashboardState.card_text), id="etat-carte"),
        rx.cond(DashboardState.card_number != "",
                rx.el.p("Numéro : ",
                        rx.el.span(DashboardState.card_number, aria_hidden="true"),
                        rx.el.span("carte se terminant par ", DashboardState.card_last_digits,
                                   class_name="sr-only"),  # rather than "point point point…"
                        id="numero-carte")),
        rx.cond(DashboardState.can_declare_loss,
                page_link("Déclarer ma carte perdue ou volée", href=DashboardState.loss_href, id="perte",
                           class_name="lien-alerte")),
        section_id="carte",
    )


def _account_links() -> rx.Component:
    """Always at hand, whatever is left to do: the enrollment's answers and the photo."""
    return _section(
        "Inscription et photo",
        rx.el.ul(
            rx.el.li(page_link("Inscription à la carte", href=DashboardState.enrollment_href,
                               class_name="lien-souligne")),
            rx.el.li(page_link("Photo d'identité", href=DashboardState.photo_href, class_name="lien-souligne")),
            class_name="liens-compte",
        ),
        section_id="inscription-photo",
    )


def _spent_bar(envelope: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.p(envelope.spent_text, class_name="texte-petit"),
        rx.el.div(rx.el.div(class_name="barre-pleine", style={"width": envelope.percent}), class_name="barre",
                  aria_hidden="true"),
        class_name="depense",
    )


def _spending() -> rx.Component:
    return rx.cond(
        DashboardState.credited,
        _section("Dépenses de la saison",
                 rx.el.ul(rx.foreach(DashboardState.envelopes, _spent_bar), class_name="depenses"),
                 section_id="depenses"),
    )


def _movement(line: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.p(line.label, class_name="mouvement-libelle"),
            rx.el.p(line.date, " · ", line.envelope, class_name="mouvement-date"),
        ),
        rx.el.p(line.amount, class_name="mouvement-montant montant-" + line.tone),
        class_name="mouvement",
    )


def _history() -> rx.Component:
    return _section(
        "Historique",
        rx.cond(DashboardState.history.length() > 0,
                rx.el.ul(rx.foreach(DashboardState.history, _movement), id="historique", class_name="mouvements"),
                rx.el.p("Aucun mouvement pour cette saison.", class_name="texte-petit")),
        section_id="historique-section",
    )


def _youth_space() -> rx.Component:
    """A Jeune (15-25): the bons plans of their commune, and the ones ending soon."""
    return rx.vstack(
        _section(rx.cond(DashboardState.near_position, "Bons plans autour de vous",
                         rx.cond(DashboardState.near_commune != "", "Bons plans à " + DashboardState.near_commune,
                                 "Bons plans près de chez vous")),
                 rx.button(rx.cond(DashboardState.locating, "Localisation…", "Autour de moi"),
                           on_click=DashboardState.around_me, id="autour-de-moi", size="3", variant="soft",
                           disabled=DashboardState.locating),
                 rx.cond(DashboardState.near_notice != "",
                         rx.text(DashboardState.near_notice, id="avis-position", role="status", size="2")),
                 rx.cond(DashboardState.near_offers.length() > 0,
                         rx.box(rx.foreach(DashboardState.near_offers, offer_card), id="bons-plans-proches",
                                class_name="liste-bons-plans"),
                         rx.text("Aucun bon plan dans votre commune en ce moment : voyez ceux de tout le "
                                 "département.", size="2")),
                 section_id="bons-plans-commune"),
        _section("Bientôt terminés",
                 rx.box(rx.foreach(DashboardState.ending_offers, offer_card), id="bons-plans-bientot-finis",
                        class_name="liste-bons-plans"),
                 section_id="bons-plans-fin"),
        rx.link("Tous les bons plans", href=routes.OFFERS, weight="bold", underline="always"),
        spacing="6", width="100%",
    )


def _youth_board() -> rx.Component:
    return rx.el.div(_balances(), _todos(), _card(), _spending(), _history(), _account_links(),
                     class_name="pile-tableau")


def dashboard_page() -> rx.Component:
    return page_layout(
        page_title("Tableau de bord"),
        # The board arrives over the websocket after the first paint: its room is kept from the start
        # (the footer starts below the screen), so that its arrival pushes nothing visible.
        rx.el.div(rx.cond(
            SessionState.first_name != "",
            rx.el.div(
                rx.el.h2(f"Bonjour {SessionState.first_name}", id="bonjour", class_name="bonjour"),
                rx.cond(DashboardState.notice != "",
                        rx.el.div(DashboardState.notice, role="status", id="avis", class_name="avis")),
                rx.cond(DashboardState.forbidden,
                        rx.el.div(rx.cond(DashboardState.is_parent, NO_ACCESS_PARENT, NO_ACCESS), role="alert",
                                  id="refus", class_name="refus")),
                rx.cond(DashboardState.forbidden & ~DashboardState.is_parent,
                        page_link("Retour à mon tableau de bord", href=routes.DASHBOARD)),
                rx.cond(DashboardState.is_parent & (DashboardState.kids.length() > 0), _child_switcher()),
                rx.cond(DashboardState.is_parent,
                        page_link("Services en ligne : fiche de renseignements, bourse de collège",
                                   href=routes.ONLINE_SERVICES, id="lien-services-en-ligne",
                                   class_name="lien lien-gras")),
                rx.cond(DashboardState.is_parent & (DashboardState.kids.length() == 0),
                        rx.el.p("Aucun enfant n'est encore rattaché à ce compte.", class_name="texte-petit")),
                rx.cond(DashboardState.has_board, _youth_board()),
                rx.cond(SessionState.role == str(Role.YOUTH), _youth_space()),
                rx.cond(SessionState.role == str(Role.AGENT), _agent_home()),
                rx.cond(SessionState.role == str(Role.ESTABLISHMENT),
                        rx.el.div(
                            page_link("Espace établissement : import des élèves, mots de passe", href=routes.SCHOOL,
                                       id="lien-espace-etablissement"),
                            page_link("Téléservices : services en ligne, demandes de bourse",
                                       href=routes.SCHOOL_TELESERVICES, id="lien-teleservices"),
                            class_name="pile-serree",
                        )),
                rx.cond(SessionState.role == str(Role.PARTNER),
                        page_link("Espace partenaire : encaisser, paiements, bons plans", href=routes.PARTNER_SPACE,
                                   id="lien-espace-partenaire")),
                rx.cond(DashboardState.has_board | DashboardState.is_parent | (SessionState.role == str(Role.YOUTH)),
                        page_link("Mon compte : adresse e-mail, mobile, consentements, mes données",
                                   href=routes.MY_ACCOUNT, id="lien-mon-compte", class_name="lien lien-gras")),
                install_button("installer-app-tableau"),
                rx.el.button("Se déconnecter", on_click=SessionState.sign_out, type="button", id="se-deconnecter",
                             class_name="bouton-contour"),
                class_name="pile",
            ),
            rx.el.p("Chargement…", id="chargement-tableau", class_name="texte-petit"),
        ), class_name="place-tableau"),
        width="40rem",
    )


browser.answers_to(DashboardState.use_position)
