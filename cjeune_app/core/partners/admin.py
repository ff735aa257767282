"""The agents' list of every structure (filters, search by name or SIRET, payments), and their
suspension (no payment, out of the public search, no sign-in; told by e-mail) and reactivation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.dates import PARIS
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import CATEGORY_LABELS, PARTNER_STATUS_LABELS, Category, PartnerStatus, PaymentStatus
from cjeune_app.core.formats import format_cents
from cjeune_app.core.partners import emails, errors
from cjeune_app.core.partners.models import Partner, PartnerCategory, Payment
from cjeune_app.core.territory import commune_by_insee

MAX_ROWS = 200
MAX_REASON = 500


@dataclass(frozen=True)
class PartnerFilter:
    status: PartnerStatus | None = None
    category: Category | None = None
    commune_insee: str = ""
    text: str = ""  # in the name, or the SIRET's digits


@dataclass(frozen=True)
class PartnerRow:
    partner_id: int
    name: str
    siret: str
    status: str
    status_label: str
    categories: str
    commune: str
    contact_email: str
    payments: int  # accepted, not cancelled
    paid: str  # their total


def _payments_by_partner(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = session.exec(
        select(col(Payment.partner_id), sa.func.count(), sa.func.coalesce(sa.func.sum(col(Payment.amount_cents)), 0))
        .where(col(Payment.partner_id).in_(ids), col(Payment.status) == PaymentStatus.ACCEPTED)
        .group_by(col(Payment.partner_id))
    ).all()
    return {partner_id: (int(count), int(total)) for partner_id, count, total in rows}


def list_partners(session: Session, wanted: PartnerFilter) -> list[PartnerRow]:
    query = select(Partner)
    if wanted.status is not None:
        query = query.where(col(Partner.status) == wanted.status)
    if wanted.commune_insee:
        query = query.where(col(Partner.commune_insee) == wanted.commune_insee)
    if wanted.category is not None:
        query = query.where(col(Partner.id).in_(select(col(PartnerCategory.partner_id)).where(
            col(PartnerCategory.category) == wanted.category)))
    text = " ".join(wanted.text.split())
    if text:
        digits = text.replace(" ", "")
        by_name = sa.func.lower(col(Partner.name)).contains(text.lower(), autoescape=True)
        query = query.where(sa.or_(by_name, col(Partner.siret).startswith(digits)) if digits.isdigit() else by_name)
    partners = session.exec(query.order_by(col(Partner.name), col(Partner.id)).limit(MAX_ROWS)).all()
    ids = [p.id for p in partners if p.id is not None]
    categories: dict[int, list[str]] = {}
    for partner_id, category in session.exec(
        select(col(PartnerCategory.partner_id), col(PartnerCategory.category))
        .where(col(PartnerCategory.partner_id).in_(ids)).order_by(col(PartnerCategory.category))
    ).all():
        categories.setdefault(partner_id, []).append(CATEGORY_LABELS.get(Category(category), category))
    paid = _payments_by_partner(session, ids)
    rows = []
    for partner in partners:
        assert partner.id is not None
        commune = commune_by_insee(partner.commune_insee)
        count, total = paid.get(partner.id, (0, 0))
        rows.append(PartnerRow(
            partner.id, partner.name, partner.siret, partner.status,
            PARTNER_STATUS_LABELS.get(PartnerStatus(partner.status), partner.status),
            ", ".join(categories.get(partner.id, [])), commune.name if commune else partner.commune_insee,
            partner.contact_email, count, format_cents(total),
        ))
    return rows


@dataclass(frozen=True)
class PaymentLine:
    payment_id: int
    when: str
    amount: str
    envelope: str
    status: str


def recent_payments(session: Session, partner_id: int, limit: int = 50) -> list[PaymentLine]:
    rows = session.exec(select(Payment).where(col(Payment.partner_id) == partner_id)
                        .order_by(col(Payment.created_at).desc()).limit(limit)).all()
    return [PaymentLine(p.id or 0, p.created_at.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"),
                        format_cents(p.amount_cents), p.envelope,
                        "Annulé" if p.status == PaymentStatus.CANCELLED else "Accepté") for p in rows]


def _locked(session: Session, partner_id: int) -> Partner:
    partner = session.exec(select(Partner).where(col(Partner.id) == partner_id).with_for_update()
                           .execution_options(populate_existing=True)).first()
    if partner is None:
        raise errors.PartnerUnknown()
    return partner


def clean_reason(reason: str | None) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise FormErrors({"reason": "Indiquez le motif : il sera envoyé à la structure et gardé au journal."})
    if len(cleaned) > MAX_REASON:
        raise FormErrors({"reason": f"Le motif est trop long ({MAX_REASON} caractères au plus)."})
    return cleaned


def suspend_partner(session: Session, partner_id: int, reason: str, *, now: dt.datetime | None = None) -> Partner:
    """A validated structure is suspended at once (a payment in flight finishes first: payments
    read the structure under its lock); the caller reindexes it out of the search."""
    cleaned = clean_reason(reason)
    partner = _locked(session, partner_id)
    if partner.status != PartnerStatus.VALIDATED:
        raise errors.PartnerNotSuspendable()
    partner.status, partner.updated_at = PartnerStatus.SUSPENDED, now or utcnow()
    session.add(partner)
    emails.send_partner_suspended(session, partner, cleaned)
    session.flush()
    return partner


def reactivate_partner(session: Session, partner_id: int, reason: str, *, now: dt.datetime | None = None) -> Partner:
    cleaned = clean_reason(reason)
    partner = _locked(session, partner_id)
    if partner.status != PartnerStatus.SUSPENDED:
        raise errors.PartnerNotSuspended()
    partner.status, partner.updated_at = PartnerStatus.VALIDATED, now or utcnow()
    session.add(partner)
    emails.send_partner_reactivated(session, partner, cleaned)
    session.flush()
    return partner

