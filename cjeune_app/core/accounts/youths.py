"""Self sign-up of a Jeune (15 to 25, living in the 13, no longer at collège)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from cjeune_app.core.accounts import emails
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.models import Account, TokenPurpose
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.sign_in import account_by_login
from cjeune_app.core.accounts.tokens import issue_token
from cjeune_app.core.accounts.validation import (
    email_error,
    name_error,
    password_error,
    resident_commune_error,
    youth_birth_date_error,
)
from cjeune_app.core.dates import paris_today
from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enums import Role

SIGN_UP_ANSWER = (
    "Nous vous avons envoyé un e-mail. Cliquez sur le lien qu'il contient pour confirmer votre "
    "adresse, puis connectez-vous. Pensez à regarder dans les courriers indésirables."
)


def sign_up_youth(
    session: Session,
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None,
    commune_insee: str,
    now: dt.datetime | None = None,
) -> None:
    """A young person creates an account.

    Answers the same way whether the address is new or not (then its owner is told by e-mail):
    the form does not reveal who has an account. Raises FormErrors for mistakes in the form.
    """
    now = now or utcnow()
    email = normalize_email(email)
    found = {
        "email": email_error(email),
        "password": password_error(password),
        "first_name": name_error(first_name, "prénom"),
        "last_name": name_error(last_name, "nom"),
        "birth_date": youth_birth_date_error(birth_date, paris_today(now)),
        "commune_insee": resident_commune_error(commune_insee),
    }
    errors = {name: message for name, message in found.items() if message}
    if errors:
        raise FormErrors(errors)
    password_hash = hash_password(password)  # in every branch: same response time
    details: dict[str, Any] = {
        "first_name": first_name.strip(), "last_name": last_name.strip(), "birth_date": birth_date,
        "commune_insee": commune_insee.strip(), "password_hash": password_hash}
    account = account_by_login(session, email, for_update=True)
    if account is not None and not (account.role == Role.YOUTH and account.email_verified_at is None):
        emails.send_account_already_exists(session, email)
        return
    if account is None:
        account = Account(role=Role.YOUTH, login=email, email=email, created_at=now, **details)
        session.add(account)
        session.flush()
    else:
        # Never confirmed: whoever owns the address will confirm the latest details, or not.
        for name, value in details.items():
            setattr(account, name, value)
    emails.send_email_verification(
        session, email, issue_token(session, account, TokenPurpose.VERIFY_EMAIL, now=now))
