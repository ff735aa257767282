"""Resolving who is acting, opening and closing sessions: the first call of every door.

A browser's session token lives only in its HttpOnly cookie. HTTP routes resolve it from the
cookie (`actor_for_session`); the page's websocket knows only its digest, put in place of the
cookie by the handshake filter of `api.session_cookie` (`actor_for_digest`), so that no token is
ever kept in the pages' state.
"""

from __future__ import annotations

from sqlmodel import Session

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.partners.sign_in import account_for_token


def _display_name(session: Session, account: Account) -> str:
    name = account.first_name
    if not name and account.partner_id:
        partner = session.get(Partner, account.partner_id)
        name = partner.name if partner else ""
    return name or account.login


def actor_of(session: Session, account: Account) -> Actor:
    assert account.id is not None
    return Actor(
        account_id=account.id,
        role=Role(account.role),
        display_name=_display_name(session, account),
        pupil_id=account.pupil_id,
        partner_id=account.partner_id,
        establishment_id=account.establishment_id,
    )


def actor_for_session(token: str | None) -> Actor | None:
    """The actor behind a session token, or None when it is unknown, expired or revoked, or when
    the account may not act (a partner whose structure is not validated).

    A writing transaction: resolving a short session pushes its idle expiry back.
    """
    if not token:
        return None
    with session_scope() as session:
        account = account_for_token(session, token)
        return actor_of(session, account) if account is not None else None


