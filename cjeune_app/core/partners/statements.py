"""Monthly totals and the monthly statement (CSV and PDF) the Département reimburses a partner with.

A month's statement lists the payments taken that month and the cancellations made that month
(a payment of 30 October cancelled on 3 November is in October's statement as a payment and in
November's as a cancellation). A finished month's statement therefore never changes, and the
sum of every statement is exactly what the partner kept. Months are Paris calendar months.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from fpdf.enums import XPos, YPos
from sqlmodel import Session, col, select

from cjeune_app.core.cards.models import Card
from cjeune_app.core.documents import FONT, new_pdf
from cjeune_app.core.enums import ENVELOPE_LABELS
from cjeune_app.core.formats import PARIS, format_cents, format_date, paris_today
from cjeune_app.core.partners import payment_errors as pay_errors
from cjeune_app.core.partners.models import Partner, Payment
from cjeune_app.core.partners.payment_lists import paris_midnight
from cjeune_app.core.partners.payments import CANCELLED, known_id, receipt_number
from cjeune_app.core.site import PUBLISHER
from cjeune_app.core.territory import commune_by_insee

MONTH_NAMES = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
               "octobre", "novembre", "décembre"]
CSV_HEADER = ["date", "heure", "référence", "opération", "enveloppe", "carte", "montant_centimes", "montant"]


def envelope_label(envelope: str) -> str:
    return {str(e): label for e, label in ENVELOPE_LABELS.items()}.get(envelope, envelope)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """"2026-10" → Month(2026, 10); a French refusal for anything else."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
        if match is None or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise pay_errors.InvalidPeriod("Le mois s'écrit AAAA-MM, par exemple 2026-10 pour octobre 2026.")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: dt.datetime | dt.date) -> Month:
        day = moment.astimezone(PARIS).date() if isinstance(moment, dt.datetime) else moment
        return cls(day.year, day.month)

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        following = self.next()
        return (paris_midnight(dt.date(self.year, self.month, 1)),
                paris_midnight(dt.date(following.year, following.month, 1)))


@dataclass(frozen=True)
class MonthTotal:
    month: Month
    payments_count: int
    payments_cents: int
    cancellations_count: int
    cancellations_cents: int

    @property
    def net_cents(self) -> int:
        """What the Département owes the partner for this month."""
        return self.payments_cents - self.cancellations_cents


@dataclass(frozen=True)
class StatementLine:
    moment: dt.datetime
    reference: str
    operation: str  # "Paiement", "Annulation"
    envelope: str
    card_last_digits: str
    amount_cents: int  # negative for a cancellation


def _rows(session: Session, partner_id: int, start: dt.datetime, end: dt.datetime) -> Sequence[tuple[Payment, str]]:
    return session.exec(
        select(Payment, col(Card.number)).join(Card, col(Card.id) == col(Payment.card_id)).where(
            col(Payment.partner_id) == partner_id,
            sa.or_(sa.and_(col(Payment.created_at) >= start, col(Payment.created_at) < end),
                   sa.and_(col(Payment.cancelled_at) >= start, col(Payment.cancelled_at) < end)),
        ).order_by(col(Payment.created_at), col(Payment.id))
    ).all()


def statement_lines(session: Session, partner_id: int, month: Month) -> list[StatementLine]:
    start, end = month.bounds()
    lines = []
    for payment, number in _rows(session, partner_id, start, end):
        if start <= payment.created_at < end:
            lines.append(StatementLine(payment.created_at, receipt_number(known_id(payment.id)), "Paiement",
                                       payment.envelope, number[-4:], payment.amount_cents))
        cancelled_at = payment.cancelled_at
        if payment.status == CANCELLED and cancelled_at is not None and start <= cancelled_at < end:
            lines.append(StatementLine(cancelled_at, receipt_number(known_id(payment.id)), "Annulation",
                                       payment.envelope, number[-4:], -payment.amount_cents))
    return sorted(lines, key=lambda line: (line.moment, line.reference))


def _total(month: Month, lines: list[StatementLine]) -> MonthTotal:
    paid = [line.amount_cents for line in lines if line.amount_cents > 0]
    cancelled = [-line.amount_cents for line in lines if line.amount_cents < 0]
    return MonthTotal(month, len(paid), sum(paid), len(cancelled), sum(cancelled))


