"""The monthly reimbursement batch: prepared by an agent, checked, turned into a SEPA credit transfer
file (pain.001.001.03, written and validated by sepaxml), then marked as sent.

Preparing month M claims, for each partner with bank details, every payment taken and every
cancellation made before the end of M that no batch has claimed yet, when their sum is positive.
A payment cancelled after its month was reimbursed is thus deducted from the next batch; a partner
whose cancellations exceed its payments, or without bank details, is left owed (or owing) for the
next one. Everything is computed by the database (INSERT ... SELECT), in one transaction, under one
lock: preparing the same month twice, even at the same instant, gives one batch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sepaxml import SepaTransfer
from sqlmodel import Session, col, func, select
from sqlmodel.sql.sqltypes import UTCDateTime

from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import PaymentStatus
from cjeune_app.core.formats import paris_today
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.partners.statements import Month
from cjeune_app.core.reimbursements import errors
from cjeune_app.core.reimbursements.models import (
    BatchStatus,
    ItemKind,
    ReimbursementBatch,
    ReimbursementLine,
)
from cjeune_app.core.settings import settings

BATCH_LOCK_KEY = 140_014  # PostgreSQL advisory lock serialising preparations (SQLite: BEGIN IMMEDIATE)
SEPA_SCHEMA = "pain.001.001.03"

_pay = sa.table("payment", sa.column("id"), sa.column("partner_id"), sa.column("amount_cents"),
                sa.column("status"), sa.column("created_at", UTCDateTime()), sa.column("cancelled_at", UTCDateTime()))
_item = sa.table("reimbursement_item", sa.column("batch_id"), sa.column("partner_id"), sa.column("payment_id"),
                 sa.column("kind"), sa.column("amount_cents"))
_bank = sa.table("partner_bank_account", sa.column("partner_id"), sa.column("holder_name"), sa.column("iban"),
                 sa.column("bic"))


@dataclass(frozen=True)
class BatchLine:
    partner_id: int
    partner_name: str
    siret: str
    amount_cents: int
    payments_count: int
    cancellations_count: int
    holder_name: str
    iban: str
    bic: str
    end_to_end_id: str


@dataclass(frozen=True)
class PartnerOwed:
    """A partner still owed (positive) or owing (negative) money not in any batch."""

    partner_id: int
    partner_name: str
    amount_cents: int
    has_bank_details: bool


@dataclass(frozen=True)
class BatchSummary:
    id: int
    month: Month
    status: BatchStatus
    total_cents: int
    lines_count: int
    prepared_at: dt.datetime
    generated_at: dt.datetime | None
    sent_at: dt.datetime | None
    message_id: str | None
    execution_date: dt.date | None


def _summary(batch: ReimbursementBatch) -> BatchSummary:
    assert batch.id is not None
    return BatchSummary(batch.id, Month.parse(batch.month), BatchStatus(batch.status), batch.total_cents,
                        batch.lines_count, batch.prepared_at, batch.generated_at, batch.sent_at, batch.message_id,
                        batch.execution_date)


def of_month(month: Month) -> str:
    """"de novembre 2026", "d'octobre 2026": French elides "de" before a vowel."""
    return ("d'" if month.label[0] in "aeiouéè" else "de ") + month.label


def end_to_end_id(batch_month: str, partner_id: int) -> str:
    """The reference the partner reads on its bank statement ("virement CJ-2026-10-P42")."""
    return f"CJ-{batch_month}-P{partner_id}"


def _unclaimed(end: dt.datetime) -> sa.CTE:
    """Every movement before `end` that no batch claimed: (partner_id, payment_id, kind, amount_cents)."""
    def claimed(kind: ItemKind) -> sa.Exists:
        # Selecting an indexed column: the unique index answers alone, no item row is read
        # (SELECT * would read one per payment already reimbursed: most of a batch's time).
        return sa.select(_item.c.payment_id).where(_item.c.payment_id == _pay.c.id, _item.c.kind == str(kind)).exists()

    payments = sa.select(_pay.c.partner_id, _pay.c.id.label("payment_id"),
                         sa.literal(str(ItemKind.PAYMENT), sa.String).label("kind"),
                         _pay.c.amount_cents.label("amount_cents")
                         ).where(_pay.c.created_at < end, ~claimed(ItemKind.PAYMENT))
    cancellations = sa.select(_pay.c.partner_id, _pay.c.id, sa.literal(str(ItemKind.CANCELLATION), sa.String),
                              -_pay.c.amount_cents
                              ).where(_pay.c.status == str(PaymentStatus.CANCELLED), _pay.c.cancelled_at < end,
                                      ~claimed(ItemKind.CANCELLATION))
    return sa.union_all(payments, cancellations).cte("unclaimed")


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": BATCH_LOCK_KEY})


def prepare_batch(
    session: Session, month: Month, account_id: int | None, *, now: dt.datetime | None = None,
) -> tuple[BatchSummary, bool]:
    """The month's batch, and whether this call created it (False: it existed, nothing changed)."""
    now = now or utcnow()
    start, end = month.bounds()
    if end > now:
        raise errors.MonthNotFinished(of_month(month))
    _lock(session)
    existing = session.exec(select(ReimbursementBatch).where(ReimbursementBatch.month == month.code)).first()
    if existing is not None:
        return _summary(existing), False
    later = session.exec(select(ReimbursementBatch.month).where(col(ReimbursementBatch.month) > month.code)
                         .order_by(col(ReimbursementBatch.month))).first()
    if later is not None:
        raise errors.LaterBatchExists(of_month(month), of_month(Month.parse(later)))
    batch = ReimbursementBatch(month=month.code, prepared_at=now, prepared_by_account_id=account_id)
    session.add(batch)
    session.flush()
    assert batch.id is not None
    unclaimed = _unclaimed(end)
    owed = (sa.select(unclaimed.c.partner_id).group_by(unclaimed.c.partner_id)
            .having(func.sum(unclaimed.c.amount_cents) > 0))
    session.execute(sa.insert(_item).from_select(
        ["batch_id", "partner_id", "payment_id", "kind", "amount_cents"],
        sa.select(sa.literal(batch.id, sa.Integer), unclaimed.c.partner_id, unclaimed.c.payment_id, unclaimed.c.kind,
                  unclaimed.c.amount_cents)
        .where(unclaimed.c.partner_id.in_(owed), unclaimed.c.partner_id.in_(sa.select(_bank.c.partner_id))),
    ))
    is_payment = sa.case((_item.c.kind == str(ItemKind.PAYMENT), 1), else_=0)
    session.execute(sa.insert(ReimbursementLine.__table__).from_select(  # type: ignore[attr-defined]
        ["batch_id", "partner_id", "amount_cents", "payments_count", "cancellations_count", "holder_name", "iban",
         "bic"],
        sa.select(_item.c.batch_id, _item.c.partner_id, func.sum(_item.c.amount_cents), func.sum(is_payment),
                  func.sum(1 - is_payment), _bank.c.holder_name, _bank.c.iban, _bank.c.bic)
        .join(_bank, _bank.c.partner_id == _item.c.partner_id)
        .where(_item.c.batch_id == batch.id)
        .group_by(_item.c.batch_id, _item.c.partner_id, _bank.c.holder_name, _bank.c.iban, _bank.c.bic),
    ))
    total, count = session.exec(
        select(func.coalesce(func.sum(ReimbursementLine.amount_cents), 0), func.count())
        .where(ReimbursementLine.batch_id == batch.id)
    ).one()
    batch.total_cents, batch.lines_count = int(total), int(count)
    session.add(batch)
    session.flush()
    return _summary(batch), True


