"""A card declared lost or stolen ("Déclarer ma carte perdue ou volée"), and the card state the
dashboard shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case
from sqlmodel import Session, col, select

from cjeune_app.core.cards import errors
from cjeune_app.core.cards.association import lock_account_for, locked
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import mask_card_number
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import CardStatus
from cjeune_app.core.establishments.models import Pupil

LOSS_REASONS = {"perte": "Perte", "vol": "Vol"}


def declare_lost(
    session: Session, account_id: int, pupil_id: int, card_id: int, reason: str,
    *, now: dt.datetime | None = None,
) -> Card:
    """"Déclarer ma carte perdue ou volée": only an active card; blocked at once (no payment passes:
    a payment in flight finishes first, any later one sees the card blocked). Declaring it again is
    harmless."""
    if reason not in LOSS_REASONS:
        raise errors.InvalidLossReason()
    lock_account_for(session, account_id, pupil_id)
    if locked(session, Pupil, pupil_id) is None:
        raise errors.NotAllowedForPupil()
    card = session.exec(  # FOR UPDATE: waits for the payments in flight (they key-share-lock the card)
        select(Card).where(col(Card.id) == card_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if card is None or card.pupil_id != pupil_id:
        raise errors.OnlyActiveCardDeclaredLost()
    if card.status == CardStatus.BLOCKED:
        return card
    if card.status != CardStatus.ACTIVE:
        raise errors.OnlyActiveCardDeclaredLost()
    card.status, card.blocked_at, card.blocked_reason = CardStatus.BLOCKED, now or utcnow(), reason
    session.add(card)
    session.flush()
    return card


class CardShown(StrEnum):
    NONE = "none"  # to associate
    ACTIVE = "active"
    BLOCKED = "blocked"  # lost, no replacement yet


@dataclass(frozen=True)
class CardState:
    """For the dashboard: "active", "blocked" (lost, no replacement yet) or "none" (to associate)."""

    state: CardShown
    card_id: int | None
    masked_number: str | None


def card_state(session: Session, pupil_id: int) -> CardState:
    # The active card, else the latest one: in one statement (the dashboard asks on every opening).
    card = session.exec(
        select(Card).where(col(Card.pupil_id) == pupil_id)
        .order_by(case((col(Card.status) == CardStatus.ACTIVE, 0), else_=1), col(Card.activated_at).desc(),
                  col(Card.id).desc())
    ).first()
    if card is None:
        return CardState(CardShown.NONE, None, None)
    return CardState(CardShown(card.status), card.id, mask_card_number(card.number))
