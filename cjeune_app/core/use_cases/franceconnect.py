"""Signing a Parent in with FranceConnect: the redirect to the provider, its answer, the first
visit's link to the Parent account, and the sign-out at the provider.

The provider is called outside any transaction (a slow provider holds no database lock); the login
under way is used up in its own transaction before the code is exchanged, so a refused answer
cannot be replayed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cjeune_app import routes
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.franceconnect import client, identities, logins
from cjeune_app.core.franceconnect.errors import ArrivalExpired, LoginExpired, ProviderRefused, message_for
from cjeune_app.core.franceconnect.logins import ARRIVAL_LIFETIME, LOGIN_LIFETIME
from cjeune_app.core.guardians import parent_accounts
from cjeune_app.core.settings import settings

__all__ = ["ARRIVAL_LIFETIME", "LOGIN_LIFETIME", "Arrival", "LoginFinished", "LoginStart", "arrival", "finish_login",
           "is_offered", "link_first_visit", "refusal_message", "start_login"]


@dataclass(frozen=True)
class LoginStart:
    """Where to send the browser, and the value it must keep (HttpOnly cookie) until the answer."""

    url: str
    browser_key: str


@dataclass(frozen=True)
class LoginFinished:
    """Either a session was opened (`session_token`), or it is a first visit (`arrival_ticket`)."""

    session_token: str | None = None
    arrival_ticket: str | None = None


def _callback_url() -> str:
    return settings().public_url.rstrip("/") + routes.FRANCECONNECT_CALLBACK


def is_offered() -> bool:
    """Whether the "S'identifier avec FranceConnect" button is shown (the provider is configured)."""
    return settings().franceconnect_enabled


def refusal_message(code: str) -> str:
    return message_for(code)


def start_login(*, now: dt.datetime | None = None) -> LoginStart:
    config = client.configured()
    authorization = client.authorization(config, _callback_url())
    browser_key = logins.new_browser_key()
    with session_scope() as session:
        logins.remember_login(session, authorization, browser_key, now=now)
    return LoginStart(url=authorization.url, browser_key=browser_key)


def finish_login(state: str, code: str, error: str, browser_key: str | None,
                 *, now: dt.datetime | None = None) -> LoginFinished:
    """The provider's answer: refuses a bad or reused state, an error of the provider, a token that
    fails a check; else signs in the linked Parent, or opens the first visit."""
    config = client.configured()
    with session_scope() as session:
        pending = logins.take_login(session, state, browser_key, now=now)
    # An error of the provider signs nobody in: it is told as such even without a state to match
    # (some providers leave it out of error answers); the login, if named, is used up all the same.
    if error:
        raise ProviderRefused()
    if pending is None:
        raise LoginExpired()
    if not code:
        raise ProviderRefused()
    identity = client.verified_identity(config, _callback_url(), code, pending.code_verifier, pending.nonce)
    with session_scope() as session:
        parent = identities.linked_parent(session, identity.sub)
        if parent is None:
            return LoginFinished(arrival_ticket=logins.open_arrival(session, identity, now=now))
        token = identities.open_franceconnect_session(session, parent, identity.sub, identity.id_token, now=now)
        return LoginFinished(session_token=token)


@dataclass(frozen=True)
class Arrival:
    """Who FranceConnect confirmed, shown on the first visit's page."""

    given_name: str
    family_name: str


def arrival(ticket: str | None, *, now: dt.datetime | None = None) -> Arrival:
    """The identity waiting to be linked (first visit); ArrivalExpired when the ticket is unknown,
    used, or older than ARRIVAL_LIFETIME."""
    with session_scope(read_only=True) as session:
        found = logins.arrival_for(session, ticket, now=now)
        if found is None:
            raise ArrivalExpired()
        return Arrival(given_name=found.given_name, family_name=found.family_name)


def link_first_visit(ticket: str | None, proof: str, *, now: dt.datetime | None = None) -> str:
    """End of the first visit, once the guardians' verification succeeded (SMS code, then every
    child's birth date: `use_cases.guardians.verify_birth_dates(proof, ...)`): the guardian's
    Parent account (found or created, children attached) is linked to the FranceConnect identity,
    the arrival and the proof are spent, and a session is opened. Returns the browser's token.

    The account is active from then on: FranceConnect vouched for the person and the school's
    record for the family, as the auto-inscription does with a password. A provisional password
    from a school's letter, not used yet, stops working (FranceConnect is now the way in)."""
    now = now or utcnow()
    with session_scope() as session:
        found = logins.arrival_for(session, ticket, now=now)
        if found is None:
            raise ArrivalExpired()
        account = parent_accounts.account_for_verified_proof(session, proof, now=now)
        identities.link(session, found.sub, account, now=now)
        account.is_active = True
        if account.must_change_password:  # a school's letter not used yet: its provisional password dies
            account.password_hash, account.must_change_password = None, False
        found.used_at = now
        session.add_all([account, found])
        return identities.open_franceconnect_session(session, account, found.sub, found.id_token, now=now)
