"""What the e-mailed links do: activate a parent's account, confirm an address, and the forgotten
password (the request, then the new password from the link)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, func, select

from cjeune_app.core.accounts import emails
from cjeune_app.core.accounts.models import Account, OneTimeToken, TokenPurpose
from cjeune_app.core.accounts.parents import first_child_name
from cjeune_app.core.accounts.password_change import check_new_password, set_password
from cjeune_app.core.accounts.sign_in import account_by_login
from cjeune_app.core.accounts.tokens import TOKEN_LIFETIME, consume, issue_token
from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enums import Role

RESETS_PER_HOUR = 3
RESET_WINDOW = dt.timedelta(hours=1)

FORGOTTEN_PASSWORD_ANSWER = (
    "Si un compte CJeune de Provence utilise cette adresse, un e-mail vient de lui être envoyé "
    f"avec un lien valable {TOKEN_LIFETIME[TokenPurpose.RESET_PASSWORD].seconds // 3600} heure. "
    "Pensez à regarder dans les courriers indésirables."
)


def activate(session: Session, token: str, new_password: str, *, now: dt.datetime | None = None) -> Account:
    """A parent chooses a password from the activation link (which also proves the address)."""
    check_new_password(new_password)
    now = now or utcnow()
    account = consume(session, token, TokenPurpose.ACTIVATION, now)
    set_password(session, account, new_password, now)
    account.email_verified_at = account.email_verified_at or now
    return account


def verify_email(session: Session, token: str, *, now: dt.datetime | None = None) -> Account:
    """The link of the verification e-mail (Jeune, Partenaire)."""
    now = now or utcnow()
    account = consume(session, token, TokenPurpose.VERIFY_EMAIL, now)
    account.email_verified_at = account.email_verified_at or now
    return account


def request_password_reset(session: Session, email: str, *, now: dt.datetime | None = None) -> None:
    """"Mot de passe oublié": e-mails a link when the address has an account, and says nothing
    either way (the page always shows the same sentence, and the e-mail leaves in the background).

    Pupils' Eduprovence passwords are reset by their school, not by e-mail.
    """
    now = now or utcnow()
    account = account_by_login(session, normalize_email(email))
    if account is None or account.role == Role.PUPIL or not account.email or not account.is_active:
        return
    recent = session.exec(
        select(func.count()).select_from(OneTimeToken).where(
            OneTimeToken.account_id == account.id,
            col(OneTimeToken.purpose).in_([TokenPurpose.RESET_PASSWORD, TokenPurpose.ACTIVATION]),
            OneTimeToken.created_at >= now - RESET_WINDOW,
        )
    ).one()
    if recent >= RESETS_PER_HOUR:  # nobody can flood someone's mailbox through this form
        return
    if account.role == Role.PARENT and account.password_hash is None:
        child = first_child_name(session, account)
        token = issue_token(session, account, TokenPurpose.ACTIVATION, now=now)
        emails.send_parent_activation(session, account.email, token, child)
        return
    emails.send_password_reset(
        session, account.email, issue_token(session, account, TokenPurpose.RESET_PASSWORD, now=now))


def reset_password(session: Session, token: str, new_password: str, *, now: dt.datetime | None = None) -> Account:
    """The page of the reset link: a new password, every session closed."""
    check_new_password(new_password)
    now = now or utcnow()
    account = consume(session, token, TokenPurpose.RESET_PASSWORD, now)
    set_password(session, account, new_password, now)
    account.email_verified_at = account.email_verified_at or now
    return account
