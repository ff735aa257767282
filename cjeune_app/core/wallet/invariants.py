"""The rules the ledger must obey, checked over the whole database (tests, `cjeune` checks).
Card rules are added by core.cards.invariants."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.enums import LedgerKind
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet.api import season_amounts
from cjeune_app.core.wallet.models import LedgerEntry, Wallet

CREDIT, DEBIT = LedgerKind.CREDIT, LedgerKind.DEBIT
MONEY_IN = {LedgerKind.CREDIT, LedgerKind.REFUND, LedgerKind.TRANSFER_IN, LedgerKind.CORRECTION_IN}


def verify_invariants(session: Session) -> list[str]:
    """Every rule the ledger must obey, checked over the whole database. Returns the violations."""
    problems: list[str] = []
    sums = (
        select(col(LedgerEntry.wallet_id), sa.func.sum(col(LedgerEntry.amount_cents)).label("total"))
        .group_by(col(LedgerEntry.wallet_id)).subquery()
    )
    for wallet_id, balance, total in session.exec(
        select(col(Wallet.id), col(Wallet.balance_cents), sa.func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.wallet_id == col(Wallet.id))
    ):
        if balance != total:
            problems.append(f"wallet {wallet_id}: balance {balance} != sum of entries {total}")
        if balance < 0:
            problems.append(f"wallet {wallet_id}: negative balance {balance}")
    for wallet_id, count in session.exec(
        select(col(LedgerEntry.wallet_id), sa.func.count()).where(col(LedgerEntry.kind) == CREDIT)
        .group_by(col(LedgerEntry.wallet_id)).having(sa.func.count() > 1)
    ):
        problems.append(f"wallet {wallet_id}: credited {count} times")
    for entry_id, wallet_id, amount, envelope, season in session.execute(
        sa.select(col(LedgerEntry.id), col(Wallet.id), col(LedgerEntry.amount_cents), col(Wallet.envelope), Season)
        .join(Wallet, col(Wallet.id) == col(LedgerEntry.wallet_id))
        .join(Season, col(Season.id) == col(Wallet.season_id))
        .where(col(LedgerEntry.kind) == CREDIT)
    ):
        if amount != season_amounts(season)[envelope]:
            problems.append(f"credit {entry_id} of wallet {wallet_id}: {amount} is not the season's amount")
    money_in = col(LedgerEntry.kind).in_(sorted(MONEY_IN))
    for entry_id, kind, amount in session.exec(
        select(col(LedgerEntry.id), col(LedgerEntry.kind), col(LedgerEntry.amount_cents)).where(
            sa.or_(sa.and_(money_in, col(LedgerEntry.amount_cents) <= 0),
                   sa.and_(sa.not_(money_in), col(LedgerEntry.amount_cents) >= 0))
        )
    ):
        problems.append(f"entry {entry_id}: kind {kind} with amount {amount}")
    refunded = (
        select(col(LedgerEntry.refund_of_id), sa.func.sum(col(LedgerEntry.amount_cents)).label("total"),
               sa.func.min(col(LedgerEntry.wallet_id)).label("wmin"),
               sa.func.max(col(LedgerEntry.wallet_id)).label("wmax"))
        .where(col(LedgerEntry.refund_of_id).is_not(None)).group_by(col(LedgerEntry.refund_of_id)).subquery()
    )
    for debit_id, debit_kind, debit_amount, debit_wallet, total, wmin, wmax in session.execute(
        sa.select(col(LedgerEntry.id), col(LedgerEntry.kind), col(LedgerEntry.amount_cents), col(LedgerEntry.wallet_id),
               refunded.c.total, refunded.c.wmin, refunded.c.wmax)
        .join(refunded, refunded.c.refund_of_id == col(LedgerEntry.id))
    ):
        if debit_kind != DEBIT or total > -debit_amount or not wmin == wmax == debit_wallet:
            problems.append(f"debit {debit_id}: refunds of {total} exceed {-debit_amount} or miss its wallet")
    for wallet_id, balance, code in session.exec(
        select(col(Wallet.id), col(Wallet.balance_cents), col(Season.code))
        .join(Season, col(Season.id) == col(Wallet.season_id))
        .where(col(Season.closed_at).is_not(None), col(Wallet.balance_cents) != 0)
    ):
        problems.append(f"wallet {wallet_id}: {balance} left in closed season {code}")
    return problems