def monthly_totals(
    session: Session, partner_id: int, months: int = 12, today: dt.date | None = None,
) -> list[MonthTotal]:
    """Totals of the last `months` months that had any movement, and always the current month;
    newest first."""
    current = Month.of(today or paris_today())
    first = current
    for _ in range(months - 1):
        first = first.previous()
    start, end = first.bounds()[0], current.bounds()[1]
    by_month: dict[Month, list[StatementLine]] = {current: []}
    for payment, number in _rows(session, partner_id, start, end):
        if start <= payment.created_at < end:
            by_month.setdefault(Month.of(payment.created_at), []).append(
                StatementLine(payment.created_at, "", "Paiement", payment.envelope, number[-4:], payment.amount_cents))
        cancelled_at = payment.cancelled_at
        if payment.status == CANCELLED and cancelled_at is not None and start <= cancelled_at < end:
            by_month.setdefault(Month.of(cancelled_at), []).append(
                StatementLine(cancelled_at, "", "Annulation", payment.envelope, number[-4:],
                              -payment.amount_cents))
    return [_total(month, by_month[month]) for month in sorted(by_month, key=lambda m: m.code, reverse=True)]


def statement_filename(partner: Partner, month: Month, extension: str) -> str:
    return f"releve-cjeune-{partner.siret}-{month.code}.{extension}"


def statement_csv(session: Session, partner: Partner, month: Month) -> str:
    """';'-separated, UTF-8 with a byte order mark (spreadsheets in French then read it right);
    amounts both in cents (for programs) and in euros with a comma (for people)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in statement_lines(session, known_id(partner.id), month):
        local = line.moment.astimezone(PARIS)
        writer.writerow([
            local.strftime("%d/%m/%Y"), local.strftime("%H:%M"), line.reference, line.operation,
            envelope_label(line.envelope), f"•••• {line.card_last_digits}",
            line.amount_cents, _euros_for_spreadsheet(line.amount_cents),
        ])
    return buffer.getvalue()


def _euros_for_spreadsheet(cents: int) -> str:
    """"-1234,50": a number a French spreadsheet reads (no thousands separator, no sign €)."""
    euros, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{euros},{rest:02d}"


def statement_pdf(session: Session, partner: Partner, month: Month, reimbursed: str = "") -> bytes:
    """`reimbursed`: "Remboursé le … (virement …)" once the month's reimbursement batch was sent."""
    lines = statement_lines(session, known_id(partner.id), month)
    total = _total(month, lines)
    pdf = new_pdf(f"Relevé CJeune de Provence — {partner.name} — {month.label}")
    pdf.add_page()

    def text(value: str, size: float = 10, style: str = "", height: float = 5.5) -> None:
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(0, height, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_text_color(0, 61, 122)
    text("CJeune de Provence", 18, "B", 9)
    pdf.set_text_color(0, 0, 0)
    text(f"{PUBLISHER} — relevé mensuel des paiements par la carte", 9.5)
    pdf.ln(4)
    text(f"Relevé de {month.label}", 14, "B", 8)
    commune = commune_by_insee(partner.commune_insee)
    text(partner.name, 11, "B")
    text(f"SIRET {partner.siret}")
    text(f"{partner.address}, {partner.postal_code} {commune.name if commune else ''}".strip(", "))
    text(f"Édité le {format_date(paris_today())}")
    pdf.ln(4)

    widths = (30, 34, 26, 40, 40)
    pdf.set_font(FONT, "B", 9)
    for width, title in zip(widths, ("Date", "Référence", "Opération", "Enveloppe", "Montant"), strict=True):
        pdf.cell(width, 7, title, border="B", align="R" if title == "Montant" else "L")
    pdf.ln()
    pdf.set_font(FONT, "", 9)
    for line in lines:
        local = line.moment.astimezone(PARIS)
        values = (local.strftime("%d/%m/%Y %H:%M"), line.reference, line.operation,
                  envelope_label(line.envelope), format_cents(line.amount_cents))
        for width, value in zip(widths, values, strict=True):
            pdf.cell(width, 6, value, align="R" if value is values[-1] else "L")
        pdf.ln()
    if not lines:
        text("Aucun paiement ni annulation ce mois-ci.", 9.5)
    pdf.ln(4)
    text(f"Paiements : {total.payments_count} pour {format_cents(total.payments_cents)}", 10.5)
    text(f"Annulations : {total.cancellations_count} pour {format_cents(total.cancellations_cents)}", 10.5)
    text(f"Montant à rembourser par le Département : {format_cents(total.net_cents)}", 12, "B", 7)
    if reimbursed:
        text(reimbursed, 10.5, "B")
    return bytes(pdf.output())
