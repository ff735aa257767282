"""Check digits: Luhn (card numbers, SIRET) and the UAI key letter of French schools."""

from __future__ import annotations

UAI_KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def luhn_checksum(digits: str) -> int:
    """Luhn sum modulo 10 of a string of digits (0 means valid when the check digit is included)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10


def luhn_check_digit(payload: str) -> str:
    """The digit to append to `payload` so that the whole number passes the Luhn check."""
    return str((10 - luhn_checksum(payload + "0")) % 10)


def is_luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) >= 2 and luhn_checksum(number) == 0


def uai_key(digits: str) -> str:
    return UAI_KEY_LETTERS[int(digits) % 23]


def is_valid_uai(uai: str) -> bool:
    """UAI (ex-RNE) code: 7 characters, the 8th a key letter computed from them."""
    uai = uai.strip().upper()
    return len(uai) == 8 and uai[:7].isdigit() and uai[7] == uai_key(uai[:7])


LA_POSTE_SIREN = "356000000"


def is_valid_siret(siret: str) -> bool:
    """SIRET: 14 digits passing the Luhn check, its first 9 (the SIREN) passing it too.

    La Poste's establishments (SIREN 356000000) are numbered by another rule, the sum of the
    14 digits being a multiple of 5 (its head office, 35600000000048, passes Luhn). Without
    this case, post offices could not sign up as partners.
    """
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return sum(int(d) for d in siret) % 5 == 0 or is_luhn_valid(siret)
    return is_luhn_valid(siret[:9]) and is_luhn_valid(siret)
