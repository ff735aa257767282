"""A partner's payments over a period (Paris days), and their total."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.cards.models import Card
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import PARIS
from cjeune_app.core.partners import payment_errors as pay_errors
from cjeune_app.core.partners.models import Partner, Payment
from cjeune_app.core.partners.payments import ACCEPTED, Receipt, receipt_from_row

MAX_PERIOD_DAYS = 366


def paris_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=PARIS).astimezone(dt.UTC)


def check_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first day 00:00, day after the last 00:00) in Paris time, as UTC bounds."""
    for day in (date_from, date_to):
        if not 2000 <= day.year <= 2100:
            raise pay_errors.InvalidPeriod("Les dates doivent être comprises entre l'an 2000 et l'an 2100.")
    if date_from > date_to:
        raise pay_errors.InvalidPeriod("La date de début doit précéder la date de fin : inversez-les.")
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise pay_errors.InvalidPeriod(f"La période est limitée à {MAX_PERIOD_DAYS} jours : réduisez-la.")
    return paris_midnight(date_from), paris_midnight(date_to + dt.timedelta(days=1))


def payments_of(
    session: Session, partner: Partner | int, date_from: dt.date, date_to: dt.date, limit: int = 1000,
) -> list[Receipt]:
    """The partner's payments taken between the two days (Paris time, both included), newest first."""
    partner_id = partner if isinstance(partner, int) else partner.id
    start, end = check_period(date_from, date_to)
    rows = session.exec(
        select(Payment, col(Partner.name), col(Pupil.first_name), col(Card.number))
        .join(Partner, col(Partner.id) == col(Payment.partner_id))
        .join(Card, col(Card.id) == col(Payment.card_id))
        .outerjoin(Pupil, col(Pupil.id) == col(Card.pupil_id))
        .where(col(Payment.partner_id) == partner_id, col(Payment.created_at) >= start, col(Payment.created_at) < end)
        .order_by(col(Payment.created_at).desc(), col(Payment.id).desc())
        .limit(limit)
    ).all()
    return [receipt_from_row(payment, name, first or "", number) for payment, name, first, number in rows]


def payments_total(session: Session, partner_id: int) -> int:
    """All accepted payments of a partner, in cents (for tests and the statement's checks)."""
    return int(session.exec(
        select(sa.func.coalesce(sa.func.sum(col(Payment.amount_cents)), 0))
        .where(col(Payment.partner_id) == partner_id, col(Payment.status) == ACCEPTED)
    ).one())
