"""Resolving who is acting, opening and closing sessions: the first call of every door.

A browser's session token lives only in its HttpOnly cookie. HTTP routes resolve it from the
cookie (`actor_for_session`); the page's websocket knows only its digest, put in place of the
cookie by the handshake filter of `api.session_cookie` (`actor_for_digest`), so that no token is
ever kept in the pages' state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app import routes
from cjeune_app.core.accounts import tickets
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sessions import SessionAccount, close_session_of_digest, digest, push_back_expiry
from cjeune_app.core.accounts.tickets import OpenedSession
from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.franceconnect import client, identities
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.partners.sign_in import signed_in_by_digest
from cjeune_app.core.settings import settings


def _display_name(session: Session, account: SessionAccount) -> str:
    name = account.first_name
    if not name and account.partner_id:
        partner = session.get(Partner, account.partner_id)
        name = partner.name if partner else ""
    return name or account.login


def actor_of(session: Session, account: Account) -> Actor:
    assert account.id is not None
    return actor_of_session(session, SessionAccount(account.id, Role(account.role), account.first_name, account.login,
                                                    account.partner_id, account.pupil_id, account.establishment_id))


def actor_of_session(session: Session, who: SessionAccount) -> Actor:
    return Actor(
        account_id=who.account_id,
        role=who.role,
        display_name=_display_name(session, who),
        pupil_id=who.pupil_id,
        partner_id=who.partner_id,
        establishment_id=who.establishment_id,
    )


def actor_for_session(token: str | None) -> Actor | None:
    """The actor behind a session token, or None when it is unknown, expired or revoked, or when
    the account may not act (a partner whose structure is not validated). A short session's idle
    expiry is pushed back (see `actor_for_digest`)."""
    return actor_for_digest(digest(token)) if token else None




@dataclass(frozen=True)
class SessionDigest:
    """A page's session, named by its token's digest, handed to a use case instead of an actor: the
    use case resolves it inside its own transaction (one transaction per screen event, not two)."""

    token_hash: str | None


def actor_in(session: Session, who: Actor | SessionDigest | None) -> Actor | None:
    """The actor itself, or the one behind a session's digest (None when nobody may act), resolved
    in the caller's transaction as `actor_for_digest` would."""
    if not isinstance(who, SessionDigest):
        return who
    if not who.token_hash:
        return None
    found = signed_in_by_digest(session, who.token_hash)
    return actor_of_session(session, found) if found is not None else None


def actor_reading(session: Session, token_hash: str) -> tuple[Actor | None, dt.datetime | None]:
    """`actor_in` for a unit of work that only reads: the actor, and the session's idle expiry when it
    is due to be pushed back (by `push_back_due`, once the reads are over)."""
    found = signed_in_by_digest(session, token_hash, push_back=False)
    return (actor_of_session(session, found), found.expiry_due) if found is not None else (None, None)


def push_back_due(token_hash: str, due: dt.datetime | None) -> None:
    """A short session's idle expiry pushed back after a read-only lookup, in a writing transaction
    of its own: on SQLite a writing one holds the database's only write lock, and every page's
    opening would queue for it to learn who is signed in (pushed back at most every 5 minutes)."""
    if due is not None:
        with session_scope() as session:
            push_back_expiry(session, token_hash, due)


@contextmanager
def reading_as(who: Actor | SessionDigest | None) -> Iterator[tuple[Session, Actor | None]]:
    """A unit of work that only reads, with its actor: given, or behind the page's session digest,
    resolved in it (one thread hop and one transaction for the event). A short session's idle expiry
    is pushed back afterwards when due, as `actor_for_digest` does."""
    token_hash = who.token_hash if isinstance(who, SessionDigest) else None
    due = None
    with session_scope(read_only=True) as session:
        if isinstance(who, SessionDigest):
            actor, due = actor_reading(session, token_hash) if token_hash else (None, None)
        else:
            actor = who
        yield session, actor
    if token_hash:
        push_back_due(token_hash, due)


def actor_for_digest(token_hash: str | None) -> Actor | None:
    """`actor_for_session` from the token's digest (the page's websocket)."""
    if not token_hash:
        return None
    with session_scope(read_only=True) as session:
        actor, due = actor_reading(session, token_hash)
    push_back_due(token_hash, due)
    return actor


def sign_out_digest(token_hash: str | None) -> str | None:
    """The session (named by its token's digest: the page's websocket) stops working at once, on
    every server. For a session opened through FranceConnect, returns the provider's end-session
    URL (with the session's ID token as `id_token_hint`), where the browser goes next to end that
    session too; the provider then sends it to `routes.SESSION_CLOSED`, which clears the cookie."""
    if not token_hash:
        return None
    with session_scope() as session:
        id_token = identities.id_token_of_digest(session, token_hash)
        close_session_of_digest(session, token_hash)
    if id_token is None or not settings().franceconnect_enabled:
        return None
    return client.logout_url(client.configured(), id_token, settings().public_url.rstrip("/") + routes.SESSION_CLOSED)


def sign_out(token: str | None) -> str | None:
    """`sign_out_digest` from the token itself (an HTTP request's cookie)."""
    return sign_out_digest(digest(token) if token else None)


def exchange_ticket(ticket: str | None) -> OpenedSession:
    """The session a sign-in ticket stands for (single use); InvalidToken when it is no longer valid."""
    with session_scope() as session:
        return tickets.exchange_ticket(session, ticket)
