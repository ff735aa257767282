"""Monthly reimbursement batches: prepared once per month, generated as a valid pain.001 file whose
total equals the partners' statements, marked as sent; later cancellations deducted from the next
batch; the reconciliation with the payments and the ledger holds at every step."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from pypdf import PdfReader

from cjeune_app.core.audit import AuditAction
from cjeune_app.core.db import session_scope
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.formats import PARIS
from cjeune_app.core.partners.payments import cancel_payment, take_payment
from cjeune_app.core.partners.statements import Month, monthly_totals
from cjeune_app.core.reimbursements import errors
from cjeune_app.core.reimbursements.models import BatchStatus
from cjeune_app.core.use_cases import payments, reimbursements
from tests.core.reimbursements.builders import audited, give_bank_details, partner_account, transfers, valid_pain_001
from tests.support.partner_world import build_partner_world


def paris(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=PARIS).astimezone(dt.UTC)


@pytest.fixture
def world(session):
    world = build_partner_world(session)
    give_bank_details(session, world.sport, 0, "Judo Club d'Aix")
    give_bank_details(session, world.tutoring, 1, "Cours Réussite Aix")
    return world  # world.both has no bank details


def months(world):
    year = int(world.season_code[:4])
    return Month(year, 10), Month(year, 11), Month(year, 12)


def pay(partner, card, cents, when, envelope=None):
    with session_scope() as s:
        return take_payment(s, partner, card, cents, envelope, uuid.uuid4().hex, now=when).payment_id


def cancel(partner, payment_id, when):
    with session_scope() as s:
        cancel_payment(s, partner, payment_id, now=when)


def statement_net(partner_id, month):
    with session_scope(read_only=True) as s:
        totals = monthly_totals(s, partner_id, months=24, today=dt.date(month.year + 1, 6, 1))
    return next((t.net_cents for t in totals if t.month == month), 0)


def balanced(agent):
    check = reimbursements.reconcile(agent)
    assert check.balanced, check
    return check


def test_a_month_is_prepared_generated_and_sent_and_reconciles(world, agent):
    october, november, december = months(world)
    y = october.year
    judo_a = pay(world.sport, world.card, 2_000, paris(y, 10, 10))
    pay(world.sport, world.second_card, 1_500, paris(y, 10, 31, 23))  # still October in Paris
    cours = pay(world.tutoring, world.card, 900, paris(y, 10, 20))
    pay(world.both, world.second_card, 500, paris(y, 10, 12), "sport_culture")  # no bank details: stays due
    pay(world.sport, world.card, 700, paris(y, 11, 1, 0))  # November's
    assert balanced(agent).still_due_cents == 5_600

    batch = reimbursements.prepare_batch(agent, october.code, now=paris(y, 11, 2))
    again = reimbursements.prepare_batch(agent, october.code, now=paris(y, 11, 2, 15))
    assert again == batch  # preparing twice gives the one batch, unchanged
    assert (batch.status, batch.total_cents, batch.lines_count) == (BatchStatus.PREPARED, 4_400, 2)
    view = reimbursements.batch_view(agent, batch.id)
    assert [(line.partner_id, line.amount_cents, line.payments_count) for line in view.lines] == [
        (world.tutoring, 900, 1), (world.sport, 3_500, 2)]
    assert [(o.partner_id, o.amount_cents, o.has_bank_details) for o in view.still_owed] == [(world.both, 500, False)]
    assert balanced(agent).reimbursed_cents == 4_400

    generated = reimbursements.generate_transfer(agent, batch.id, now=paris(y, 11, 6))  # a Friday or not
    assert generated.status == BatchStatus.GENERATED and generated.execution_date > dt.date(y, 11, 6)
    file = reimbursements.transfer_file(agent, batch.id)
    assert file.filename == f"virements-cjeune-{october.code}.xml"
    root = valid_pain_001(file.body)
    sent = transfers(root)
    assert sent == {f"CJ-{october.code}-P{world.sport}": ("FR7630004000000000000000151", 3_500),
                    f"CJ-{october.code}-P{world.tutoring}": ("FR7630001000000000000000127", 900)}
    # the file's total is what the statements of October say the Département owes these partners
    assert sum(cents for _, cents in sent.values()) == statement_net(world.sport, october) + statement_net(
        world.tutoring, october)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "44.00"
    assert root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == "2"
    assert reimbursements.generate_transfer(agent, batch.id).generated_at == generated.generated_at  # once

    assert reimbursements.mark_sent(agent, batch.id, now=paris(y, 11, 7)).status == BatchStatus.SENT
    assert reimbursements.mark_sent(agent, batch.id).sent_at == paris(y, 11, 7)  # idempotent
    for action in (AuditAction.REIMBURSEMENT_BATCH_PREPARED, AuditAction.REIMBURSEMENT_BATCH_GENERATED,
                   AuditAction.REIMBURSEMENT_BATCH_SENT):
        [entry] = audited(action)  # once, however often the agent clicked
        assert (entry.target_id, entry.actor_account_id) == (batch.id, agent.account_id)
        assert entry.details == "2 virement(s), 44,00 €" and entry.target_label == f"Lot d'{october.label}"

    # November: the October payment cancelled after October was reimbursed is deducted
    cancel(world.sport, judo_a, paris(y, 11, 3))
    cancel(world.tutoring, cours, paris(y, 11, 5))  # tutoring now owes 900: left for a later batch
    pay(world.sport, world.card, 3_000, paris(y, 11, 15))
    november_batch = reimbursements.prepare_batch(agent, november.code, now=paris(y, 12, 1, 9))
    view = reimbursements.batch_view(agent, november_batch.id)
    assert [(line.partner_id, line.amount_cents, line.payments_count, line.cancellations_count)
            for line in view.lines] == [(world.sport, 1_700, 2, 1)]  # 700 + 3 000 − 2 000
    assert {(o.partner_id, o.amount_cents) for o in view.still_owed} == {(world.both, 500), (world.tutoring, -900)}
    check = balanced(agent)
    assert (check.payments_cents, check.cancellations_cents) == (8_600, 2_900)
    assert (check.reimbursed_cents, check.still_due_cents, check.ledger_cents) == (6_100, -400, 5_700)


def test_partners_read_the_transfer_on_their_statements(world, agent, session):
    october, _, _ = months(world)
    pay(world.sport, world.card, 2_500, paris(october.year, 10, 10))
    batch = reimbursements.prepare_batch(agent, october.code, now=paris(october.year, 11, 2))
    judo = partner_account(session, world.sport)
    assert all(m.reimbursement is None for m in reimbursements.statement_months(judo, months=24))
    reimbursements.generate_transfer(agent, batch.id)
    assert all(m.reimbursement is None for m in reimbursements.statement_months(judo, months=24))  # not yet sent
    reimbursements.mark_sent(agent, batch.id, now=paris(october.year, 11, 8))
    paid = {m.total.month: m.reimbursement for m in reimbursements.statement_months(judo, months=24)}
    assert paid[october].amount_cents == 2_500
    assert paid[october].end_to_end_id == f"CJ-{october.code}-P{world.sport}"
    assert paid[october].sent_at == paris(october.year, 11, 8)
    pdf = payments.statement(judo, october, "pdf").body
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Remboursé le 08/11/{october.year} (virement CJ-{october.code}-P{world.sport}) : 25,00 €" in text


def test_refusals(world, agent, session):
    october, november, _ = months(world)
    y = october.year
    with pytest.raises(errors.MonthNotFinished):
        reimbursements.prepare_batch(agent, november.code, now=paris(y, 11, 30, 23))
    empty = reimbursements.prepare_batch(agent, october.code, now=paris(y, 11, 2))
    assert empty.lines_count == 0
    with pytest.raises(errors.EmptyBatch):
        reimbursements.generate_transfer(agent, empty.id)
    with pytest.raises(errors.BatchWrongState):
        reimbursements.mark_sent(agent, empty.id)
    with pytest.raises(errors.BatchWrongState):
        reimbursements.transfer_file(agent, empty.id)
    reimbursements.prepare_batch(agent, november.code, now=paris(y, 12, 2))
    with pytest.raises(errors.LaterBatchExists):
        reimbursements.prepare_batch(agent, Month(y, 9).code, now=paris(y, 12, 2))
    with pytest.raises(errors.BatchNotFound):
        reimbursements.batch_view(agent, 999_999)
    judo = partner_account(session, world.sport)
    for action in (lambda: reimbursements.overview(judo), lambda: reimbursements.prepare_batch(judo, october.code),
                   lambda: reimbursements.generate_transfer(judo, empty.id),
                   lambda: reimbursements.transfer_file(judo, empty.id), lambda: reimbursements.mark_sent(judo, empty.id),
                   lambda: reimbursements.reconcile(judo)):
        with pytest.raises(Forbidden):
            action()
