"""The check that reimbursements reconcile with the payments and with the ledger:

    reimbursed (claimed by batches) + still due (claimed by none)
        = accepted payments − cancellations (the payment table)
        = what the partners' ledger entries took from the wallets (debits − refunds).

Each sum is its own SQL query over its own table, so a bug in one path shows as a difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from cjeune_app.core.enums import LedgerKind, PaymentStatus
from cjeune_app.core.partners.models import Payment
from cjeune_app.core.reimbursements.models import ItemKind, ReimbursementItem
from cjeune_app.core.wallet.models import LedgerEntry


@dataclass(frozen=True)
class Reconciliation:
    payments_cents: int  # every payment taken (cancelled later or not)
    cancellations_cents: int
    reimbursed_cents: int  # claimed by a batch, cancellations deducted
    still_due_cents: int  # claimed by no batch yet (negative: to deduct from the next batch)
    ledger_cents: int  # debits minus refunds of partner payments in the ledger

    @property
    def kept_cents(self) -> int:
        return self.payments_cents - self.cancellations_cents

    @property
    def balanced(self) -> bool:
        return self.reimbursed_cents + self.still_due_cents == self.kept_cents == self.ledger_cents


def _scalar(session: Session, query: Any) -> int:
    return int(session.execute(query).scalar_one())


def reconcile(session: Session) -> Reconciliation:
    payments = _scalar(session, select(func.coalesce(func.sum(col(Payment.amount_cents)), 0)))
    cancellations = _scalar(session, select(func.coalesce(func.sum(col(Payment.amount_cents)), 0))
                            .where(Payment.status == PaymentStatus.CANCELLED))
    reimbursed = _scalar(session, select(func.coalesce(func.sum(col(ReimbursementItem.amount_cents)), 0)))

    def unclaimed(kind: ItemKind) -> sa.Exists:
        return sa.exists().where(col(ReimbursementItem.payment_id) == col(Payment.id),
                                 col(ReimbursementItem.kind) == kind)

    due_payments = _scalar(session, select(func.coalesce(func.sum(col(Payment.amount_cents)), 0))
                           .where(~unclaimed(ItemKind.PAYMENT)))
    due_cancellations = _scalar(session, select(func.coalesce(func.sum(col(Payment.amount_cents)), 0))
                                .where(Payment.status == PaymentStatus.CANCELLED, ~unclaimed(ItemKind.CANCELLATION)))
    ledger = -_scalar(session, select(func.coalesce(func.sum(col(LedgerEntry.amount_cents)), 0)).where(
        col(LedgerEntry.payment_id).is_not(None),
        col(LedgerEntry.kind).in_([LedgerKind.DEBIT, LedgerKind.REFUND])))
    return Reconciliation(payments, cancellations, reimbursed, due_payments - due_cancellations, ledger)
