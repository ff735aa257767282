""""Associer une carte": the youth's card activated and the season's envelopes credited once.

A card is only a key to the youth's wallets: balances belong to the youth (wallet per youth, season
and envelope), so a replacement card carries them without any transfer, and the season's credit
happens once per youth whatever the number of cards.

Operations take the caller's session and never commit (the caller's `session_scope` does). A wrong
card number is recorded for throttling even though the association is refused (`keep_changes`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NoReturn, TypeVar

from sqlmodel import Session, col, select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.cards import errors
from cjeune_app.core.cards.models import Card, CardAssociationAttempt
from cjeune_app.core.cards.numbers import is_well_formed, mask_card_number, normalize_card_number
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.models import Enrollment, EnrollmentStatus
from cjeune_app.core.enums import CardStatus, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import paris_today
from cjeune_app.core.photos.api import photo_state
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import api as wallet_api
from cjeune_app.core.wallet.errors import InvalidIdempotencyKey
from cjeune_app.core.wallet.limits import MAX_KEY_LENGTH

WRONG_NUMBERS_ALLOWED = 5
WRONG_NUMBERS_WINDOW = dt.timedelta(minutes=15)


class AssociationOutcome(StrEnum):
    ACTIVATED = "activated"
    ALREADY = "already"  # the same card again: harmless
    UNKNOWN = "unknown"  # the wrong ones below are counted for throttling
    TAKEN = "taken"
    BLOCKED = "blocked"


WRONG_OUTCOMES = (AssociationOutcome.UNKNOWN, AssociationOutcome.TAKEN, AssociationOutcome.BLOCKED)


def has_usable_photo(session: Session, pupil_id: int) -> bool:
    """The current photo exists and was not rejected (waiting for an agent is enough)."""
    return photo_state(session, pupil_id).usable


def enrollment_completed(session: Session, pupil_id: int, season_id: int) -> bool:
    status = session.exec(
        select(col(Enrollment.status)).where(Enrollment.pupil_id == pupil_id, Enrollment.season_id == season_id)
    ).first()
    return status == EnrollmentStatus.COMPLETED


def association_blockers(session: Session, pupil_id: int, season: Season) -> list[Refusal]:
    """What stops this youth from associating a card this season (empty: nothing).

    The photo is needed for the request that credits the season; a replacement card associated
    after the credit moves no money and does not ask for it again."""
    blockers: list[Refusal] = []
    assert season.id is not None
    if not enrollment_completed(session, pupil_id, season.id):
        blockers.append(errors.EnrollmentNotCompleted(season.code))
    if not wallet_api.is_season_credited(session, pupil_id, season.id) and not has_usable_photo(session, pupil_id):
        blockers.append(errors.PhotoMissing())
    return blockers


@dataclass(frozen=True)
class AssociationResult:
    card_id: int
    masked_number: str
    pupil_id: int
    season_code: str
    credited_cents: int  # credited by this association; 0 when the season had been credited before
    balances: dict[str, int]
    replaces_card_id: int | None
    was_already_associated: bool
    first_name: str  # the youth's, for the family's e-mail
    # The answer of an earlier request with the same idempotency key (not part of the answer's value).
    replayed: bool = field(default=False, compare=False)


LockedRow = TypeVar("LockedRow", Account, Pupil, Card)


def locked(session: Session, model: type[LockedRow], row_id: int) -> LockedRow | None:
    """The row, locked FOR NO KEY UPDATE (PostgreSQL) until the end of the transaction."""
    return session.exec(
        select(model).where(col(model.id) == row_id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).first()


def may_act_for(session: Session, account: Account, pupil_id: int) -> bool:
    """The youth themself, a parent linked to them, or an agent of the Département (assistance)."""
    if not account.is_active:
        return False
    if account.role == Role.AGENT or account.pupil_id == pupil_id:
        return True
    return account.role == Role.PARENT and session.exec(
        select(col(ParentLink.id)).where(ParentLink.parent_account_id == account.id, ParentLink.pupil_id == pupil_id)
    ).first() is not None


def lock_account_for(session: Session, account_id: int, pupil_id: int) -> Account:
    account = locked(session, Account, account_id)  # one attempt at a time per account (throttle)
    if account is None or not may_act_for(session, account, pupil_id):
        raise errors.NotAllowedForPupil()
    return account


def _check_throttle(session: Session, account_id: int, now: dt.datetime) -> None:
    recent = session.exec(
        select(col(CardAssociationAttempt.created_at)).where(
            col(CardAssociationAttempt.account_id) == account_id,
            col(CardAssociationAttempt.outcome).in_(WRONG_OUTCOMES),
            col(CardAssociationAttempt.created_at) > now - WRONG_NUMBERS_WINDOW,
        ).order_by(col(CardAssociationAttempt.created_at).desc()).limit(WRONG_NUMBERS_ALLOWED)
    ).all()
    if len(recent) >= WRONG_NUMBERS_ALLOWED:
        free_at = recent[-1] + WRONG_NUMBERS_WINDOW
        raise errors.WrongNumbersThrottled(max(1, math.ceil((free_at - now).total_seconds() / 60)))


def _refuse_wrong_number(
    session: Session, error: Refusal, account_id: int, pupil_id: int, season_id: int | None, card_id: int | None,
    outcome: AssociationOutcome, now: dt.datetime,
) -> NoReturn:
    session.add(CardAssociationAttempt(account_id=account_id, pupil_id=pupil_id, card_id=card_id,
                                       season_id=season_id, outcome=outcome, created_at=now))
    session.flush()
    raise error


def active_card(session: Session, pupil_id: int) -> Card | None:
    return session.exec(select(Card).where(Card.pupil_id == pupil_id, Card.status == CardStatus.ACTIVE)).first()


def _pupil_cards(session: Session, pupil_id: int) -> tuple[bool, int | None]:
    """Whether the youth has an active card, and their latest blocked card that no other card replaces
    yet (a card only ever replaces a card of its own youth): one read of the youth's few cards."""
    cards = session.exec(
        select(col(Card.id), col(Card.status), col(Card.blocked_at), col(Card.replaces_card_id))
        .where(Card.pupil_id == pupil_id)
    ).all()
    replaced = {replaces for _, _, _, replaces in cards}
    blocked = [(blocked_at, card_id) for card_id, status, blocked_at, _ in cards
               if status == CardStatus.BLOCKED and card_id not in replaced]
    latest = max(blocked, default=None)
    return any(status == CardStatus.ACTIVE for _, status, _, _ in cards), latest[1] if latest else None


