"""The Parent account of a guardian the school knows: found (one account per person: the one
already attached to their rows, or the stepper's with the same e-mail) or created, then every
child of the guardian attached to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.identifiers import eduprovence_base
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.password_change import set_password
from cjeune_app.core.accounts.passwords import policy_failures
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians.models import Guardian
from cjeune_app.core.guardians.records import attach_account, existing_parent_account
from cjeune_app.core.guardians.verification import spend_proof, verified_guardian_rows
from cjeune_app.core.notifications import public_url
from cjeune_app.core.notifications.sms import queue_sms


def next_parent_login(session: Session, last_name: str, first_name: str) -> str:
    """`Marie Durand` -> m.durand, then m.durand2... (a guardian's identifier, EduConnect-like)."""
    base = eduprovence_base(last_name, first_name)  # durandm
    stem = f"{base[-1]}.{base[:-1]}"
    taken = set(session.exec(select(Account.login).where(col(Account.login).like(f"{stem}%"))).all())
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}{n}"
    return candidate


def account_for_guardian_rows(session: Session, rows: list[Guardian], *, now: dt.datetime | None = None) -> Account:
    """The person's Parent account (found or created without password), attached to every row."""
    assert rows
    account = existing_parent_account(session, rows)
    if account is None:
        first = rows[0]
        email = next((row.email for row in rows if row.email), None)
        email_free = email is not None and session.exec(
            select(Account.id).where((col(Account.login) == email) | (col(Account.email) == email))
        ).first() is None
        account = Account(role=Role.PARENT, login=next_parent_login(session, first.last_name, first.first_name),
                          email=email if email_free else None, first_name=first.first_name,
                          last_name=first.last_name, created_at=now or utcnow())
        session.add(account)
        session.flush()
    attach_account(session, account, rows)
    return account


def account_for_verified_proof(session: Session, proof: str, *, now: dt.datetime | None = None) -> Account:
    """After `check_birth_dates`: the guardian's Parent account, children attached; the proof is
    spent. The FranceConnect flow links its identity to the account returned."""
    now = now or utcnow()
    rows = verified_guardian_rows(session, proof, now=now)
    account = account_for_guardian_rows(session, rows, now=now)
    spend_proof(session, proof, now=now)
    return account


@dataclass(frozen=True)
class SelfRegistration:
    login: str
    children: list[str]  # first names


def identifier_sms_text(login: str) -> str:
    return (f"CJeune de Provence : votre compte parent est activé. Votre identifiant : {login}. "
            f"Connectez-vous sur {public_url('/connexion')} avec le mot de passe que vous avez choisi.")


def finish_self_registration(session: Session, proof: str, password: str, confirmation: str, *,
                             now: dt.datetime | None = None) -> SelfRegistration:
    """Last step of the auto-inscription: the chosen password (the site's policy) on the account,
    which is active; the identifier is returned (shown) and sent by SMS."""
    now = now or utcnow()
    rows = verified_guardian_rows(session, proof, now=now)  # refuses a spent or expired proof first
    problems = {}
    failures = policy_failures(password or "")
    if failures:
        problems["password"] = " ".join(failures)
    elif password != confirmation:
        problems["confirmation"] = "Les deux mots de passe ne sont pas identiques : saisissez-les à nouveau."
    if problems:
        raise FormErrors(problems)
    account = account_for_verified_proof(session, proof, now=now)
    set_password(session, account, password, now)
    account.is_active = True
    session.add(account)
    session.flush()
    mobile = rows[0].mobile
    assert mobile is not None
    queue_sms(session, mobile, identifier_sms_text(account.login))
    children: list[Pupil] = attach_account(session, account, rows)
    return SelfRegistration(account.login, [child.first_name for child in children])
