"""The assistance's actions on a beneficiary's accounts and coordonnées (the card's blocking is
core.cards.loss's rule, the same as the family's declaration)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from cjeune_app.core.accounts import emails
from cjeune_app.core.accounts.models import Account, TokenPurpose
from cjeune_app.core.accounts.parents import first_child_name
from cjeune_app.core.accounts.tokens import issue_token
from cjeune_app.core.assistance import errors
from cjeune_app.core.assistance.file import accounts_of_file, season_for_file
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.api import correct_contact
from cjeune_app.core.enums import Role


def account_of_file(session: Session, pupil_id: int, account_id: int) -> Account:
    """One of the file's accounts (the pupil's own, or a linked parent's), locked for the change."""
    if account_id not in {a.id for a in accounts_of_file(session, pupil_id)}:
        raise errors.AccountNotFound()
    account = session.exec(select(Account).where(col(Account.id) == account_id).with_for_update()
                           .execution_options(populate_existing=True)).first()
    if account is None:
        raise errors.AccountNotFound()
    return account


def unlock_account(session: Session, pupil_id: int, account_id: int, *, now: dt.datetime | None = None) -> Account:
    """Lifts the lock that wrong passwords put on the account, and forgets the count."""
    now = now or utcnow()
    account = account_of_file(session, pupil_id, account_id)
    until = account.locked_until
    expired = until is None or (until if until.tzinfo else until.replace(tzinfo=dt.UTC)) <= now
    if expired and not account.failed_logins:
        raise errors.AccountNotLocked()
    account.locked_until, account.failed_logins = None, 0
    session.add(account)
    session.flush()
    return account


def resend_link(session: Session, pupil_id: int, account_id: int, *, now: dt.datetime | None = None) -> str:
    """Activation link for a parent account never activated, else a new-password link. Returns
    the French name of what was sent."""
    now = now or utcnow()
    account = account_of_file(session, pupil_id, account_id)
    if account.role == Role.PUPIL or not account.email:
        raise errors.NoLinkForThisAccount()
    if account.role == Role.PARENT and account.password_hash is None:
        token = issue_token(session, account, TokenPurpose.ACTIVATION, now=now)
        emails.send_parent_activation(session, account.email, token, first_child_name(session, account))
        return "lien d'activation"
    emails.send_password_reset(session, account.email, issue_token(session, account, TokenPurpose.RESET_PASSWORD,
                                                                    now=now))
    return "lien de nouveau mot de passe"


def correct_coordinates(session: Session, pupil_id: int, values: Mapping[str, Any],
                        *, now: dt.datetime | None = None) -> dict[str, tuple[str, str]]:
    """The family's new coordonnées (the enrollment form's rules: FormErrors for mistakes).
    Returns what changed: {field: (before, after)}."""
    season = season_for_file(session, now)
    if season is None:
        raise errors.NoEnrollmentToCorrect()
    changed = correct_contact(session, pupil_id, season, values, now=now)
    if changed is None:
        raise errors.NoEnrollmentToCorrect()
    return changed
