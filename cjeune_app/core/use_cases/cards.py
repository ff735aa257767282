"""Cards: "Associer une carte", "Déclarer ma carte perdue ou volée", the card's state for those
screens, and the agents' card batches (page, downloads, command line)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.accounts import family_emails
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.cards import association, loss, printing
from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards.association import AssociationResult
from cjeune_app.core.cards.loss import CardState
from cjeune_app.core.cards.numbers import mask_card_number
from cjeune_app.core.cards.printing import BatchSummary, IssuedBatch
from cjeune_app.core.dates import paris_today
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden, Refusal
from cjeune_app.core.permissions import require_role, require_signed_in
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.use_cases.dashboard import FamilyScreen, chosen_child
from cjeune_app.core.use_cases.family import Header, PageRead
from cjeune_app.core.use_cases.sessions import SessionDigest, actor_in


@dataclass(frozen=True)
class AssociationScreen:
    family: FamilyScreen
    blockers: list[Refusal]  # what stops the association now (a closed season included)
    card: CardState


@dataclass(frozen=True)
class LossScreen:
    family: FamilyScreen
    card: CardState


@dataclass(frozen=True)
class DeclaredLoss:
    masked_number: str
    reason: str  # perte, vol


def association_read(wanted: str | None) -> PageRead:
    """The screen as the page's opening reads it (`family.open_page`, one unit of work with the actor's
    lookup); None when that youth is not the actor's to see."""
    def read(session: Session, actor: Actor, _header: Header) -> AssociationScreen | None:
        try:
            return _association_screen_in(session, actor, wanted)
        except Forbidden:
            return None
    return read


def _association_screen_in(session: Session, actor: Actor, wanted: str | None) -> AssociationScreen:
    family = chosen_child(session, actor, wanted)
    pupil_id = family.child.pupil_id
    season = current_season(session, paris_today())
    blockers: list[Refusal] = (association.association_blockers(session, pupil_id, season)
                               if season is not None else [card_errors.NoOpenSeason()])
    return AssociationScreen(family, blockers, loss.card_state(session, pupil_id))


def associate_card(who: Actor | SessionDigest | None, pupil_id: int, typed_number: str,
                   idempotency_key: str) -> AssociationResult:
    """"Terminer": the core checks that this account may act for the youth, under its lock. The actor
    may be given as the page's session digest: resolved in the same transaction."""
    with session_scope() as session:  # commits a counted wrong number (keep_changes)
        actor = require_signed_in(actor_in(session, who))
        result = association.associate_card(session, actor.account_id, pupil_id, typed_number, idempotency_key)
        if result.credited_cents > 0 and not result.replayed:  # a replayed request mails nothing
            family_emails.send_card_credited(session, pupil_id, result.first_name, result.credited_cents,
                                             result.season_code)
        return result


def loss_screen(actor: Actor | None, wanted: str | None) -> LossScreen:
    with session_scope(read_only=True) as session:
        family = chosen_child(session, actor, wanted)
        return LossScreen(family, loss.card_state(session, family.child.pupil_id))


def declare_lost(actor: Actor | None, pupil_id: int, card_id: int, reason: str) -> DeclaredLoss:
    actor = require_signed_in(actor)
    with session_scope() as session:
        card = loss.declare_lost(session, actor.account_id, pupil_id, card_id, reason)
        return DeclaredLoss(mask_card_number(card.number), card.blocked_reason or reason)


def recent_card_batches(actor: Actor | None) -> list[BatchSummary]:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        return printing.recent_batches(session)


def issue_card_batch(actor: Actor | None, establishment_uai: str, count: int) -> IssuedBatch:
    require_role(actor, Role.AGENT)
    with session_scope() as session:
        batch = printing.issue_cards(session, establishment_uai, count)
        record(session, actor, AuditAction.CARD_BATCH_ISSUED, target_kind=AuditTarget.CARD_BATCH,
               target_id=batch.batch_id, target_label=f"{batch.establishment_name} ({batch.establishment_uai})",
               details=f"{len(batch.numbers)} cartes")
        return batch


def card_batch(actor: Actor | None, batch_id: int) -> IssuedBatch:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        batch = printing.batch_by_id(session, batch_id)
    if batch is None:
        raise card_errors.BatchNotFound()
    return batch
