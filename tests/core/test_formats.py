import datetime as dt

import pytest

from cjeune_app.core.formats import format_cents, format_date, paris_today, parse_euros


def test_money_is_shown_in_euros_the_french_way():
    assert format_cents(15_000) == "150,00 €"
    assert format_cents(5) == "0,05 €"
    assert format_cents(123_456_78) == "123 456,78 €"
    assert format_cents(-2_550) == "-25,50 €"


def test_dates_are_shown_in_paris_time():
    assert format_date(dt.date(2027, 8, 31)) == "31/08/2027"
    late_evening_utc = dt.datetime(2027, 8, 31, 22, 30, tzinfo=dt.UTC)  # already 1 September in Paris
    assert format_date(late_evening_utc) == "01/09/2027"
    assert paris_today(late_evening_utc) == dt.date(2027, 9, 1)


@pytest.mark.parametrize("typed, cents", [
    ("12,50", 1_250), ("12.5", 1_250), ("12", 1_200), ("12,", 1_200), (",5", 50), ("0,05", 5),
    ("1 234,56 €", 123_456), ("1\u202f234,56\u00a0€", 123_456), (" 7 ", 700),
])
def test_amounts_typed_at_a_counter_are_read_in_cents(typed, cents):
    assert parse_euros(typed) == cents


@pytest.mark.parametrize("typed", ["", " ", "-3", "+3", "12,345", "abc", "1e3", "12,5,3", ".", ",", "١٢", "12 €50", "12 50", "1 2345"])
def test_anything_else_is_not_an_amount(typed):
    with pytest.raises(ValueError):
        parse_euros(typed)
