"""What a youth's home page says ("Tableau de bord"): balances of the season, card, movements,
spending per envelope and what is left to do. Composed from the domains' own reads, checked with
the caller's right to see the youth; plain values only (formatted at the edge, in the UI)."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlmodel import Session, col, select

from cjeune_app.core.accounts.models import ParentLink
from cjeune_app.core.actor import Actor
from cjeune_app.core.cards.loss import CardShown, CardState
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import format_card_number, mask_card_number
from cjeune_app.core.cards.pocket import PocketCard
from cjeune_app.core.cards.printing import card_qr_svg
from cjeune_app.core.dashboard.history import HistoryLine, history_lines
from cjeune_app.core.dates import paris_today
from cjeune_app.core.enrollment.models import Enrollment, EnrollmentStatus
from cjeune_app.core.enums import ENVELOPE_LABELS, CardStatus, Envelope, LedgerKind, Role
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import format_cents
from cjeune_app.core.photos.api import PhotoState, photo_bytes
from cjeune_app.core.photos.errors import PhotoNotFound
from cjeune_app.core.photos.models import Photo, PhotoStatus
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet.models import LedgerEntry, Wallet

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


# --- the board's facts, in one statement -----------------------------------------------------------
# Every opening of the dashboard reads them: one Core statement (plain tuples, no ORM entity) rather
# than one read per domain. Each column follows the rule of the domain function named beside it.

_pupil: sa.Table = Pupil.__table__  # type: ignore[attr-defined]
_season: sa.Table = Season.__table__  # type: ignore[attr-defined]
_card: sa.Table = Card.__table__  # type: ignore[attr-defined]
_photo: sa.Table = Photo.__table__  # type: ignore[attr-defined]
_enrollment: sa.Table = Enrollment.__table__  # type: ignore[attr-defined]
_wallet: sa.Table = Wallet.__table__  # type: ignore[attr-defined]
_entry: sa.Table = LedgerEntry.__table__  # type: ignore[attr-defined]


def _facts_statement() -> sa.Select[Any]:
    pupil_id = _pupil.c.id
    season = (  # seasons.api.current_season
        sa.select(_season.c.id, _season.c.code, _season.c.starts_on, _season.c.ends_on,
                  _season.c.sport_culture_cents, _season.c.soutien_scolaire_cents)
        .where(_season.c.starts_on <= sa.bindparam("today"), _season.c.ends_on >= sa.bindparam("today"))
        .limit(1).subquery("current_season")
    )
    card_id = (  # cards.loss.card_state: the active card, else the latest one
        sa.select(_card.c.id).where(_card.c.pupil_id == pupil_id)
        .order_by(sa.case((_card.c.status == CardStatus.ACTIVE, 0), else_=1), _card.c.activated_at.desc(),
                  _card.c.id.desc())
        .limit(1).correlate(_pupil).scalar_subquery()
    )
    photo_id = (  # photos.api.current_photo
        sa.select(_photo.c.id).where(_photo.c.pupil_id == pupil_id, _photo.c.superseded_at.is_(None))
        .order_by(_photo.c.created_at.desc(), _photo.c.id.desc())
        .limit(1).correlate(_pupil).scalar_subquery()
    )
    own_wallets = (_wallet.c.pupil_id == pupil_id) & (_wallet.c.season_id == season.c.id)
    entries = _entry.join(_wallet, _wallet.c.id == _entry.c.wallet_id)

    def balance(envelope: Envelope) -> sa.ScalarSelect[Any]:  # wallet.api.balances
        return (sa.select(_wallet.c.balance_cents).where(own_wallets, _wallet.c.envelope == envelope)
                .limit(1).scalar_subquery())

    # wallet.history.spent_per_envelope (OR, not IN: a list's IN is rendered again at each execution)
    def spent(envelope: Envelope) -> sa.ScalarSelect[Any]:
        return (sa.select(sa.func.sum(_entry.c.amount_cents)).select_from(entries)
                .where(own_wallets, _wallet.c.envelope == envelope,
                       sa.or_(_entry.c.kind == LedgerKind.DEBIT, _entry.c.kind == LedgerKind.REFUND)).scalar_subquery())

    earlier = _season.alias("earlier_season")
    enrolled_before = sa.exists(  # enrollment.api._last_completed_before
        sa.select(_enrollment.c.id).join(earlier, earlier.c.id == _enrollment.c.season_id)
        .where(_enrollment.c.pupil_id == pupil_id, _enrollment.c.status == EnrollmentStatus.COMPLETED,
               earlier.c.starts_on < season.c.starts_on)
    )
    this_enrollment = _enrollment.alias("this_enrollment")  # enrollment.api._find
    return (
        sa.select(
            _pupil.c.first_name, _pupil.c.last_name,
            season.c.id.label("season_id"), season.c.code, season.c.ends_on,
            season.c.sport_culture_cents, season.c.soutien_scolaire_cents,
            _card.c.id.label("card_id"), _card.c.status.label("card_status"), _card.c.number,
            _card.c.blocked_reason,
            _photo.c.id.label("photo_id"), _photo.c.status.label("photo_status"), _photo.c.rejection_reason,
            this_enrollment.c.status.label("enrollment_status"), this_enrollment.c.current_step,
            enrolled_before.label("enrolled_before"),
            *[balance(envelope).label(f"balance_{envelope}") for envelope in Envelope],
            *[spent(envelope).label(f"spent_{envelope}") for envelope in Envelope],
            sa.exists(sa.select(_entry.c.id).select_from(entries)  # wallet.api.is_season_credited
                      .where(own_wallets, _entry.c.kind == LedgerKind.CREDIT)).label("credited"),
            sa.exists(sa.select(_entry.c.id).select_from(entries).where(own_wallets)).label("moved"),
        )
        .select_from(
            _pupil.outerjoin(season, sa.true())
            .outerjoin(this_enrollment, (this_enrollment.c.pupil_id == pupil_id)
                       & (this_enrollment.c.season_id == season.c.id))
            .outerjoin(_card, _card.c.id == card_id)
            .outerjoin(_photo, _photo.c.id == photo_id)
        )
        .where(pupil_id == sa.bindparam("pupil_id"))
    )


_FACTS = _facts_statement()


@dataclass(frozen=True)
class _Enrollment:
    """What "À faire" needs of the season's enrollment (enrollment.api.enrollment_status)."""

    status: str
    current_step: int
    renewal_due: bool


