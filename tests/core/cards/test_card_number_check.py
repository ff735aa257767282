"""The number check of "Saisir le numéro" (core's rule and message, run as the number is typed)."""

from __future__ import annotations

from cjeune_app.core.cards.errors import InvalidCardNumber
from cjeune_app.core.cards.numbers import format_card_number, generate_card_number
from cjeune_app.ui.pages.card_association import number_problem

MESSAGE = InvalidCardNumber.message


def test_a_number_being_typed_is_not_an_error_yet_but_is_when_left_incomplete():
    number = generate_card_number()
    assert number_problem(number[:9], finished=False) == ""
    assert number_problem(number[:9], finished=True) == MESSAGE
    assert number_problem("", finished=True) == MESSAGE


def test_a_typo_is_caught_as_soon_as_the_sixteen_digits_are_there():
    number = generate_card_number()
    typo = number[:5] + str((int(number[5]) + 3) % 10) + number[6:]
    assert number_problem(format_card_number(typo), finished=False) == MESSAGE
    assert number_problem(format_card_number(number), finished=False) == ""
    assert number_problem(number.replace("", "-")[1:-1], finished=True) == ""  # dashes are forgiven


def test_letters_or_a_seventeenth_digit_are_said_at_once():
    number = generate_card_number()
    assert number_problem(number[:4] + "O", finished=False) == MESSAGE  # the letter O for a zero
    assert number_problem(number + "1", finished=False) == MESSAGE
