"""/admin/assistance: an agent finds a beneficiary from what the family says on the phone, opens
the file (/admin/assistance/<id>) and acts on it; every action asks for a reason (journal).

Every action asks core again who is acting: the state holds only what the screen shows.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, ClassVar

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import ENVELOPE_LABELS, Envelope, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.formats import parse_euros
from cjeune_app.core.use_cases import assistance
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage

LOSS_CHOICES = (("perte", "Perte"), ("vol", "Vol"))
AMOUNT_HELP = "Montant en euros, par exemple 12,50."


@dataclasses.dataclass
class HitRow:
    href: str
    name: str
    details: str
    card: str


class AssistanceSearchState(PrivatePage, rx.State):
    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.AGENT,)
    sign_in_route: ClassVar[str] = routes.BACK_OFFICE_SIGN_IN
    refused_route: ClassVar[str] = routes.BACK_OFFICE_REFUSED

    query: str = ""
    hits: list[HitRow] = []
    searched: bool = False
    error: str = ""

    async def _opened(self, actor: Actor) -> Any:
        self.hits, self.searched, self.error = [], False, ""

    @rx.event
    async def search(self, form: dict[str, Any]):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        self.query = str(form.get("q", ""))
        try:
            found = await asyncio.to_thread(assistance.search_beneficiaries, actor, self.query)
        except Refusal as refusal:
            self.hits, self.searched, self.error = [], False, refusal.message
            return None
        self.error, self.searched = "", True
        self.hits = [HitRow(routes.assistance_file(h.pupil_id), h.name,
                            f"{h.school} — {h.class_name} — né(e) le {h.birth_date}", h.card) for h in found]
        return None


def _hit(row: rx.Var[HitRow]) -> rx.Component:
    return rx.el.li(
        rx.link(row.name, href=row.href, weight="bold"),
        rx.text(row.details, size="2"),
        rx.cond(row.card != "", rx.text("Carte ", row.card, size="2")),
        class_name="resultat-assistance",
    )


def assistance_search_page() -> rx.Component:
    return page_layout(
        page_title("Assistance", "Trouver un dossier : nom, identifiant Eduprovence, numéro de carte (ou ses "
                                 "4 derniers chiffres avec le nom), e-mail ou mobile du responsable légal."),
        rx.form(
            rx.vstack(
                rx.el.label("Rechercher un bénéficiaire", html_for="champ-q", font_weight="bold"),
                rx.input(id="champ-q", name="q", type="search", required=True, size="3", width="100%",
                         placeholder="Par exemple : 1234 Fernandez", aria_describedby="erreur-recherche"),
                rx.button("Rechercher", type="submit", size="3", width="100%"),
                spacing="2", width="100%",
            ),
            on_submit=AssistanceSearchState.search,
            width="100%",
        ),
        rx.cond(AssistanceSearchState.error != "",
                rx.text(AssistanceSearchState.error, id="erreur-recherche", role="alert", color="var(--red-11)")),
        rx.cond(
            AssistanceSearchState.hits.length() > 0,
            rx.el.ul(rx.foreach(AssistanceSearchState.hits, _hit), id="resultats", class_name="resultats"),
            rx.cond(AssistanceSearchState.searched, rx.text("Aucun dossier ne correspond.", id="aucun-resultat")),
        ),
        rx.hstack(rx.link("Corrections à approuver", href=routes.ADMIN_CORRECTIONS),
                  rx.link("Journal des actions", href=routes.ADMIN_JOURNAL), spacing="4", margin_top="1.5rem"),
    )


# --- the file ------------------------------------------------------------------------------------


@dataclasses.dataclass
class Line:
    """A generic row of the file: up to four texts."""

    a: str
    b: str = ""
    c: str = ""
    d: str = ""


@dataclasses.dataclass
class AccountRow:
    id: str
    text: str
    locked: bool
    can_link: bool


def _load_file(actor: Actor, pupil_id: int) -> dict[str, Any]:
    f = assistance.beneficiary_file(actor, pupil_id)
    return dict(
        name=f.name,
        identity=[Line("Né(e) le", f.birth_date), Line("Collège", f.school), Line("Classe", f.class_name),
                  Line("Identifiant Eduprovence", f.login or "—"),
                  Line(f"Inscription {f.season_code}", f.enrollment_status), Line("Photo", f.photo),
                  Line("Responsable légal", f.guardian or "—"), Line("Adresse", f.address or "—"),
                  Line("E-mail", f.email or "—"), Line("Mobile", f.mobile or "—")],
        contact={"address_line": f.address_line, "address_complement": f.address_complement,
                 "postal_code": f.postal_code, "commune_insee": f.commune_insee, "email": f.email,
                 "mobile": f.mobile},
        cards=[Line(c.masked, c.status_label, c.since) for c in f.cards],
        active_card=str(f.active_card_id or ""),
        balances=[Line(label, amount) for _, label, amount in f.balances],
        history=[Line(h.when, h.envelope, h.label, h.amount) for h in f.history],
        guardians=[Line(g.name, g.mobile or "—", g.email or "—", g.account) for g in f.guardians],
        accounts=[AccountRow(str(a.account_id),
                             f"{a.role_label} — {a.login}"
                             + (" — activé" if a.activated else " — non activé")
                             + (f" — bloqué jusqu'à {a.locked_until}" if a.locked else ""),
                             a.locked, a.role is not Role.PUPIL) for a in f.accounts],
        messages=[Line(m.when, m.recipient, m.subject) for m in f.messages],
        corrections=[Line(f"n°{c.correction_id} {c.envelope} {c.amount}", c.status_label, c.reason, c.proposed)
                     for c in f.corrections],
        journal=[Line(j.when, j.action_label, j.actor_name, j.reason) for j in f.journal],
    )


def _act(actor: Actor, pupil_id: int, action: str, form: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """(notice, field errors) of one action of the file."""
    note = str(form.get("note", ""))
    try:
        if action == "block":
            return assistance.block_card(actor, pupil_id, int(form.get("card_id") or 0),
                                         str(form.get("loss", "")), note), {}
        if action == "unlock":
            return assistance.unlock_account(actor, pupil_id, int(form["account_id"]), note), {}
        if action == "link":
            return assistance.resend_link(actor, pupil_id, int(form["account_id"]), note), {}
        if action == "contact":
            values = {k: str(form.get(k, "")) for k in ("address_line", "address_complement", "postal_code",
                                                         "commune_insee", "email", "mobile")}
            return assistance.correct_coordinates(actor, pupil_id, values, note), {}
        try:
            cents = parse_euros(str(form.get("amount", "")))
        except ValueError:
            return "", {"amount": AMOUNT_HELP}
        if form.get("direction") == "debit":
            cents = -cents
        number = assistance.propose_correction(actor, pupil_id, str(form.get("envelope", "")), cents, note)
        return f"Correction n°{number} proposée : un autre agent doit l'approuver avant tout mouvement.", {}
    except FormErrors as errors:
        return "", errors.fields
    except Refusal as refusal:
        return "", {"action": refusal.message}


class BeneficiaryFileState(PrivatePage, rx.State):
    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.AGENT,)
    sign_in_route: ClassVar[str] = routes.BACK_OFFICE_SIGN_IN
    refused_route: ClassVar[str] = routes.BACK_OFFICE_REFUSED

    name: str = ""
    missing: bool = False
    identity: list[Line] = []
    contact: dict[str, str] = {}
    cards: list[Line] = []
    active_card: str = ""
    balances: list[Line] = []
    history: list[Line] = []
    guardians: list[Line] = []
    accounts: list[AccountRow] = []
    messages: list[Line] = []
    corrections: list[Line] = []
    journal: list[Line] = []
    notice: str = ""
    errors: dict[str, str] = {}

    def _pupil_id(self) -> int | None:
        return routes.row_id(self.router.page.params.get("pupil_id", ""))

    async def _refresh(self, actor: Actor) -> None:
        pupil_id = self._pupil_id()
        try:
            data = await asyncio.to_thread(_load_file, actor, pupil_id) if pupil_id else None
        except Refusal:
            data = None
        self.missing = data is None
        if data is not None:
            for key, value in data.items():
                setattr(self, key, value)

    async def _opened(self, actor: Actor) -> Any:
        self.notice, self.errors = "", {}
        await self._refresh(actor)

    async def _run(self, action: str, form: dict[str, Any]) -> Any:
        actor = await self._actor()
        pupil_id = self._pupil_id()
        if actor is None or pupil_id is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        self.notice, self.errors = await asyncio.to_thread(_act, actor, pupil_id, action, form)
        await self._refresh(actor)
        return None

    @rx.event
    async def block(self, form: dict[str, Any]):
        return await self._run("block", form)

    @rx.event
    async def unlock(self, form: dict[str, Any]):
        return await self._run("unlock", form)

    @rx.event
    async def resend(self, form: dict[str, Any]):
        return await self._run("link", form)

    @rx.event
    async def correct_contact(self, form: dict[str, Any]):
        return await self._run("contact", form)

    @rx.event
    async def propose(self, form: dict[str, Any]):
        return await self._run("correction", form)


TABLE_NAMES = {"identite": "Identité", "cartes": "Cartes", "soldes": "Soldes", "mouvements": "Mouvements",
               "messages": "E-mails et SMS envoyés", "responsables": "Responsables légaux",
               "corrections": "Corrections", "journal-dossier": "Journal du dossier"}


def _table(rows: rx.Var, headers: list[str], table_id: str, columns: int) -> rx.Component:
    cells = ["a", "b", "c", "d"][:columns]
    return rx.box(
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in headers])),
            rx.el.tbody(rx.foreach(rows, lambda r: rx.el.tr(*[rx.el.td(getattr(r, c)) for c in cells]))),
            id=table_id, class_name="tableau",
        ),
        # A wide table scrolls sideways on a phone: the region takes the focus so that a keyboard can scroll it.
        overflow_x="auto", width="100%", tab_index=0, role="region", aria_label=TABLE_NAMES.get(table_id, table_id),
    )


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(rx.heading(title, as_="h2", size="5", margin_top="1.5rem", margin_bottom="0.5rem"),
                         *children)


def _note(form_id: str) -> rx.Component:
    return rx.vstack(
        rx.el.label("Motif (conservé au journal)", html_for=f"motif-{form_id}", font_weight="bold"),
        rx.input(id=f"motif-{form_id}", name="note", required=True, size="3", width="100%"),
        spacing="1", width="100%",
    )


def _field(label: str, name: str, form_id: str, value: rx.Var, required: bool = False) -> rx.Component:
    field_id = f"{form_id}-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="bold"),
        rx.input(id=field_id, name=name, default_value=value, required=required, size="3", width="100%",
                 key=value),
        rx.cond(BeneficiaryFileState.errors.contains(name),
                rx.text(BeneficiaryFileState.errors[name], id=f"erreur-{name}", size="2", color="var(--red-11)")),
        spacing="1", width="100%",
    )


def _select(label: str, name: str, field_id: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="bold"),
        rx.el.select(*[rx.el.option(text, value=value) for value, text in options], name=name, id=field_id,
                     class_name="champ-liste"),
        spacing="1", width="100%",
    )


def _account(row: rx.Var[AccountRow]) -> rx.Component:
    return rx.el.li(
        rx.text(row.text, size="2"),
        rx.cond(row.locked, rx.form(
            rx.el.input(type="hidden", name="account_id", value=row.id),
            rx.vstack(
                rx.el.label("Motif du déblocage", html_for="deblocage-" + row.id.to(str), font_weight="bold"),
                rx.input(id="deblocage-" + row.id.to(str), name="note", required=True, size="3", width="100%"),
                rx.button("Débloquer le compte", type="submit", size="3"), spacing="1", width="100%"),
            on_submit=BeneficiaryFileState.unlock, reset_on_submit=True, width="100%")),
        rx.cond(row.can_link, rx.form(
            rx.el.input(type="hidden", name="account_id", value=row.id),
            rx.vstack(
                rx.el.label("Motif de l'envoi du lien", html_for="lien-" + row.id.to(str), font_weight="bold"),
                rx.input(id="lien-" + row.id.to(str), name="note", required=True, size="3", width="100%"),
                rx.button("Renvoyer le lien d'activation ou de mot de passe", type="submit", size="3",
                          variant="outline"), spacing="1", width="100%"),
            on_submit=BeneficiaryFileState.resend, reset_on_submit=True, width="100%")),
        class_name="compte",
    )


def beneficiary_file_page() -> rx.Component:
    s = BeneficiaryFileState
    envelopes = [(str(e), ENVELOPE_LABELS[e]) for e in Envelope]
    return page_layout(
        rx.link("← Nouvelle recherche", href=routes.ADMIN_ASSISTANCE),
        rx.cond(
            s.missing,
            rx.text("Ce dossier n'existe pas.", role="alert"),
            rx.vstack(
                rx.heading(s.name, as_="h1", size="7", id="nom-dossier"),
                rx.cond(s.notice != "", rx.box(s.notice, role="status", id="avis", class_name="avis")),
                rx.cond(s.errors.contains("action"),
                        rx.box(s.errors["action"], role="alert", id="refus", class_name="refus")),
                _table(s.identity, ["Rubrique", "Valeur"], "identite", 2),
                _section("Cartes", _table(s.cards, ["Carte", "État", "Depuis"], "cartes", 3),
                         rx.cond(s.active_card != "", rx.form(
                             rx.el.input(type="hidden", name="card_id", value=s.active_card),
                             rx.vstack(
                                 _select("Déclaration de la famille", "loss", "perte-vol", list(LOSS_CHOICES)),
                                 _note("blocage"),
                                 rx.button("Bloquer la carte", type="submit", size="3"),
                                 spacing="2", width="100%"),
                             on_submit=s.block, reset_on_submit=True, width="100%", id="form-blocage"))),
                _section("Soldes", _table(s.balances, ["Enveloppe", "Solde"], "soldes", 2)),
                _section("Mouvements", _table(s.history, ["Date", "Enveloppe", "Opération", "Montant"],
                                              "mouvements", 4)),
                _section("Responsables légaux (fichier de l'établissement)",
                         _table(s.guardians, ["Nom", "Mobile", "E-mail", "Compte"], "responsables", 4)),
                _section("Comptes", rx.el.ul(rx.foreach(s.accounts, _account), class_name="comptes")),
                _section("E-mails et SMS envoyés",
                         _table(s.messages, ["Date", "Destinataire", "Objet"], "messages", 3)),
                _section("Corriger les coordonnées", rx.form(
                    rx.vstack(
                        _field("Adresse", "address_line", "coord", s.contact["address_line"]),
                        _field("Complément d'adresse", "address_complement", "coord", s.contact["address_complement"]),
                        _field("Code postal", "postal_code", "coord", s.contact["postal_code"]),
                        _field("Code INSEE de la commune", "commune_insee", "coord", s.contact["commune_insee"]),
                        _field("E-mail du responsable légal", "email", "coord", s.contact["email"]),
                        _field("Mobile", "mobile", "coord", s.contact["mobile"]),
                        _note("coordonnees"),
                        rx.button("Corriger les coordonnées", type="submit", size="3"),
                        spacing="2", width="100%"),
                    on_submit=s.correct_contact, width="100%")),
                _section("Correction du solde (validée par un second agent)", rx.form(
                    rx.vstack(
                        _select("Enveloppe", "envelope", "correction-enveloppe", envelopes),
                        _select("Sens", "direction", "correction-sens",
                                [("credit", "Crédit (ajouter)"), ("debit", "Débit (retirer)")]),
                        rx.el.label("Montant (€)", html_for="correction-montant", font_weight="bold"),
                        rx.input(id="correction-montant", name="amount", required=True, size="3", width="100%",
                                 input_mode="decimal"),
                        rx.cond(s.errors.contains("amount"),
                                rx.text(s.errors["amount"], id="erreur-amount", size="2", color="var(--red-11)")),
                        _note("correction"),
                        rx.button("Proposer la correction", type="submit", size="3"),
                        spacing="2", width="100%"),
                    on_submit=s.propose, reset_on_submit=True, width="100%")),
                _section("Corrections", _table(s.corrections, ["Correction", "État", "Motif", "Proposée"],
                                               "corrections", 4)),
                _section("Journal du dossier", _table(s.journal, ["Date", "Action", "Agent", "Motif"],
                                                      "journal-dossier", 4)),
                spacing="3", width="100%",
            ),
        ),
        width="56rem",
    )