def _batch(session: Session, batch_id: int, *, lock: bool = False) -> ReimbursementBatch:
    query = select(ReimbursementBatch).where(ReimbursementBatch.id == batch_id)
    batch = session.exec(query.with_for_update() if lock else query).first()
    if batch is None:
        raise errors.BatchNotFound()
    return batch


def batch_summary(session: Session, batch_id: int) -> BatchSummary:
    return _summary(_batch(session, batch_id))


def batches(session: Session, limit: int = 24) -> list[BatchSummary]:
    rows = session.exec(select(ReimbursementBatch).order_by(col(ReimbursementBatch.month).desc()).limit(limit)).all()
    return [_summary(b) for b in rows]


def batch_lines(session: Session, batch_id: int) -> list[BatchLine]:
    batch = _batch(session, batch_id)
    rows = session.exec(
        select(ReimbursementLine, Partner.name, Partner.siret)
        .join(Partner, col(Partner.id) == col(ReimbursementLine.partner_id))
        .where(ReimbursementLine.batch_id == batch_id).order_by(col(Partner.name), col(Partner.id))
    ).all()
    return [BatchLine(line.partner_id, name, siret, line.amount_cents, line.payments_count, line.cancellations_count,
                      line.holder_name, line.iban, line.bic, end_to_end_id(batch.month, line.partner_id))
            for line, name, siret in rows]


def still_owed(session: Session, month: Month) -> list[PartnerOwed]:
    """Partners with movements before the end of `month` that no batch claimed, by name."""
    unclaimed = _unclaimed(month.bounds()[1])
    per_partner = (sa.select(unclaimed.c.partner_id, func.sum(unclaimed.c.amount_cents).label("amount"))
                   .group_by(unclaimed.c.partner_id).subquery())
    rows = session.execute(
        sa.select(per_partner.c.partner_id, col(Partner.name), per_partner.c.amount, _bank.c.partner_id.is_not(None))
        .join(Partner.__table__, Partner.__table__.c.id == per_partner.c.partner_id)  # type: ignore[attr-defined]
        .outerjoin(_bank, _bank.c.partner_id == per_partner.c.partner_id)
        .where(per_partner.c.amount != 0).order_by(col(Partner.name))
    ).all()
    return [PartnerOwed(int(pid), name, int(amount), bool(banked)) for pid, name, amount, banked in rows]


