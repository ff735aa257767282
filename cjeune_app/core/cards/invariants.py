"""Every rule the money must obey, the ledger's and the cards', checked over the whole database.
Returns the violations (tests, checks after a load test)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.cards.models import Card
from cjeune_app.core.enums import CardStatus, LedgerKind
from cjeune_app.core.wallet import invariants as wallet_invariants
from cjeune_app.core.wallet.models import LedgerEntry, Wallet


def verify_invariants(session: Session) -> list[str]:
    problems = wallet_invariants.verify_invariants(session)
    for pupil_id, count in session.exec(
        select(col(Card.pupil_id), sa.func.count()).where(col(Card.status) == CardStatus.ACTIVE)
        .group_by(col(Card.pupil_id)).having(sa.func.count() > 1)
    ):
        problems.append(f"pupil {pupil_id}: {count} active cards")
    for entry_id in session.exec(
        select(col(LedgerEntry.id)).join(Wallet, col(Wallet.id) == col(LedgerEntry.wallet_id))
        .join(Card, col(Card.id) == col(LedgerEntry.card_id))
        .where(col(LedgerEntry.kind) == LedgerKind.DEBIT, col(Card.pupil_id) != col(Wallet.pupil_id))
    ):
        problems.append(f"debit {entry_id}: paid with a card of another youth")
    return problems
