"""Signing in as a partner: on top of the accounts' own checks, the structure must be validated
by the Département. A partner whose structure is pending or rejected is told why at sign-in and
has no session (one opened before a rejection stops working)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from cjeune_app.core.accounts import sessions
from cjeune_app.core.accounts import sign_in as accounts_sign_in
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sign_in import ASSISTANCE, AuthOutcome, SignInStatus
from cjeune_app.core.enums import PartnerStatus, Role
from cjeune_app.core.partners.models import Partner

PENDING_MESSAGE = ("Votre structure est en attente de validation par le Département. "
                   "Vous recevrez un e-mail dès qu'elle sera validée.")


def partner_refusal(session: Session, account: Account) -> AuthOutcome | None:
    """Why a partner account with the right password may not sign in, or None."""
    if account.role != Role.PARTNER:
        return None
    partner = session.get(Partner, account.partner_id) if account.partner_id else None
    if partner is None:
        return AuthOutcome(SignInStatus.INACTIVE,
                           f"Ce compte n'est rattaché à aucune structure. Contactez {ASSISTANCE}.")
    if partner.status == PartnerStatus.PENDING:
        return AuthOutcome(SignInStatus.PENDING, PENDING_MESSAGE)
    if partner.status == PartnerStatus.REJECTED:
        return AuthOutcome(
            SignInStatus.REJECTED,
            f"La demande d'inscription de votre structure a été refusée : {partner.rejection_reason} "
            f"Pour toute question, contactez {ASSISTANCE}.",
        )
    if partner.status == PartnerStatus.SUSPENDED:
        return AuthOutcome(
            SignInStatus.INACTIVE,
            f"Votre structure est suspendue par le Département. Pour toute question, contactez {ASSISTANCE}.",
        )
    return None


def may_act(session: Session, account: Account | sessions.SessionAccount) -> bool:
    """Whether a signed-in account may act now: a partner only while their structure is validated."""
    if account.role != Role.PARTNER:
        return True
    partner = session.get(Partner, account.partner_id) if account.partner_id else None
    return partner is not None and partner.status == PartnerStatus.VALIDATED


def authenticate(
    session: Session,
    login: str,
    password: str,
    source_ip: str | None,
    *,
    roles: tuple[Role, ...] | None = None,
    now: dt.datetime | None = None,
) -> AuthOutcome:
    """`core.accounts.sign_in.authenticate`, then the partner's structure (see the module)."""
    outcome = accounts_sign_in.authenticate(session, login, password, source_ip, roles=roles, now=now)
    if outcome.account is not None:
        return partner_refusal(session, outcome.account) or outcome
    return outcome


def account_for_token(session: Session, token: str | None, *, now: dt.datetime | None = None) -> Account | None:
    """`core.accounts.sessions.account_for_token`, refusing partners whose structure is not validated."""
    return account_for_digest(session, sessions.digest(token) if token else None, now=now)


def account_for_digest(session: Session, token_hash: str | None, *,
                       now: dt.datetime | None = None) -> Account | None:
    account = sessions.account_for_digest(session, token_hash, now=now)
    return account if account is not None and may_act(session, account) else None


def signed_in_by_digest(session: Session, token_hash: str | None, *, now: dt.datetime | None = None,
                        push_back: bool = True) -> sessions.SessionAccount | None:
    """`core.accounts.sessions.signed_in_by_digest`, refusing partners whose structure is not validated."""
    found = sessions.signed_in_by_digest(session, token_hash, now=now, push_back=push_back)
    return found if found is not None and may_act(session, found) else None
