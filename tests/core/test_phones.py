"""Mobile numbers as families type them, read with libphonenumber's rules."""

from __future__ import annotations

import pytest

from cjeune_app.core import phones


@pytest.mark.parametrize(("typed", "stored", "shown"), [
    ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
    ("+33 (0)6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
    ("07 81 23 45 67", "+33781234567", "07 81 23 45 67"),
    ("0692 18 40 53", "+262692184053", "0692 18 40 53"),  # La Réunion, dialled as a national number
    ("0690 12 34 56", "+590690123456", "0690 12 34 56"),  # Guadeloupe
])
def test_metropolitan_and_overseas_mobiles_are_kept_in_e164(typed, stored, shown):
    assert phones.normalize_mobile(typed) == stored
    assert phones.format_mobile(stored) == shown
    assert phones.problem_of(typed) is None


@pytest.mark.parametrize(("typed", "problem"), [
    ("04 91 12 34 56", phones.MobileProblem.NOT_A_MOBILE),
    ("+32 470 12 34 56", phones.MobileProblem.FOREIGN),
    ("06 12 34", phones.MobileProblem.NOT_A_NUMBER),
    ("06 12 AB 56 78", phones.MobileProblem.NOT_A_NUMBER),
    ("6034 vidal", phones.MobileProblem.NOT_A_NUMBER),  # letters are not a keypad's digits here
])
def test_what_is_not_a_french_mobile_says_why(typed, problem):
    assert phones.normalize_mobile(typed) is None
    assert phones.problem_of(typed) is problem
