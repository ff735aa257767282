import datetime as dt

from cjeune_app.core.formats import format_cents, format_date, paris_today


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