def _todos(season: Row[Any] | None, enrollment: _Enrollment, photo: PhotoState, card: CardState,
           credited: bool) -> list[Todo]:
    todos: list[Todo] = []
    if season is None:
        return todos
    if enrollment.renewal_due:
        todos.append(Todo(TODO_RENEWAL, f"Renouveler l'inscription pour la saison {season.code} : "
                                        "vérifiez les informations déjà remplies et validez-les."))
    elif enrollment.status != EnrollmentStatus.COMPLETED:
        todos.append(Todo(TODO_ENROLLMENT, f"Terminer l'inscription de la saison {season.code} "
                                           f"(étape {enrollment.current_step} sur 4)."))
    if photo.state == PhotoStatus.MISSING:
        todos.append(Todo(TODO_PHOTO, "Ajouter une photo d'identité : sans elle, la carte ne peut pas "
                                      "être créditée."))
    elif photo.state == PhotoStatus.REJECTED:
        reason = f" Motif\u00a0: {photo.rejection_reason}" if photo.rejection_reason else ""
        todos.append(Todo(TODO_PHOTO, f"La photo d'identité a été refusée.{reason} Envoyez-en une nouvelle."))
    if card.state == CardShown.NONE and credited:
        todos.append(Todo(TODO_CARD, "Associez la carte CJeune de Provence pour l'utiliser chez les partenaires."))
    elif card.state == CardShown.NONE:
        total = format_cents(season.sport_culture_cents + season.soutien_scolaire_cents)
        waits = any(t.kind in (TODO_ENROLLMENT, TODO_RENEWAL) for t in todos) or not photo.usable
        todos.append(Todo(TODO_CARD, f"Terminez d'abord ce qui est indiqué dans « À faire », puis associez la "
                                     f"carte CJeune de Provence : elle créditera les {total} d'avantages de la "
                                     "saison." if waits else
                                     f"Associez la carte CJeune de Provence pour créditer les {total} "
                                     "d'avantages de la saison."))
    elif card.state == CardShown.BLOCKED:
        todos.append(Todo(TODO_CARD, "La carte est bloquée : associez la nouvelle carte remise par "
                                     "l'établissement, elle reprendra le solde restant."))
    return todos