def _replayed_association(
    session: Session, attempt: CardAssociationAttempt, pupil_id: int, number: str,
) -> AssociationResult:
    card = session.get(Card, attempt.card_id)
    if card is None or card.id is None or attempt.pupil_id != pupil_id or card.number != number:
        raise errors.AssociationKeyReused()
    season, pupil = session.get(Season, attempt.season_id), session.get(Pupil, pupil_id)
    assert season is not None and season.id is not None and pupil is not None
    return AssociationResult(card.id, mask_card_number(card.number), pupil_id, season.code,
                             attempt.credited_cents, wallet_api.balances(session, pupil_id, season.id),
                             card.replaces_card_id, attempt.outcome == AssociationOutcome.ALREADY,
                             pupil.first_name, replayed=True)


def associate_card(
    session: Session, account_id: int, pupil_id: int, typed_number: str, idempotency_key: str,
    *, now: dt.datetime | None = None,
) -> AssociationResult:
    """"Associer une carte" → "Terminer": activates the card for the youth and credits the season's
    envelopes once per youth and season. The same card again is harmless; the same key again
    returns the first result.

    Run it in its own `session_scope`: a wrong number is refused with `keep_changes`, so the scope
    commits the recorded attempt (throttling) — and whatever else the transaction had written."""
    now = now or utcnow()
    number = normalize_card_number(typed_number)
    if not is_well_formed(number):
        raise errors.InvalidCardNumber()
    if not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        raise InvalidIdempotencyKey()
    account = lock_account_for(session, account_id, pupil_id)
    first = session.exec(
        select(CardAssociationAttempt).where(col(CardAssociationAttempt.idempotency_key) == idempotency_key)
    ).first()
    if first is not None:
        return _replayed_association(session, first, pupil_id, number)
    assert account.id is not None
    _check_throttle(session, account.id, now)
    pupil = locked(session, Pupil, pupil_id)  # one association at a time per youth
    if pupil is None:
        raise errors.NotAllowedForPupil()
    season = current_season(session, paris_today(now))
    if season is None:
        raise errors.NoOpenSeason()
    blockers = association_blockers(session, pupil_id, season)
    if blockers:
        raise blockers[0]
    assert season.id is not None
    account_id, season_id = account.id, season.id

    def refuse_wrong_number(error: Refusal, card_id: int | None, outcome: AssociationOutcome) -> NoReturn:
        _refuse_wrong_number(session, error, account_id, pupil_id, season_id, card_id, outcome, now)

    card = session.exec(
        select(Card).where(col(Card.number) == number)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).first()
    if card is None or card.id is None:
        refuse_wrong_number(errors.CardNotFound(), None, AssociationOutcome.UNKNOWN)
    if card.pupil_id is not None and card.pupil_id != pupil_id:
        refuse_wrong_number(errors.CardHeldByAnotherAccount(), card.id, AssociationOutcome.TAKEN)
    if card.status == CardStatus.BLOCKED:
        if card.pupil_id == pupil_id:
            raise errors.OwnCardBlocked()
        refuse_wrong_number(errors.CardBlockedAtAssociation(), card.id, AssociationOutcome.BLOCKED)

    already = card.status == CardStatus.ACTIVE
    if not already:
        has_active, replaces_card_id = _pupil_cards(session, pupil_id)
        if has_active:
            raise errors.AnotherCardActive()
        card.replaces_card_id = replaces_card_id
        card.status, card.pupil_id, card.activated_at = CardStatus.ACTIVE, pupil_id, now
        session.add(card)
        session.flush()
    credited = wallet_api.credit_season(session, pupil_id, season, card_id=card.id)
    session.add(CardAssociationAttempt(
        account_id=account.id, pupil_id=pupil_id, card_id=card.id, season_id=season.id,
        outcome=AssociationOutcome.ALREADY if already else AssociationOutcome.ACTIVATED,
        idempotency_key=idempotency_key,
        credited_cents=credited, created_at=now,
    ))
    session.flush()
    return AssociationResult(card.id, mask_card_number(card.number), pupil_id, season.code, credited,
                             wallet_api.balances(session, pupil_id, season.id), card.replaces_card_id,
                             already, pupil.first_name)
