"""Monthly totals and statements: a month's payments and the cancellations made that month."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from pypdf import PdfReader

from cjeune_app.core.db import session_scope
from cjeune_app.core.formats import PARIS
from cjeune_app.core.partners import payment_errors as pay_errors
from cjeune_app.core.partners.models import Partner, Payment
from cjeune_app.core.partners.payments import cancel_payment, take_payment
from cjeune_app.core.partners.statements import (
    CSV_HEADER,
    Month,
    monthly_totals,
    statement_csv,
    statement_filename,
    statement_pdf,
)
from tests.support.partner_world import build_partner_world


@pytest.fixture
def world(session):
    return build_partner_world(session)


def paris(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=PARIS).astimezone(dt.UTC)


def season_month(world, month: int) -> tuple[int, int]:
    """A (year, month) of the world's season (which starts in September)."""
    start_year = int(world.season_code[:4])
    return (start_year if month >= 9 else start_year + 1), month


def test_a_cancellation_counts_in_the_month_it_was_made(world):
    october, november = season_month(world, 10), season_month(world, 11)
    with session_scope() as s:
        a = take_payment(s, world.sport, world.card, 2_000, None, uuid.uuid4().hex, now=paris(*october, 30, 23))
        take_payment(s, world.sport, world.card, 1_500, None, uuid.uuid4().hex, now=paris(*november, 1, 0))
        take_payment(s, world.tutoring, world.card, 900, None, uuid.uuid4().hex, now=paris(*october, 5))
    with session_scope() as s:
        cancel_payment(s, world.sport, a.payment_id, now=paris(*november, 3))
    with session_scope(read_only=True) as s:
        totals = monthly_totals(s, world.sport, today=dt.date(*november, 20))
        partner = s.get(Partner, world.sport)
        october_csv = statement_csv(s, partner, Month(*october))
        november_csv = statement_csv(s, partner, Month(*november))
        november_pdf = statement_pdf(s, partner, Month(*november))
    assert [(t.month.code, t.payments_cents, t.cancellations_cents, t.net_cents) for t in totals] == [
        (Month(*november).code, 1_500, 2_000, -500),
        (Month(*october).code, 2_000, 0, 2_000),
    ]
    # 30 October 23:00 in Paris is still October, whatever the UTC date
    rows = list(csv.reader(io.StringIO(october_csv.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == CSV_HEADER
    assert [(r[0], r[3], r[6], r[7]) for r in rows[1:]] == [(f"30/10/{october[0]}", "Paiement", "2000", "20,00")]
    rows = list(csv.reader(io.StringIO(november_csv.lstrip("\ufeff")), delimiter=";"))
    assert [(r[0], r[1], r[3], r[6], r[7]) for r in rows[1:]] == [
        (f"01/11/{november[0]}", "00:00", "Paiement", "1500", "15,00"),
        (f"03/11/{november[0]}", "12:00", "Annulation", "-2000", "-20,00"),
    ]
    assert october_csv.startswith("\ufeff")  # spreadsheets then read the accents right
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(november_pdf)).pages)
    assert f"Relevé de novembre {november[0]}" in text
    assert "Judo Club d'Aix" in text and "SIRET" in text
    assert "Paiements : 1 pour 15,00 €" in text and "Annulations : 1 pour 20,00 €" in text
    assert "Montant à rembourser par le Département : -5,00 €" in text
    assert statement_filename(partner, Month(*november), "csv") == f"releve-cjeune-{partner.siret}-{Month(*november).code}.csv"


def test_statements_hold_only_the_partners_own_payments(world):
    month = season_month(world, 10)
    with session_scope() as s:
        take_payment(s, world.tutoring, world.card, 900, None, uuid.uuid4().hex, now=paris(*month, 5))
    with session_scope(read_only=True) as s:
        sport_csv = statement_csv(s, s.get(Partner, world.sport), Month(*month))
        totals = monthly_totals(s, world.sport, today=dt.date(*month, 20))
    assert sport_csv.strip().count("\n") == 0  # the header only
    assert [(t.payments_count, t.net_cents) for t in totals] == [(0, 0)]  # the current month, empty


@pytest.mark.parametrize("text", ["2026-13", "26-10", "", "2026/10", "1999-01"])
def test_a_month_is_written_yyyy_mm(text):
    with pytest.raises(pay_errors.InvalidPeriod) as refusal:
        Month.parse(text)
    assert "AAAA-MM" in refusal.value.message


def test_months_have_french_names_and_neighbours():
    assert Month.parse("2026-12").label == "décembre 2026"
    assert Month(2026, 12).next() == Month(2027, 1) and Month(2027, 1).previous() == Month(2026, 12)
    start, end = Month(2026, 10).bounds()
    assert (start.isoformat(), end.isoformat()) == ("2026-09-30T22:00:00+00:00", "2026-10-31T23:00:00+00:00")


def test_partners_see_the_stored_time_on_the_receipt_the_list_and_the_statement(world):
    """Created 20:39:21 UTC in November (Paris is UTC+1): 21 h 39 everywhere, as stored, never 21 h 40."""
    from cjeune_app.core.partners.payment_lists import payments_of
    from cjeune_app.ui.pages.partner_checkout import receipt_view
    from cjeune_app.ui.pages.partner_payments import payment_row

    year, month = season_month(world, 11)
    created = dt.datetime(year, month, 14, 20, 39, 21, 654_000, tzinfo=dt.UTC)
    with session_scope() as s:
        receipt = take_payment(s, world.sport, world.card, 1_000, None, uuid.uuid4().hex, now=created)
    with session_scope(read_only=True) as s:
        listed = payments_of(s, world.sport, dt.date(year, month, 1), dt.date(year, month, 28))
        rows = list(csv.reader(io.StringIO(statement_csv(s, s.get(Partner, world.sport), Month(year, month))),
                               delimiter=";"))
        stored = s.get(Payment, receipt.payment_id).created_at
    assert stored.replace(tzinfo=dt.UTC) == created.replace(microsecond=stored.microsecond)
    day = f"14/{month:02d}/{year}"
    assert receipt_view(receipt).date == f"{day} à 21 h 39"
    assert [payment_row(r).date for r in listed] == [f"{day} à 21 h 39"]
    line = next(row for row in rows[1:] if receipt.number in row)
    assert line[:2] == [day, "21:39"]
