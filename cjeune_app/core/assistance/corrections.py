"""Manual ledger corrections, four eyes: one agent proposes (nothing moves), another approves (the
money moves through the ledger like every movement: wallet.api.correct, idempotent under the key
`correction:<id>`, never below zero) or refuses. The database refuses an approval by the proposer
(CHECK four_eyes) even if code forgot."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from cjeune_app.core.assistance import errors
from cjeune_app.core.assistance.models import CorrectionStatus, LedgerCorrection
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Envelope
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet.api import Movement, correct, get_or_create_wallet
from cjeune_app.core.wallet.limits import MAX_AMOUNT_CENTS

MAX_REASON = 500


def clean_reason(reason: str | None) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise errors.ReasonRequired()
    return cleaned[:MAX_REASON]


def correction_key(correction_id: int) -> str:
    return f"correction:{correction_id}"


def propose(
    session: Session, agent_account_id: int, pupil_id: int, season: Season, envelope: str, amount_cents: int,
    reason: str, *, now: dt.datetime | None = None,
) -> LedgerCorrection:
    if session.get(Pupil, pupil_id) is None:
        raise errors.BeneficiaryNotFound()
    if envelope not in {str(e) for e in Envelope}:
        raise errors.InvalidCorrectionAmount()
    if not isinstance(amount_cents, int) or amount_cents == 0 or abs(amount_cents) > MAX_AMOUNT_CENTS:
        raise errors.InvalidCorrectionAmount()
    assert season.id is not None
    correction = LedgerCorrection(
        pupil_id=pupil_id, season_id=season.id, envelope=envelope, amount_cents=amount_cents,
        reason=clean_reason(reason), proposed_by_account_id=agent_account_id, proposed_at=now or utcnow(),
    )
    session.add(correction)
    session.flush()
    return correction


def _pending(session: Session, correction_id: int) -> LedgerCorrection:
    correction = session.exec(
        select(LedgerCorrection).where(col(LedgerCorrection.id) == correction_id).with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if correction is None:
        raise errors.CorrectionNotFound()
    if correction.status != CorrectionStatus.PROPOSED:
        raise errors.CorrectionAlreadyDecided()
    return correction


def approve(session: Session, agent_account_id: int, correction_id: int, *,
            now: dt.datetime | None = None) -> tuple[LedgerCorrection, Movement]:
    """The second agent's approval moves the money (refused: the proposer; a decided correction;
    a debit larger than the balance; a closed season — then the correction stays proposed)."""
    correction = _pending(session, correction_id)
    if correction.proposed_by_account_id == agent_account_id:
        raise errors.SameAgentCannotApprove()
    assert correction.id is not None
    wallet = get_or_create_wallet(session, correction.pupil_id, correction.season_id, correction.envelope)
    movement = correct(session, wallet, correction.amount_cents, correction_key(correction.id),
                       f"Correction n°{correction.id} : {correction.reason}")
    correction.status = CorrectionStatus.APPROVED
    correction.decided_by_account_id, correction.decided_at = agent_account_id, now or utcnow()
    correction.ledger_entry_id = movement.entry_id
    session.add(correction)
    session.flush()
    return correction, movement


def refuse(session: Session, agent_account_id: int, correction_id: int, note: str,
           *, now: dt.datetime | None = None) -> LedgerCorrection:
    """Another agent refuses it (nothing moves); the proposer may withdraw their own."""
    correction = _pending(session, correction_id)
    correction.status = CorrectionStatus.REFUSED
    correction.decided_by_account_id = agent_account_id if agent_account_id != correction.proposed_by_account_id \
        else None
    correction.decided_at, correction.decision_note = now or utcnow(), clean_reason(note)
    session.add(correction)
    session.flush()
    return correction


def pending_corrections(session: Session) -> list[LedgerCorrection]:
    return list(session.exec(select(LedgerCorrection).where(col(LedgerCorrection.status) == CorrectionStatus.PROPOSED)
                             .order_by(col(LedgerCorrection.proposed_at))).all())


def count_pending(session: Session) -> int:
    return len(session.exec(select(col(LedgerCorrection.id)).where(
        col(LedgerCorrection.status) == CorrectionStatus.PROPOSED)).all())
