"""French mobile numbers, parsed and normalised by `phonenumbers` (Google's libphonenumber rules),
stored in E.164 (+33612345678) and shown as +33 6 12 34 56 78 / 06 12 34 56 78."""

from __future__ import annotations

from enum import StrEnum

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

REGION = "FR"
# Overseas departments and collectivities dial their mobiles as national numbers too (0692 in La
# Réunion, 0690 in Guadeloupe...), but libphonenumber files them under their own country codes.
OVERSEAS = ("RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")
MOBILE_EXAMPLE = "06 12 34 56 78"
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parsed(value: object) -> phonenumbers.PhoneNumber | None:
    text = str(value or "").strip()
    # libphonenumber reads letters as a keypad's ("6034 vidal" would be 06 03 48 43 25): a number
    # typed by a family or an agent has none.
    if not text or any(character.isalpha() for character in text):
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) and not text.startswith(("+", "00")):
        for region in OVERSEAS:  # "0692 18 40 53": a mobile of La Réunion
            overseas = phonenumbers.parse(text, region)
            if phonenumbers.is_valid_number(overseas):
                return overseas
    return number


def normalize_mobile(value: object) -> str | None:
    """'06 12 34 56 78', '+33 6 12...', '0033612...' -> '+33612345678'; None when empty or not a
    valid French mobile number."""
    number = _parsed(value)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.region_code_for_number(number) not in (REGION, *OVERSEAS) \
            or phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_mobile(e164: str | None) -> str:
    """'+33612345678' -> '06 12 34 56 78' (what people in France read and type)."""
    number = _parsed(e164)
    if number is None:
        return ""
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def international(e164: str | None) -> str:
    """'+33612345678' -> '+33 6 12 34 56 78' (anything unreadable is shown as stored)."""
    number = _parsed(e164)
    if number is None:
        return e164 or ""
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


class MobileProblem(StrEnum):
    NOT_A_NUMBER = "not_a_number"  # letters, too few or too many digits
    FOREIGN = "foreign"
    NOT_A_MOBILE = "not_a_mobile"  # a French landline or special number


def problem_of(value: object) -> MobileProblem | None:
    """Why a non-empty `value` is not a French mobile number, or None when it is one."""
    if normalize_mobile(value):
        return None
    number = _parsed(value)
    if number is None or not phonenumbers.is_possible_number(number) or any(c.isalpha() for c in str(value)):
        return MobileProblem.NOT_A_NUMBER
    if phonenumbers.region_code_for_number(number) not in (REGION, *OVERSEAS):
        return MobileProblem.FOREIGN
    return MobileProblem.NOT_A_MOBILE


def mobile_problem(value: object) -> str | None:
    """Why `value` is not a French mobile number (a French sentence without final period), or None."""
    text = str(value or "").strip()
    if not text:
        return f"le numéro de mobile est vide (exemple : {MOBILE_EXAMPLE})"
    problem = problem_of(text)
    if problem is None:
        return None
    if problem is MobileProblem.NOT_A_NUMBER:
        return (f"« {text} » n'est pas un numéro de téléphone : 10 chiffres commençant par 06 ou 07, "
                f"par exemple {MOBILE_EXAMPLE}")
    if problem is MobileProblem.FOREIGN:
        return f"« {text} » n'est pas un numéro français : indiquez un mobile en 06 ou 07, par exemple {MOBILE_EXAMPLE}"
    return (f"« {text} » n'est pas un numéro de mobile : il commence par 06 ou 07, "
            f"par exemple {MOBILE_EXAMPLE}")