def _season_enrollment(facts: Row[Any]) -> _Enrollment:
    if facts.enrollment_status is None:  # not started: a renewal when an earlier season was completed
        return _Enrollment(EnrollmentStatus.NOT_STARTED, 1, bool(facts.enrolled_before))
    completed = facts.enrollment_status == EnrollmentStatus.COMPLETED
    return _Enrollment(facts.enrollment_status, facts.current_step, bool(facts.enrolled_before) and not completed)


def _photo_state(facts: Row[Any]) -> PhotoState:
    if facts.photo_id is None:
        return PhotoState(PhotoStatus.MISSING)
    return PhotoState(PhotoStatus(facts.photo_status), facts.photo_id, facts.rejection_reason)


def _pocket(session: Session, facts: Row[Any]) -> PocketCard:
    """"Ma carte" (cards.pocket.pocket_card) from the card and photo already read."""
    photo = None
    if facts.photo_status == PhotoStatus.VALIDATED:
        with contextlib.suppress(PhotoNotFound):
            photo = "data:image/jpeg;base64," + base64.b64encode(photo_bytes(session, facts.photo_id)[1]).decode()
    return PocketCard(facts.first_name, mask_card_number(facts.number), format_card_number(facts.number),
                      card_qr_svg(facts.number), photo)


def board_of(session: Session, pupil_id: int, today: dt.date | None = None) -> YouthDashboard | None:
    """The dashboard of a youth (whose right to see it the use case checked); None when there is no
    such youth. One statement, plus the season's movements when there are some."""
    session.flush()  # what this unit of work changed is part of what it reads (cheap when nothing did)
    facts = session.connection().execute(_FACTS, {"pupil_id": pupil_id, "today": today or paris_today()}).first()
    if facts is None:
        return None
    season = facts if facts.season_id is not None else None
    card = (CardState(CardShown(facts.card_status), facts.card_id, mask_card_number(facts.number))
            if facts.card_id is not None else CardState(CardShown.NONE, None, None))
    envelopes: list[EnvelopeSummary] = []
    history: list[HistoryLine] = []
    credited = bool(facts.credited) if season else False
    if season is not None:
        amounts = {Envelope.SPORT_CULTURE: season.sport_culture_cents,
                   Envelope.SOUTIEN_SCOLAIRE: season.soutien_scolaire_cents}
        envelopes = [
            EnvelopeSummary(str(envelope), ENVELOPE_LABELS[envelope], facts._mapping[f"balance_{envelope}"] or 0,
                            -int(facts._mapping[f"spent_{envelope}"] or 0), amounts[envelope])
            for envelope in Envelope
        ]
        if facts.moved:
            history = history_lines(session, pupil_id, season.season_id, season.code, HISTORY_SHOWN)
    return YouthDashboard(
        pupil_id=pupil_id, first_name=facts.first_name, last_name=facts.last_name,
        season_code=season.code if season else None, season_ends_on=season.ends_on if season else None,
        credited=credited, envelopes=envelopes, card=card,
        card_blocked_reason=facts.blocked_reason if card.state == CardShown.BLOCKED else None,
        history=history, todos=_todos(season, _season_enrollment(facts), _photo_state(facts), card, credited),
        pocket=_pocket(session, facts) if card.state == CardShown.ACTIVE else None,
    )


def youth_dashboard(session: Session, pupil: Pupil, today: dt.date | None = None) -> YouthDashboard:
    """The dashboard of a youth (whose right to see it the use case checked)."""
    assert pupil.id is not None
    board = board_of(session, pupil.id, today)
    assert board is not None
    return board
