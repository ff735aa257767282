"""Accounts: signing in (password, temporary password, "Rester connecté ?"), the e-mailed links,
the forgotten password, a Jeune's sign-up, and the operators' back-office accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cjeune_app.core.accounts import links, sessions, staff, tickets, tokens, youths
from cjeune_app.core.accounts import password_change as passwords
from cjeune_app.core.accounts.errors import SignInExpired
from cjeune_app.core.accounts.models import Account, TokenPurpose
from cjeune_app.core.accounts.passwords import HashedAhead
from cjeune_app.core.accounts.sign_in import PENDING_SIGN_IN_LIMIT, SignInStatus
from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import NotSignedIn
from cjeune_app.core.establishments.api import establishment_by_uai
from cjeune_app.core.partners import sign_in as partner_sign_in
from cjeune_app.core.permissions import require_signed_in
from cjeune_app.core.telemetry import fingerprint, log
from cjeune_app.core.use_cases.school import UnknownEstablishment
from cjeune_app.core.use_cases.sessions import actor_of

# ---------------------------------------------------------------------------------------------
# Signing in


@dataclass(frozen=True)
class PendingSignIn:
    """The right password was given: who, and when (a session opens within PENDING_SIGN_IN_LIMIT)."""

    account_id: int
    verified_at: dt.datetime


@dataclass(frozen=True)
class SignInStep:
    status: SignInStatus
    message: str = ""
    must_change_password: bool = False
    pending: PendingSignIn | None = None  # set when the password was right

    @property
    def ok(self) -> bool:
        return self.status is SignInStatus.OK


@dataclass(frozen=True)
class PasswordStep:
    errors: list[str] = field(default_factory=list)
    pending: PendingSignIn | None = None  # set when the new password was taken

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SignedIn:
    ticket: str  # exchanged once, over HTTP, for the HttpOnly session cookie (core.accounts.tickets)
    remember: bool
    actor: Actor


def check_password(login: str, password: str, source_ip: str | None, roles: tuple[Role, ...] | None = None,
                   *, now: dt.datetime | None = None) -> SignInStep:
    """First step: the identifier and the password, on the sign-in page of `roles`."""
    now = now or utcnow()
    with session_scope() as session:
        outcome = partner_sign_in.authenticate(session, login, password, source_ip, roles=roles, now=now)
        if not outcome.ok or outcome.account is None or outcome.account.id is None:
            log.warning("sign_in_failed", status=outcome.status, login=fingerprint(login), source_ip=source_ip,
                        door=",".join(roles or ()))
            return SignInStep(outcome.status, outcome.message or "")
        return SignInStep(outcome.status, "", outcome.must_change_password,
                          PendingSignIn(outcome.account.id, now))


def _pending_account(session_account: Account | None) -> Account:
    if session_account is None or not session_account.is_active:
        raise NotSignedIn()
    return session_account


def replace_temporary_password(pending: PendingSignIn, current_password: str, new_password: str,
                               source_ip: str | None, *, now: dt.datetime | None = None) -> PasswordStep:
    """At first sign-in, the temporary password replaced by one of the person's choosing."""
    now = now or utcnow()
    ahead = _hash_ahead(pending.account_id, current_password, new_password, source_ip, now)
    with session_scope() as session:
        account = _pending_account(session.get(Account, pending.account_id))
        change = passwords.change_password(session, account, current_password, new_password,
                                           source_ip=source_ip, now=now, ahead=ahead)
        if not change.ok:
            return PasswordStep(list(change.errors))
        return PasswordStep([], PendingSignIn(pending.account_id, now))


def open_session(pending: PendingSignIn | None, remember: bool, *, now: dt.datetime | None = None) -> SignedIn:
    """Last step, "Rester connecté ?": if the password was given recently enough, the ticket the
    browser exchanges for its session cookie (`use_cases.sessions.exchange_ticket`)."""
    now = now or utcnow()
    if pending is None or now - pending.verified_at >= PENDING_SIGN_IN_LIMIT:
        raise SignInExpired()
    with session_scope() as session:
        account = _pending_account(session.get(Account, pending.account_id))
        ticket = tickets.issue_ticket(session, account, remember, now=now)
        return SignedIn(ticket, remember, actor_of(session, account))