def next_business_day(day: dt.date) -> dt.date:
    following = day + dt.timedelta(days=1)
    while following.weekday() >= 5:
        following += dt.timedelta(days=1)
    return following


def transfer_file(batch: ReimbursementBatch, lines: list[BatchLine], execution_date: dt.date) -> bytes:
    """The pain.001.001.03 file of the batch, validated against its XSD by sepaxml before it is returned."""
    config = settings()
    sepa = SepaTransfer({"name": config.sepa_debtor_name, "IBAN": config.sepa_debtor_iban,
                         "BIC": config.sepa_debtor_bic, "batch": True, "currency": "EUR"},
                        schema=SEPA_SCHEMA, clean=True)
    sepa.msg_id = f"CJEUNE-{batch.month}-{batch.id}"
    label = Month.parse(batch.month).label
    for line in lines:
        sepa.add_payment({
            "name": line.holder_name, "IBAN": line.iban, "BIC": line.bic, "amount": line.amount_cents,
            "execution_date": execution_date, "endtoend_id": line.end_to_end_id,
            "description": f"CJeune de Provence remboursement {label} SIRET {line.siret}",
        })
    xml: bytes = sepa.export(validate=True)
    return xml


def generate_transfer(
    session: Session, batch_id: int, *, now: dt.datetime | None = None,
) -> tuple[BatchSummary, bool]:
    """Writes the batch's SEPA file once (the lines are then frozen); a second call returns the same file."""
    now = now or utcnow()
    batch = _batch(session, batch_id, lock=True)
    if batch.status != BatchStatus.PREPARED:
        return _summary(batch), False
    lines = batch_lines(session, batch_id)
    if not lines:
        raise errors.EmptyBatch()
    execution_date = next_business_day(paris_today(now))
    batch.transfer_xml = transfer_file(batch, lines, execution_date).decode()
    batch.message_id = f"CJEUNE-{batch.month}-{batch.id}"
    batch.execution_date = execution_date
    batch.generated_at = now
    batch.status = BatchStatus.GENERATED
    session.add(batch)
    session.flush()
    return _summary(batch), True


def transfer_xml(session: Session, batch_id: int) -> tuple[str, bytes]:
    """(file name, content) of a generated batch's pain.001 file."""
    batch = _batch(session, batch_id)
    if batch.transfer_xml is None:
        raise errors.BatchWrongState("Le fichier de virement de ce lot n'est pas encore généré.")
    return f"virements-cjeune-{batch.month}.xml", batch.transfer_xml.encode()


def mark_sent(
    session: Session, batch_id: int, account_id: int | None, *, now: dt.datetime | None = None,
) -> tuple[BatchSummary, bool]:
    """The file was handed to the bank: partners then read "Remboursé le …" on their statements."""
    now = now or utcnow()
    batch = _batch(session, batch_id, lock=True)
    if batch.status == BatchStatus.SENT:
        return _summary(batch), False
    if batch.status != BatchStatus.GENERATED:
        raise errors.BatchWrongState("Générez d'abord le fichier de virement de ce lot, puis marquez-le envoyé.")
    batch.status, batch.sent_at, batch.sent_by_account_id = BatchStatus.SENT, now, account_id
    session.add(batch)
    session.flush()
    return _summary(batch), True


@dataclass(frozen=True)
class PartnerReimbursement:
    """What a partner reads on its statements: a transfer of a sent batch."""

    month: Month  # the batch's month
    amount_cents: int
    sent_at: dt.datetime
    end_to_end_id: str


def reimbursements_of(session: Session, partner_id: int) -> list[PartnerReimbursement]:
    rows = session.exec(
        select(ReimbursementBatch.month, ReimbursementLine.amount_cents, ReimbursementBatch.sent_at)
        .join(ReimbursementBatch, col(ReimbursementBatch.id) == col(ReimbursementLine.batch_id))
        .where(ReimbursementLine.partner_id == partner_id, ReimbursementBatch.status == BatchStatus.SENT)
        .order_by(col(ReimbursementBatch.month).desc())
    ).all()
    return [PartnerReimbursement(Month.parse(month), amount, sent_at, end_to_end_id(month, partner_id))
            for month, amount, sent_at in rows if sent_at is not None]


def months_to_prepare(session: Session, today: dt.date | None = None) -> list[Month]:
    """The finished month before today has no batch yet: the agent's "lot à préparer"."""
    last = Month.of(today or paris_today()).previous()
    exists = session.exec(select(ReimbursementBatch.id).where(ReimbursementBatch.month == last.code)).first()
    return [] if exists else [last]

