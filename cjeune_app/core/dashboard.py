"""What a youth's home page says ("Tableau de bord"): balances of the season, card, movements,
spending per envelope and what is left to do. Composed from the domains' own reads, checked with
the caller's right to see the youth; plain values only (formatted at the edge, in the UI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.parents import children_of
from cjeune_app.core.accounts.permissions import require_pupil_access, require_signed_in
from cjeune_app.core.cards.api import CardState, card_state
from cjeune_app.core.cards.models import Card
from cjeune_app.core.dates import paris_today
from cjeune_app.core.enrollment.api import enrollment_status
from cjeune_app.core.enums import ENVELOPE_LABELS, Envelope, Role
from cjeune_app.core.errors import Forbidden as PermissionDenied
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import format_cents
from cjeune_app.core.photos.api import photo_state
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.wallet import api as wallet_api

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
    history: list[wallet_api.HistoryLine]
    todos: list[Todo]

    @property
    def can_declare_loss(self) -> bool:
        """"Déclarer ma carte perdue ou volée" is only for an activated card."""
        return self.card.state == "active"


def pupils_of(session: Session, account: Account) -> list[Child]:
    """The youths whose dashboard this account opens: their own, or a parent's children."""
    if account.role == Role.PARENT:
        return [Child(p.id, p.first_name, p.last_name) for p in children_of(session, account)]
    if account.pupil_id is not None:
        pupil = session.get(Pupil, account.pupil_id)
        return [Child(pupil.id, pupil.first_name, pupil.last_name)]
    return []


def chosen_pupil(session: Session, account: Account | None, wanted: int | str | None) -> Child:
    """The youth a page is about: the one asked for (`?enfant=` of a parent's links) if this account
    may see it, else the account's first. PermissionDenied for an id it may not see (whether or not
    it exists) or when it has no youth at all."""
    require_signed_in(account)
    if wanted not in (None, ""):
        try:
            pupil_id = int(wanted)
        except (TypeError, ValueError):
            raise PermissionDenied() from None
        pupil = require_pupil_access(session, account, pupil_id)
        return Child(pupil.id, pupil.first_name, pupil.last_name)
    pupils = pupils_of(session, account)
    if not pupils:
        raise PermissionDenied()
    return pupils[0]


def _todos(session: Session, pupil_id: int, season, card: CardState, credited: bool) -> list[Todo]:
    todos: list[Todo] = []
    if season is None:
        return todos
    enrollment = enrollment_status(session, pupil_id, season)
    if enrollment.renewal_due:
        todos.append(Todo(TODO_RENEWAL, f"Renouveler l'inscription pour la saison {season.code} : "
                                        "vérifiez les informations déjà remplies et validez-les."))
    elif enrollment.status != "completed":
        todos.append(Todo(TODO_ENROLLMENT, f"Terminer l'inscription de la saison {season.code} "
                                           f"(étape {enrollment.current_step} sur 4)."))
    photo = photo_state(session, pupil_id)
    if photo.state == "missing":
        todos.append(Todo(TODO_PHOTO, "Ajouter une photo d'identité : sans elle, la carte ne peut pas "
                                      "être créditée."))
    elif photo.state == "rejected":
        reason = f" Motif\u00a0: {photo.rejection_reason}" if photo.rejection_reason else ""
        todos.append(Todo(TODO_PHOTO, f"La photo d'identité a été refusée.{reason} Envoyez-en une nouvelle."))
    if card.state == "none" and credited:
        todos.append(Todo(TODO_CARD, "Associez la carte CJeune de Provence pour l'utiliser chez les partenaires."))
    elif card.state == "none":
        total = format_cents(sum(wallet_api.season_amounts(season).values()))
        waits = any(t.kind in (TODO_ENROLLMENT, TODO_RENEWAL) for t in todos) or not photo.usable
        todos.append(Todo(TODO_CARD, f"Terminez d'abord ce qui est indiqué dans « À faire », puis associez la "
                                     f"carte CJeune de Provence : elle créditera les {total} d'avantages de la "
                                     "saison." if waits else
                                     f"Associez la carte CJeune de Provence pour créditer les {total} "
                                     "d'avantages de la saison."))
    elif card.state == "blocked":
        todos.append(Todo(TODO_CARD, "La carte est bloquée : associez la nouvelle carte remise par "
                                     "l'établissement, elle reprendra le solde restant."))
    return todos


def youth_dashboard(session: Session, account: Account | None, pupil_id: int | None,
                    today: dt.date | None = None) -> YouthDashboard:
    """The dashboard of `pupil_id` as `account` may see it (PermissionDenied/NotSignedIn otherwise:
    a parent never reads another family's child, whatever id is asked for)."""
    pupil = require_pupil_access(session, account, pupil_id)
    season = current_season(session, today or paris_today())
    card = card_state(session, pupil.id)
    blocked_reason = session.get(Card, card.card_id).blocked_reason if card.state == "blocked" else None
    envelopes: list[EnvelopeSummary] = []
    history: list[wallet_api.HistoryLine] = []
    credited = False
    if season is not None:
        balances = wallet_api.balances(session, pupil.id, season.id)
        spent = wallet_api.spent_per_envelope(session, pupil.id, season.id)
        amounts = wallet_api.season_amounts(season)
        envelopes = [
            EnvelopeSummary(str(envelope), ENVELOPE_LABELS[envelope], balances[envelope], spent[envelope],
                            amounts[envelope])
            for envelope in Envelope
        ]
        history = wallet_api.history(session, pupil.id, season)[:HISTORY_SHOWN]
        credited = wallet_api.is_season_credited(session, pupil.id, season.id)
    return YouthDashboard(
        pupil_id=pupil.id, first_name=pupil.first_name, last_name=pupil.last_name,
        season_code=season.code if season else None, season_ends_on=season.ends_on if season else None,
        credited=credited, envelopes=envelopes, card=card, card_blocked_reason=blocked_reason,
        history=history, todos=_todos(session, pupil.id, season, card, credited),
    )
