"""What a youth's wallets went through: spending per envelope, and the movements of a season as
the ledger stores them (the dashboard adds the partners' names, core.dashboard.history)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.enums import Envelope, LedgerKind
from cjeune_app.core.wallet.models import LedgerEntry, Wallet


def spent_per_envelope(session: Session, pupil_id: int, season_id: int) -> dict[str, int]:
    """What was paid from each envelope, refunds deducted (for the dashboard's chart)."""
    result = {str(envelope): 0 for envelope in Envelope}
    rows = session.exec(
        select(col(Wallet.envelope), sa.func.sum(col(LedgerEntry.amount_cents)))
        .join(LedgerEntry, col(LedgerEntry.wallet_id) == col(Wallet.id))
        .where(col(Wallet.pupil_id) == pupil_id, col(Wallet.season_id) == season_id,
               col(LedgerEntry.kind).in_([LedgerKind.DEBIT, LedgerKind.REFUND]))
        .group_by(col(Wallet.envelope))
    ).all()
    for envelope, total in rows:
        result[envelope] = -int(total or 0)
    return result
