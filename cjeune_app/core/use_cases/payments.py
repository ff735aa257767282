"""A partner's money: check a card, take a payment, cancel it, list and read payments, monthly
totals and statements (partner space and API alike). The actor is the signed-in partner, or the
partner of an API key (`use_cases.api_keys.caller_for_api_key`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import ENVELOPE_LABELS, Envelope
from cjeune_app.core.formats import format_cents, format_date
from cjeune_app.core.partners import payment_lists, payments, statements
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.partners.payments import CardCheck, PaymentPreview, Receipt
from cjeune_app.core.partners.statements import Month, MonthTotal
from cjeune_app.core.permissions import require_partner
from cjeune_app.core.reimbursements import batches


@dataclass(frozen=True)
class EnvelopeChoice:
    envelope: str
    label: str


@dataclass(frozen=True)
class StatementFile:
    filename: str
    body: bytes


def paying_envelopes(actor: Actor | None) -> list[EnvelopeChoice]:
    """The envelopes this partner may debit (the checkout's choice)."""
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        allowed = payments.allowed_envelopes(payments.partner_categories(session, partner_id))
    return [EnvelopeChoice(e, ENVELOPE_LABELS[Envelope(e)]) for e in allowed]


def check_card(actor: Actor | None, card_number: str) -> CardCheck:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return payments.card_check(session, partner_id, card_number)


def preview_payment(actor: Actor | None, card_number: str, amount_cents: int, envelope: str | None) -> PaymentPreview:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return payments.preview_payment(session, partner_id, card_number, amount_cents, envelope)


def take_payment(
    actor: Actor | None, card_number: str, amount_cents: int, envelope: str | None, idempotency_key: str,
    request_fingerprint: str | None = None,
) -> Receipt:
    partner_id = require_partner(actor)
    with session_scope() as session:
        return payments.take_payment(session, partner_id, card_number, amount_cents, envelope, idempotency_key,
                                     request_fingerprint)


def cancel_payment(actor: Actor | None, payment_id: int) -> Receipt:
    partner_id = require_partner(actor)
    with session_scope() as session:
        return payments.cancel_payment(session, partner_id, payment_id)


def get_payment(actor: Actor | None, payment_id: int) -> Receipt:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return payments.payment_of(session, partner_id, payment_id)


def list_payments(actor: Actor | None, date_from: dt.date, date_to: dt.date, limit: int = 1000) -> list[Receipt]:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return payment_lists.payments_of(session, partner_id, date_from, date_to, limit)


def monthly_totals(actor: Actor | None, months: int = 12) -> list[MonthTotal]:
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return statements.monthly_totals(session, partner_id, months)


def statement(actor: Actor | None, wanted: Month, extension: str) -> StatementFile:
    """The statement of a month as "csv" or "pdf"."""
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        partner = session.get(Partner, partner_id)
        assert partner is not None
        if extension == "csv":
            body = statements.statement_csv(session, partner, wanted).encode()
        else:
            paid = next((r for r in batches.reimbursements_of(session, partner_id) if r.month == wanted), None)
            note = (f"Remboursé le {format_date(paid.sent_at)} (virement {paid.end_to_end_id}) : "
                    f"{format_cents(paid.amount_cents)}") if paid else ""
            body = statements.statement_pdf(session, partner, wanted, note)
        return StatementFile(statements.statement_filename(partner, wanted, extension), body)