def change_password(actor: Actor | None, current_password: str, new_password: str,
                    source_ip: str | None) -> PasswordStep:
    """A signed-in person changes their password (every session, this one included, ends)."""
    actor = require_signed_in(actor)
    now = utcnow()
    ahead = _hash_ahead(actor.account_id, current_password, new_password, source_ip, now)
    with session_scope() as session:
        account = _pending_account(session.get(Account, actor.account_id))
        change = passwords.change_password(session, account, current_password, new_password,
                                           source_ip=source_ip, now=now, ahead=ahead)
        return PasswordStep(list(change.errors))


def _hash_ahead(account_id: int, current_password: str, new_password: str, source_ip: str | None,
                now: dt.datetime) -> HashedAhead | None:
    """A password change's argon2 work, before its writing transaction (see `HashedAhead`)."""
    with session_scope(read_only=True) as reader:
        account = passwords.account_to_verify(reader, account_id, source_ip, now)
    return passwords.hash_ahead(account.password_hash, current_password, new_password) if account else None


# ---------------------------------------------------------------------------------------------
# E-mailed links and the forgotten password


@dataclass(frozen=True)
class LinkHolder:
    """Whom a link greets, and where they sign in afterwards."""

    first_name: str
    role: Role


LINK_ACTIONS = {TokenPurpose.ACTIVATION: links.activate, TokenPurpose.RESET_PASSWORD: links.reset_password}


def link_holder(token: str, purpose: TokenPurpose) -> LinkHolder:
    """Raises InvalidToken when the link is unknown, used or expired."""
    with session_scope(read_only=True) as session:
        account = tokens.account_for_link(session, token, purpose)
        return LinkHolder(account.first_name or "", Role(account.role))


def choose_password_from_link(token: str, purpose: TokenPurpose, new_password: str) -> LinkHolder:
    """Activation (parent) or reset link: the new password; raises PasswordRejected, InvalidToken."""
    with session_scope() as session:
        account = LINK_ACTIONS[purpose](session, token, new_password)
        return LinkHolder(account.first_name or "", Role(account.role))


def verify_email(token: str) -> LinkHolder:
    """The link of the verification e-mail (Jeune, Partenaire); raises InvalidToken."""
    with session_scope() as session:
        account = links.verify_email(session, token)
        return LinkHolder(account.first_name or "", Role(account.role))


def request_password_reset(email: str) -> str:
    """Always the same answer, whether the address has an account or not."""
    with session_scope() as session:
        links.request_password_reset(session, email)
    return links.FORGOTTEN_PASSWORD_ANSWER


# ---------------------------------------------------------------------------------------------
# Sign-up (Jeune) and operators' accounts


@dataclass(frozen=True)
class YouthSignUp:
    email: str
    password: str
    first_name: str
    last_name: str
    birth_date: dt.date | None
    commune_insee: str


def sign_up_youth(form: YouthSignUp) -> str:
    """Raises FormErrors for mistakes; the answer says nothing of whether the address was known."""
    with session_scope() as session:
        youths.sign_up_youth(session, email=form.email, password=form.password, first_name=form.first_name,
                             last_name=form.last_name, birth_date=form.birth_date,
                             commune_insee=form.commune_insee)
    return youths.SIGN_UP_ANSWER


@dataclass(frozen=True)
class CreatedAccount:
    account_id: int
    role: Role
    login: str
    establishment_uai: str | None
    temporary_password: str | None  # shown once, to change at first sign-in


def create_back_office_account(*, role: Role | str, email: str, first_name: str, last_name: str,
                               uai: str | None = None, password: str | None = None) -> CreatedAccount:
    """The operators' command (no actor: whoever runs it holds the server)."""
    with session_scope() as session:
        school = None
        if uai:
            school = establishment_by_uai(session, uai)
            if school is None:
                raise UnknownEstablishment(uai)
        account, temporary = staff.create_back_office_account(
            session, role=role, email=email, first_name=first_name, last_name=last_name,
            establishment_id=school.id if school else None, password=password)
        assert account.id is not None
        return CreatedAccount(account.id, Role(account.role), account.login,
                              school.uai if school else None, temporary)


def purge_expired() -> dict[str, int]:
    """Operators' housekeeping: ended sessions and links, old sign-in attempts."""
    with session_scope() as session:
        return sessions.purge_expired(session)
