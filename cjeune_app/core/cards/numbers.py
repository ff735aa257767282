"""Card numbers: 16 digits, "6013" issuer prefix, Luhn check digit last. Printed in groups of 4."""

from __future__ import annotations

import random
import re
import secrets

from cjeune_app.core.checksums import is_luhn_valid, luhn_check_digit

ISSUER_PREFIX = "6013"
NUMBER_LENGTH = 16


def generate_card_number(rng: random.Random | None = None) -> str:
    rng = rng or secrets.SystemRandom()
    body = ISSUER_PREFIX + "".join(str(rng.randrange(10)) for _ in range(NUMBER_LENGTH - len(ISSUER_PREFIX) - 1))
    return body + luhn_check_digit(body)


def normalize_card_number(typed: str) -> str:
    """What people type or scan, spaces and dashes removed."""
    return re.sub(r"[\s\-.]", "", typed or "")


def is_well_formed(number: str) -> bool:
    return len(number) == NUMBER_LENGTH and number.startswith(ISSUER_PREFIX) and is_luhn_valid(number)


def format_card_number(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def mask_card_number(number: str) -> str:
    return f"•••• •••• •••• {number[-4:]}"
