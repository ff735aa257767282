"""Partner reimbursements: bank details in the partner space, the agents' monthly batches (prepare,
check, generate the SEPA file, mark as sent), what partners read on their statements, and the
reconciliation check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import verify_password
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.formats import format_cents
from cjeune_app.core.partners import statements
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.partners.statements import Month, MonthTotal
from cjeune_app.core.permissions import require_partner, require_role
from cjeune_app.core.reimbursements import bank, batches, reconciliation
from cjeune_app.core.reimbursements.bank import BankDetails
from cjeune_app.core.reimbursements.batches import BatchLine, BatchSummary, PartnerOwed, PartnerReimbursement
from cjeune_app.core.reimbursements.errors import BankDetailsInvalid
from cjeune_app.core.reimbursements.reconciliation import Reconciliation

WRONG_PASSWORD = "Mot de passe incorrect : saisissez le mot de passe de votre espace partenaire."


@dataclass(frozen=True)
class BatchView:
    batch: BatchSummary
    lines: list[BatchLine]
    still_owed: list[PartnerOwed]  # left for a later batch (no bank details, or cancellations to deduct)


@dataclass(frozen=True)
class ReimbursementsOverview:
    batches: list[BatchSummary]
    to_prepare: list[Month]
    reconciliation: Reconciliation


@dataclass(frozen=True)
class StatementMonth:
    total: MonthTotal
    reimbursement: PartnerReimbursement | None  # the transfer of the batch of that month


@dataclass(frozen=True)
class TransferFile:
    filename: str
    body: bytes


# --- partner space -------------------------------------------------------------------------------

def bank_details(actor: Actor | None) -> BankDetails | None:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return bank.bank_details_of(session, partner_id)


def change_bank_details(
    actor: Actor | None, holder_name: str, iban: str, bic: str, password: str, *, now: dt.datetime | None = None,
) -> BankDetails:
    """The structure's bank details, replaced only when the partner re-enters its password."""
    partner_id = require_partner(actor)
    assert actor is not None
    details = bank.checked_bank_details(holder_name, iban, bic)
    with session_scope() as session:
        account = session.get(Account, actor.account_id)
        if account is None or not verify_password(account.password_hash, password or ""):
            raise BankDetailsInvalid({"password": WRONG_PASSWORD})
        before = bank.bank_details_of(session, partner_id)
        saved = bank.save_bank_details(session, partner_id, details, actor.account_id, now=now)
        partner = session.get(Partner, partner_id)
        assert partner is not None
        # Never a full IBAN in the trail: the masked ones say enough to recognise a change.
        change = f"IBAN {saved.iban_masked}, BIC {saved.bic}, titulaire {saved.holder_name}"
        if before is not None:
            change = (f"avant : IBAN {before.iban_masked}, BIC {before.bic}, titulaire {before.holder_name} ; "
                      f"après : {change}")
        record(session, actor, AuditAction.BANK_DETAILS_CHANGED, target_kind=AuditTarget.PARTNER, target_id=partner_id,
               target_label=f"{partner.name} (SIRET {partner.siret})", details=change, partner_id=partner_id, now=now)
        return saved


def statement_months(actor: Actor | None, months: int = 12) -> list[StatementMonth]:
    """The partner's monthly totals, each with the transfer that reimbursed that month's batch."""
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        totals = statements.monthly_totals(session, partner_id, months)
        paid = {r.month: r for r in batches.reimbursements_of(session, partner_id)}
    return [StatementMonth(total, paid.get(total.month)) for total in totals]


# --- back office ---------------------------------------------------------------------------------

def _audit_batch(session: Session, actor: Actor | None, action: AuditAction, batch: BatchSummary,
                 now: dt.datetime | None) -> None:
    record(session, actor, action, target_kind=AuditTarget.REIMBURSEMENT_BATCH, target_id=batch.id,
           target_label=f"Lot {batches.of_month(batch.month)}",
           details=f"{batch.lines_count} virement(s), {format_cents(batch.total_cents)}", now=now)


def overview(actor: Actor | None) -> ReimbursementsOverview:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        return ReimbursementsOverview(batches.batches(session), batches.months_to_prepare(session),
                                      reconciliation.reconcile(session))


def prepare_batch(actor: Actor | None, month: str, *, now: dt.datetime | None = None) -> BatchSummary:
    """Prepares the month's batch ("2026-10"); the same month twice gives the same batch."""
    agent = require_role(actor, Role.AGENT)
    wanted = Month.parse(month)
    with session_scope() as session:
        summary, created = batches.prepare_batch(session, wanted, agent.account_id, now=now)
        if created:
            _audit_batch(session, agent, AuditAction.REIMBURSEMENT_BATCH_PREPARED, summary, now)
        return summary


def batch_view(actor: Actor | None, batch_id: int) -> BatchView:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        summary = batches.batch_summary(session, batch_id)
        return BatchView(summary, batches.batch_lines(session, batch_id), batches.still_owed(session, summary.month))


def generate_transfer(actor: Actor | None, batch_id: int, *, now: dt.datetime | None = None) -> BatchSummary:
    require_role(actor, Role.AGENT)
    with session_scope() as session:
        summary, created = batches.generate_transfer(session, batch_id, now=now)
        if created:
            _audit_batch(session, actor, AuditAction.REIMBURSEMENT_BATCH_GENERATED, summary, now)
        return summary


def transfer_file(actor: Actor | None, batch_id: int) -> TransferFile:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        filename, body = batches.transfer_xml(session, batch_id)
        return TransferFile(filename, body)


def mark_sent(actor: Actor | None, batch_id: int, *, now: dt.datetime | None = None) -> BatchSummary:
    agent = require_role(actor, Role.AGENT)
    with session_scope() as session:
        summary, changed = batches.mark_sent(session, batch_id, agent.account_id, now=now)
        if changed:
            _audit_batch(session, agent, AuditAction.REIMBURSEMENT_BATCH_SENT, summary, now)
        return summary


def reconcile(actor: Actor | None) -> Reconciliation:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        return reconciliation.reconcile(session)
