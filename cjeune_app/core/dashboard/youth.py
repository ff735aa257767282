"""What a youth's home page says ("Tableau de bord"): balances of the season, card, movements,
spending per envelope and what is left to do. Composed from the domains' own reads, checked with
the caller's right to see the youth; plain values only (formatted at the edge, in the UI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app.core.accounts.models import ParentLink
from cjeune_app.core.actor import Actor
from cjeune_app.core.cards.loss import CardShown, CardState, card_state
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.pocket import PocketCard, pocket_card
from cjeune_app.core.dashboard.history import HistoryLine, history_of_season
from cjeune_app.core.dates import paris_today
from cjeune_app.core.enrollment.api import enrollment_status
from cjeune_app.core.enrollment.models import EnrollmentStatus
from cjeune_app.core.enums import ENVELOPE_LABELS, Envelope, Role
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import format_cents
from cjeune_app.core.photos.api import photo_state
from cjeune_app.core.photos.models import PhotoStatus
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import api as wallet_api
from cjeune_app.core.wallet.history import spent_per_envelope

HISTORY_SHOWN = 50  # a season has a handful of movements; the page never holds more than this

# Kinds of "À faire" items (the UI picks the link or button for each).
TODO_ENROLLMENT = "inscription"
TODO_RENEWAL = "renouvellement"
TODO_PHOTO = "photo"
TODO_CARD = "carte"


@dataclass(frozen=True)
class EnvelopeSummary:
    envelope: str
    label: str  # "Sport & Culture"
    balance_cents: int
    spent_cents: int  # payments minus refunds this season
    season_amount_cents: int


@dataclass(frozen=True)
class Todo:
    kind: str
    text: str  # French, ready to show


@dataclass(frozen=True)
class Child:
    pupil_id: int
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class YouthDashboard:
    pupil_id: int
    first_name: str
    last_name: str
    season_code: str | None  # None between two seasons
    season_ends_on: dt.date | None
    credited: bool  # the season's envelopes were credited
    envelopes: list[EnvelopeSummary]
    card: CardState
    card_blocked_reason: str | None  # "perte" / "vol" when the card shown is blocked
    history: list[HistoryLine]
    todos: list[Todo]
    pocket: PocketCard | None = None  # "Ma carte": the active card to show and scan

    @property
    def can_declare_loss(self) -> bool:
        """"Déclarer ma carte perdue ou volée" is only for an activated card."""
        return self.card.state == CardShown.ACTIVE


def pupils_of(session: Session, actor: Actor) -> list[Child]:
    """The youths whose dashboard this actor opens: their own, or a parent's children."""
    if actor.role is Role.PARENT:
        children = session.exec(
            select(Pupil).join(ParentLink, col(ParentLink.pupil_id) == col(Pupil.id))
            .where(col(ParentLink.parent_account_id) == actor.account_id)
            .order_by(col(Pupil.first_name), col(Pupil.id))
        ).all()
        return [Child(p.id, p.first_name, p.last_name) for p in children if p.id is not None]
    if actor.pupil_id is not None:
        pupil = session.get(Pupil, actor.pupil_id)
        if pupil is not None and pupil.id is not None:
            return [Child(pupil.id, pupil.first_name, pupil.last_name)]
    return []


def _todos(session: Session, pupil_id: int, season: Season | None, card: CardState, credited: bool) -> list[Todo]:
    todos: list[Todo] = []
    if season is None:
        return todos
    enrollment = enrollment_status(session, pupil_id, season)
    if enrollment.renewal_due:
        todos.append(Todo(TODO_RENEWAL, f"Renouveler l'inscription pour la saison {season.code} : "
                                        "vérifiez les informations déjà remplies et validez-les."))
    elif enrollment.status != EnrollmentStatus.COMPLETED:
        todos.append(Todo(TODO_ENROLLMENT, f"Terminer l'inscription de la saison {season.code} "
                                           f"(étape {enrollment.current_step} sur 4)."))
    photo = photo_state(session, pupil_id)
    if photo.state == PhotoStatus.MISSING:
        todos.append(Todo(TODO_PHOTO, "Ajouter une photo d'identité : sans elle, la carte ne peut pas "
                                      "être créditée."))
    elif photo.state == PhotoStatus.REJECTED:
        reason = f" Motif\u00a0: {photo.rejection_reason}" if photo.rejection_reason else ""
        todos.append(Todo(TODO_PHOTO, f"La photo d'identité a été refusée.{reason} Envoyez-en une nouvelle."))
    if card.state == CardShown.NONE and credited:
        todos.append(Todo(TODO_CARD, "Associez la carte CJeune de Provence pour l'utiliser chez les partenaires."))
    elif card.state == CardShown.NONE:
        total = format_cents(sum(wallet_api.season_amounts(season).values()))
        waits = any(t.kind in (TODO_ENROLLMENT, TODO_RENEWAL) for t in todos) or not photo.usable
        todos.append(Todo(TODO_CARD, f"Terminez d'abord ce qui est indiqué dans « À faire », puis associez la "
                                     f"carte CJeune de Provence : elle créditera les {total} d'avantages de la "
                                     "saison." if waits else
                                     f"Associez la carte CJeune de Provence pour créditer les {total} "
                                     "d'avantages de la saison."))
    elif card.state == CardShown.BLOCKED:
        todos.append(Todo(TODO_CARD, "La carte est bloquée : associez la nouvelle carte remise par "
                                     "l'établissement, elle reprendra le solde restant."))
    return todos


def youth_dashboard(session: Session, pupil: Pupil, today: dt.date | None = None) -> YouthDashboard:
    """The dashboard of a youth (whose right to see it the use case checked)."""
    assert pupil.id is not None
    season = current_season(session, today or paris_today())
    card = card_state(session, pupil.id)
    blocked = session.get(Card, card.card_id) if card.state == CardShown.BLOCKED and card.card_id else None
    blocked_reason = blocked.blocked_reason if blocked is not None else None
    envelopes: list[EnvelopeSummary] = []
    history: list[HistoryLine] = []
    credited = False
    if season is not None and season.id is not None:
        balances = wallet_api.balances(session, pupil.id, season.id)
        spent = spent_per_envelope(session, pupil.id, season.id)
        amounts = wallet_api.season_amounts(season)
        envelopes = [
            EnvelopeSummary(str(envelope), ENVELOPE_LABELS[envelope], balances[envelope], spent[envelope],
                            amounts[envelope])
            for envelope in Envelope
        ]
        history = history_of_season(session, pupil.id, season)[:HISTORY_SHOWN]
        credited = wallet_api.is_season_credited(session, pupil.id, season.id)
    return YouthDashboard(
        pupil_id=pupil.id, first_name=pupil.first_name, last_name=pupil.last_name,
        season_code=season.code if season else None, season_ends_on=season.ends_on if season else None,
        credited=credited, envelopes=envelopes, card=card, card_blocked_reason=blocked_reason,
        history=history, todos=_todos(session, pupil.id, season, card, credited),
        pocket=pocket_card(session, pupil.id, pupil.first_name) if card.state == CardShown.ACTIVE else None,
    )
