"""One rule for what a valid e-mail address is, everywhere (sign-ups, enrollment, partners).

email-validator knows the syntax rules a regular expression gets wrong; deliverability is not
checked here (no network): the verification or activation e-mail is the real test.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def is_valid_email(text: str) -> bool:
    try:
        validate_email(text, check_deliverability=False, allow_smtputf8=False)
        return True
    except EmailNotValidError:
        return False


def normalize_email(value: object) -> str:
    """Trimmed, lower case, domain normalized (an account's login is its address)."""
    text = str(value or "").strip()
    try:
        return validate_email(text, check_deliverability=False, allow_smtputf8=False).normalized.lower()
    except EmailNotValidError:
        return text.lower()
