"""Signing in and out, passwords, one-time links, parents and youths.

Conventions:
- Every function takes the caller's `session` and never commits: the caller's unit of work
  (`session_scope()`) does. Functions that check a secret (`authenticate`, `change_password`)
  *return* an outcome instead of raising, so that the failure they record (counters, lock,
  throttle) is committed with the answer.
- `now` can be passed by tests (lock expiry, session expiry) instead of waiting.

Sessions: a random token (`secrets.token_urlsafe(32)`) goes to the browser, only its sha256 is
stored. Without "Rester connecté" a session ends after SESSION_IDLE without activity and at the
latest SESSION_MAX after sign-in; with it, SESSION_REMEMBER after sign-in. Changing or resetting
the password revokes every session of the account.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import or_
from sqlmodel import Session, delete, func, select

from cjeune_app.core.accounts import emails, throttle
from cjeune_app.core.accounts.errors import (
    Conflict,
    FormErrors,
    InvalidToken,
    PasswordChangeRequired,
    PasswordRejected,
    PermissionDenied,
)
from cjeune_app.core.accounts.models import Account, AuthSession, OneTimeToken, ParentLink
from cjeune_app.core.accounts.passwords import (
    generate_temporary_password,
    hash_password,
    hash_temporary_password,
    is_temporary_cost,
    needs_rehash,
    policy_failures,
    verify_password,
)
from cjeune_app.core.accounts.permissions import (  # noqa: F401  (re-exported for callers)
    can_see_pupil,
    require_partner_access,
    require_pupil_access,
    require_role,
    require_signed_in,
)
from cjeune_app.core.accounts.validation import (
    email_error,
    name_error,
    normalize_email,
    normalize_login,
    password_error,
    resident_commune_error,
    youth_birth_date_error,
)
from cjeune_app.core.dates import format_hour, paris_today
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import BACK_OFFICE_ROLES, ROLE_LABELS, Role
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE

SESSION_IDLE = dt.timedelta(hours=2)
SESSION_MAX = dt.timedelta(hours=12)
SESSION_REMEMBER = dt.timedelta(days=30)
# A short session is pushed back at most this often: not one database write per page view.
SESSION_TOUCH_EVERY = dt.timedelta(minutes=5)

ACTIVATION = "activation"
VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
TOKEN_LIFETIME = {
    ACTIVATION: dt.timedelta(days=7),
    VERIFY_EMAIL: dt.timedelta(hours=48),
    RESET_PASSWORD: dt.timedelta(hours=1),
}
RESETS_PER_HOUR = 3
VERIFICATION_RESEND_AFTER = dt.timedelta(minutes=10)

INVALID_CREDENTIALS = (
    "Identifiant ou mot de passe incorrect. Vérifiez votre saisie (attention aux majuscules) "
    "et réessayez."
)
ASSISTANCE = f"l'assistance au {ASSISTANCE_PHONE} ou à {ASSISTANCE_EMAIL}"


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Signing in


@dataclass(frozen=True)
class AuthOutcome:
    """What a sign-in attempt gives. `account` is set only when `status == "ok"`.

    status: ok, invalid (unknown identifier or wrong password: one message for both),
    locked, throttled, and, only once the password was right: unverified, pending,
    rejected, inactive, wrong_door (the account belongs to another "Qui suis-je ?" choice).
    """

    status: str
    message: str | None = None
    account: Account | None = None
    must_change_password: bool = False
    retry_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def locked_message(until: dt.datetime) -> str:
    return (f"Compte verrouillé après {throttle.LOCK_AFTER_FAILURES} mots de passe erronés : "
            f"réessayez à {format_hour(until)}.")


def throttled_message(until: dt.datetime, now: dt.datetime) -> str:
    when = "dans une minute" if until - now < dt.timedelta(minutes=1) else f"à {format_hour(until)}"
    return ("Trop de tentatives de connexion depuis votre connexion internet : "
            f"réessayez {when}.")


@lru_cache(maxsize=1)
def _decoy_hashes() -> tuple[str, str]:
    """Hashes nobody knows the password of, one per cost, for identifiers without account."""
    return hash_password(secrets.token_urlsafe(24)), hash_temporary_password(secrets.token_urlsafe(24))


def _verify_in_constant_time(password_hash: str | None, password: str) -> bool:
    """Always one full-cost and one temporary-cost argon2 verification, whatever the account:
    response times then tell neither whether the identifier exists nor whether its password
    is still the temporary one."""
    full_decoy, temporary_decoy = _decoy_hashes()
    temporary = is_temporary_cost(password_hash)
    full_ok = verify_password(password_hash if password_hash and not temporary else full_decoy, password)
    temporary_ok = verify_password(password_hash if temporary else temporary_decoy, password)
    if not password_hash:
        return False
    return temporary_ok if temporary else full_ok


def _account_by_login(session: Session, login: str, for_update: bool = False) -> Account | None:
    query = select(Account).where(Account.login == login)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def _lock_of(account: Account, now: dt.datetime) -> dt.datetime | None:
    return account.locked_until if account.locked_until and account.locked_until > now else None


def _count_failure(account: Account, now: dt.datetime) -> dt.datetime | None:
    """Adds a failure; returns the end of the lock when this failure locks the account."""
    account.failed_logins += 1
    if account.failed_logins >= throttle.LOCK_AFTER_FAILURES:
        account.failed_logins = 0
        account.locked_until = now + throttle.LOCK_DURATION
        return account.locked_until
    return None


def authenticate(
    session: Session,
    login: str,
    password: str,
    source_ip: str | None,
    *,
    roles: tuple[Role | str, ...] | None = None,
    now: dt.datetime | None = None,
) -> AuthOutcome:
    """Checks an identifier and a password. `roles`: the account types this sign-in page admits.

    Opens no session: the caller asks "Rester connecté ?" then calls `open_session`, or, when
    `must_change_password`, has the user choose a password with `change_password` first.
    """
    now = now or utcnow()
    login = normalize_login(login)
    key, source = throttle.login_key(login), throttle.source_key(source_ip)
    early = _verify_before_locking(session, login, key, source, password or "", now)

    retry_at = throttle.source_retry_at(session, source, now)
    if retry_at:
        throttle.record_attempt(session, source, key, "throttled", now)
        return AuthOutcome("throttled", throttled_message(retry_at, now), retry_at=retry_at)

    account = _account_by_login(session, login, for_update=True) if login else None
    locked_until = _lock_of(account, now) if account else throttle.unknown_login_locked_until(session, key, now)
    if locked_until:
        throttle.record_attempt(session, source, key, "locked", now)
        return AuthOutcome("locked", locked_message(locked_until), retry_at=locked_until)

    current_hash = account.password_hash if account else None
    if early is not None and early[0] == current_hash:
        password_ok = early[1]
    else:  # the hash changed meanwhile, or the early look saw a lock that is gone: verify now
        password_ok = _verify_in_constant_time(current_hash, password or "")
    if not password_ok:
        throttle.record_attempt(session, source, key, "failure", now)
        locked_until = (_count_failure(account, now) if account
                        else throttle.unknown_login_locked_until(session, key, now))
        if locked_until:
            return AuthOutcome("locked", locked_message(locked_until), retry_at=locked_until)
        return AuthOutcome("invalid", INVALID_CREDENTIALS)

    throttle.record_attempt(session, source, key, "success", now)
    account.failed_logins, account.locked_until = 0, None
    if not account.must_change_password and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    refusal = _refusal_after_right_password(session, account, roles, now)
    if refusal:
        return refusal
    return AuthOutcome("ok", account=account, must_change_password=account.must_change_password)


@contextlib.contextmanager
def _reader(session: Session) -> Iterator[Session]:
    """A read-only session on the same database (SQLite: deferred BEGIN, so no write lock)."""
    bind = session.get_bind()
    if not isinstance(bind, sa.Engine):
        yield session
        return
    with Session(bind.execution_options(read_only=True)) as reader:
        yield reader


def _verify_before_locking(
    session: Session, login: str, key: str, source: str, password: str, now: dt.datetime
) -> tuple[str | None, bool] | None:
    """The argon2 work (~0.2 s), done before the writing transaction starts: on SQLite that
    transaction holds the database's write lock, and sign-ins would otherwise queue behind each
    other's hashing. Returns (hash verified, result), or None when the address is braked or the
    identifier locked (then no hashing at all). The writing phase decides; this only saves time."""
    with _reader(session) as reader:
        if throttle.source_retry_at(reader, source, now):
            return None
        row = reader.exec(select(Account.password_hash, Account.locked_until).where(Account.login == login)).first()
        if row is not None and row.locked_until and throttle.as_utc(row.locked_until) > now:
            return None
        if row is None and throttle.unknown_login_locked_until(reader, key, now):
            return None
    password_hash = row.password_hash if row is not None else None
    return password_hash, _verify_in_constant_time(password_hash, password)


def _refusal_after_right_password(
    session: Session, account: Account, roles: tuple | None, now: dt.datetime
) -> AuthOutcome | None:
    """Reasons to refuse a sign-in that may be said, since the password proved who is asking."""
    if not account.is_active:
        return AuthOutcome("inactive", f"Ce compte est désactivé. Contactez {ASSISTANCE}.")
    if roles is not None and account.role not in {str(r) for r in roles}:
        return AuthOutcome("wrong_door", _wrong_door_message(account))
    if account.role in (Role.YOUTH, Role.PARTNER) and account.email_verified_at is None:
        _resend_verification_if_due(session, account, now)
        return AuthOutcome(
            "unverified",
            "Confirmez d'abord votre adresse e-mail : cliquez sur le lien que nous vous avons "
            "envoyé (pensez à regarder dans les courriers indésirables). Un nouveau lien vous "
            "est envoyé si le précédent a plus de 10 minutes.",
        )
    if account.role == Role.PARTNER:
        return _partner_refusal(session, account)
    return None


def _wrong_door_message(account: Account) -> str:
    if account.role in BACK_OFFICE_ROLES:
        return ("Cet identifiant est celui d'un compte de gestion : connectez-vous depuis la page "
                "réservée aux agents et aux établissements.")
    label = ROLE_LABELS[Role(account.role)]
    return f"Cet identifiant est celui d'un compte « {label} » : revenez à « Qui suis-je ? » et choisissez « {label} »."


def _partner_refusal(session: Session, account: Account) -> AuthOutcome | None:
    partner = session.get(Partner, account.partner_id) if account.partner_id else None
    if partner is None:
        return AuthOutcome("inactive", f"Ce compte n'est rattaché à aucune structure. Contactez {ASSISTANCE}.")
    if partner.status == "pending":
        return AuthOutcome(
            "pending",
            "Votre structure est en attente de validation par le Département. "
            "Vous recevrez un e-mail dès qu'elle sera validée.",
        )
    if partner.status == "rejected":
        return AuthOutcome(
            "rejected",
            f"La demande d'inscription de votre structure a été refusée : {partner.rejection_reason} "
            f"Pour toute question, contactez {ASSISTANCE}.",
        )
    return None


# ---------------------------------------------------------------------------------------------
# Sessions


def open_session(session: Session, account: Account, remember: bool, *, now: dt.datetime | None = None) -> str:
    """Starts a session after a successful `authenticate`; returns the token for the browser."""
    if account.must_change_password:
        raise PasswordChangeRequired()
    if not account.is_active:
        raise PermissionDenied()
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(AuthSession(
        account_id=account.id,
        token_hash=_sha256(token),
        remember=remember,
        created_at=now,
        expires_at=now + (SESSION_REMEMBER if remember else SESSION_IDLE),
    ))
    session.flush()
    return token


def account_for_token(session: Session, token: str | None, *, now: dt.datetime | None = None) -> Account | None:
    """The signed-in account, or None when the token is unknown, expired or revoked.

    Pushes back the idle expiry of a short session, hence needs a writing session.
    """
    if not token:
        return None
    now = now or utcnow()
    auth = session.exec(select(AuthSession).where(AuthSession.token_hash == _sha256(token))).first()
    if auth is None or auth.revoked_at is not None or auth.expires_at <= now:
        return None
    account = session.get(Account, auth.account_id)
    if account is None or not account.is_active or account.must_change_password:
        return None
    if account.role == Role.PARTNER:
        partner = session.get(Partner, account.partner_id) if account.partner_id else None
        if partner is None or partner.status != "validated":
            return None
    if not auth.remember:
        pushed_back = min(now + SESSION_IDLE, auth.created_at + SESSION_MAX)
        if pushed_back - auth.expires_at >= SESSION_TOUCH_EVERY:
            auth.expires_at = pushed_back
    return account


def close_session(session: Session, token: str | None, *, now: dt.datetime | None = None) -> None:
    """Sign-out: the token stops working at once, on every server."""
    if not token:
        return
    auth = session.exec(select(AuthSession).where(AuthSession.token_hash == _sha256(token))).first()
    if auth is not None and auth.revoked_at is None:
        auth.revoked_at = now or utcnow()


def revoke_all_sessions(session: Session, account_id: int, *, now: dt.datetime | None = None) -> int:
    now = now or utcnow()
    open_sessions = session.exec(
        select(AuthSession).where(AuthSession.account_id == account_id, AuthSession.revoked_at.is_(None))
    ).all()
    for auth in open_sessions:
        auth.revoked_at = now
    return len(open_sessions)


KEEP_ENDED_SESSIONS = dt.timedelta(days=30)


def purge_expired(session: Session, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Forgets sessions and links that ended over a month ago, and sign-in attempts over a day."""
    now = now or utcnow()
    horizon = now - KEEP_ENDED_SESSIONS
    sessions = session.exec(delete(AuthSession).where(
        or_(AuthSession.expires_at < horizon, AuthSession.revoked_at < horizon))).rowcount
    links = session.exec(delete(OneTimeToken).where(OneTimeToken.expires_at < horizon)).rowcount
    attempts = throttle.purge_old_attempts(session, now)
    return {"sessions": sessions or 0, "links": links or 0, "login_attempts": attempts}


# ---------------------------------------------------------------------------------------------
# Passwords


@dataclass(frozen=True)
class PasswordChange:
    ok: bool
    errors: list[str]
    retry_at: dt.datetime | None = None


def change_password(
    session: Session,
    account: Account,
    current_password: str,
    new_password: str,
    *,
    source_ip: str | None = None,
    now: dt.datetime | None = None,
) -> PasswordChange:
    """Replaces the password (the temporary one at first sign-in) after checking the current one.

    A wrong current password counts towards the lock like a failed sign-in. On success every
    session of the account is revoked: the caller opens a new one.
    """
    now = now or utcnow()
    account = session.get(Account, account.id, with_for_update=True)
    source = throttle.source_key(source_ip)
    key = throttle.login_key(account.login)
    if source_ip is not None:
        retry_at = throttle.source_retry_at(session, source, now)
        if retry_at:
            return PasswordChange(False, [throttled_message(retry_at, now)], retry_at)
    if _lock_of(account, now):
        return PasswordChange(False, [locked_message(account.locked_until)], account.locked_until)

    if not verify_password(account.password_hash, current_password or ""):
        throttle.record_attempt(session, source, key, "failure", now)
        locked_until = _count_failure(account, now)
        if locked_until:
            return PasswordChange(False, [locked_message(locked_until)], locked_until)
        return PasswordChange(False, ["Le mot de passe actuel est incorrect : vérifiez-le."])
    account.failed_logins = 0

    errors = policy_failures(new_password or "")
    if new_password == current_password:
        errors.append(
            "Le nouveau mot de passe doit être différent du mot de passe temporaire."
            if account.must_change_password
            else "Le nouveau mot de passe doit être différent de l'ancien."
        )
    if errors:
        return PasswordChange(False, errors)

    _set_password(session, account, new_password, now)
    if account.email:
        emails.send_password_changed(session, account.email)
    return PasswordChange(True, [])


def _set_password(session: Session, account: Account, new_password: str, now: dt.datetime) -> None:
    account.password_hash = hash_password(new_password)
    account.must_change_password = False
    account.failed_logins, account.locked_until = 0, None
    revoke_all_sessions(session, account.id, now=now)
    _invalidate_tokens(session, account.id, RESET_PASSWORD, now)


def _check_new_password(new_password: str) -> None:
    failures = policy_failures(new_password or "")
    if failures:
        raise PasswordRejected(failures)


# ---------------------------------------------------------------------------------------------
# One-time links (activation, e-mail verification, password reset)


def _invalidate_tokens(session: Session, account_id: int, purpose: str, now: dt.datetime) -> None:
    for token in session.exec(
        select(OneTimeToken).where(
            OneTimeToken.account_id == account_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
    ).all():
        token.used_at = now


def issue_token(session: Session, account: Account, purpose: str, *, now: dt.datetime | None = None) -> str:
    """A new link for `purpose`; the account's earlier unused links for it stop working."""
    now = now or utcnow()
    _invalidate_tokens(session, account.id, purpose, now)
    raw = secrets.token_urlsafe(32)
    session.add(OneTimeToken(
        account_id=account.id,
        purpose=purpose,
        token_hash=_sha256(raw),
        created_at=now,
        expires_at=now + TOKEN_LIFETIME[purpose],
    ))
    session.flush()
    return raw


def _find_token(session: Session, raw: str | None, purpose: str, now: dt.datetime,
                for_update: bool = False) -> OneTimeToken:
    if not raw:
        raise InvalidToken()
    query = select(OneTimeToken).where(OneTimeToken.token_hash == _sha256(raw), OneTimeToken.purpose == purpose)
    if for_update:
        query = query.with_for_update()
    token = session.exec(query).first()
    if token is None or token.used_at is not None or token.expires_at <= now:
        raise InvalidToken()
    return token


def account_for_link(session: Session, raw: str | None, purpose: str, *, now: dt.datetime | None = None) -> Account:
    """The account a link is for, without using the link up (to greet the user on its page)."""
    token = _find_token(session, raw, purpose, now or utcnow())
    return session.get(Account, token.account_id)


def _consume(session: Session, raw: str | None, purpose: str, now: dt.datetime) -> Account:
    token = _find_token(session, raw, purpose, now, for_update=True)
    token.used_at = now
    return session.get(Account, token.account_id, with_for_update=True)


def activate(session: Session, token: str, new_password: str, *, now: dt.datetime | None = None) -> Account:
    """A parent chooses a password from the activation link (which also proves the address)."""
    _check_new_password(new_password)
    now = now or utcnow()
    account = _consume(session, token, ACTIVATION, now)
    _set_password(session, account, new_password, now)
    account.email_verified_at = account.email_verified_at or now
    return account


def verify_email(session: Session, token: str, *, now: dt.datetime | None = None) -> Account:
    """The link of the verification e-mail (Jeune, Partenaire)."""
    now = now or utcnow()
    account = _consume(session, token, VERIFY_EMAIL, now)
    account.email_verified_at = account.email_verified_at or now
    return account


def request_password_reset(session: Session, email: str, *, now: dt.datetime | None = None) -> None:
    """"Mot de passe oublié": e-mails a link when the address has an account, and says nothing
    either way (the page always shows the same sentence, and the e-mail leaves in the background).

    Pupils' Eduprovence passwords are reset by their school, not by e-mail.
    """
    now = now or utcnow()
    account = _account_by_login(session, normalize_email(email))
    if account is None or account.role == Role.PUPIL or not account.email or not account.is_active:
        return
    recent = session.exec(
        select(func.count()).select_from(OneTimeToken).where(
            OneTimeToken.account_id == account.id,
            OneTimeToken.purpose.in_([RESET_PASSWORD, ACTIVATION]),
            OneTimeToken.created_at >= now - dt.timedelta(hours=1),
        )
    ).one()
    if recent >= RESETS_PER_HOUR:  # nobody can flood someone's mailbox through this form
        return
    if account.role == Role.PARENT and account.password_hash is None:
        child = _first_child_name(session, account)
        emails.send_parent_activation(session, account.email, issue_token(session, account, ACTIVATION, now=now), child)
        return
    emails.send_password_reset(session, account.email, issue_token(session, account, RESET_PASSWORD, now=now))


FORGOTTEN_PASSWORD_ANSWER = (
    "Si un compte CJeune de Provence utilise cette adresse, un e-mail vient de lui être envoyé "
    "avec un lien valable 1 heure. Pensez à regarder dans les courriers indésirables."
)


def reset_password(session: Session, token: str, new_password: str, *, now: dt.datetime | None = None) -> Account:
    """The page of the reset link: a new password, every session closed."""
    _check_new_password(new_password)
    now = now or utcnow()
    account = _consume(session, token, RESET_PASSWORD, now)
    _set_password(session, account, new_password, now)
    account.email_verified_at = account.email_verified_at or now
    return account


# ---------------------------------------------------------------------------------------------
# Parents


def create_or_get_parent_for_enrollment(
    session: Session,
    email: str,
    first_name: str,
    last_name: str,
    pupil_id: int,
    *,
    now: dt.datetime | None = None,
) -> Account:
    """The legal guardian's account for a completed enrollment, linked to the pupil.

    New address: a Parent account without password and an activation e-mail. Known parent:
    the child is linked (an e-mail says so; one not yet activated gets a new activation link).
    """
    now = now or utcnow()
    email = normalize_email(email)
    problem = email_error(email)
    if problem:
        raise FormErrors({"email": problem})
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        raise PermissionDenied()
    account = _account_by_login(session, email, for_update=True)
    if account is None:
        account = Account(role=Role.PARENT, login=email, email=email,
                          first_name=first_name.strip(), last_name=last_name.strip(), created_at=now)
        session.add(account)
        session.flush()
    elif account.role != Role.PARENT:
        raise Conflict(
            "Cette adresse e-mail est déjà utilisée par un autre type de compte CJeune de Provence : "
            "indiquez une autre adresse e-mail pour le responsable légal."
        )
    newly_linked = _link(session, account, pupil)
    if account.password_hash is None:
        token = issue_token(session, account, ACTIVATION, now=now)
        emails.send_parent_activation(session, email, token, pupil.first_name)
    elif newly_linked:
        emails.send_child_linked(session, email, pupil.first_name)
    return account


def _link(session: Session, parent: Account, pupil: Pupil) -> bool:
    exists = session.exec(
        select(ParentLink.id).where(ParentLink.parent_account_id == parent.id, ParentLink.pupil_id == pupil.id)
    ).first()
    if exists:
        return False
    session.add(ParentLink(parent_account_id=parent.id, pupil_id=pupil.id))
    session.flush()
    return True


def children_of(session: Session, parent_account: Account) -> list[Pupil]:
    """The pupils linked to a parent account, and only those."""
    require_role(parent_account, Role.PARENT)
    return list(session.exec(
        select(Pupil)
        .join(ParentLink, ParentLink.pupil_id == Pupil.id)
        .where(ParentLink.parent_account_id == parent_account.id)
        .order_by(Pupil.first_name, Pupil.id)
    ).all())


def _first_child_name(session: Session, parent: Account) -> str:
    children = children_of(session, parent)
    return children[0].first_name if children else "votre enfant"


# ---------------------------------------------------------------------------------------------
# Self sign-up (Jeune) and e-mail verification


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
    """A young person (15 to 25, living in the 13, no longer at collège) creates an account.

    Answers the same way whether the address is new or not (then its owner is told by e-mail):
    the form does not reveal who has an account. Raises FormErrors for mistakes in the form.
    """
    now = now or utcnow()
    email = normalize_email(email)
    errors = {
        "email": email_error(email),
        "password": password_error(password),
        "first_name": name_error(first_name, "prénom"),
        "last_name": name_error(last_name, "nom"),
        "birth_date": youth_birth_date_error(birth_date, paris_today(now)),
        "commune_insee": resident_commune_error(commune_insee),
    }
    errors = {field: message for field, message in errors.items() if message}
    if errors:
        raise FormErrors(errors)
    password_hash = hash_password(password)  # in every branch: same response time
    details = dict(first_name=first_name.strip(), last_name=last_name.strip(), birth_date=birth_date,
                   commune_insee=commune_insee.strip(), password_hash=password_hash)
    account = _account_by_login(session, email, for_update=True)
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
    emails.send_email_verification(session, email, issue_token(session, account, VERIFY_EMAIL, now=now))


def send_verification(session: Session, account: Account, *, now: dt.datetime | None = None) -> None:
    emails.send_email_verification(session, account.email, issue_token(session, account, VERIFY_EMAIL, now=now))


def _resend_verification_if_due(session: Session, account: Account, now: dt.datetime) -> None:
    last = session.exec(
        select(func.max(OneTimeToken.created_at)).where(
            OneTimeToken.account_id == account.id, OneTimeToken.purpose == VERIFY_EMAIL
        )
    ).one()
    if last is None or throttle.as_utc(last) <= now - VERIFICATION_RESEND_AFTER:
        send_verification(session, account, now=now)


def create_back_office_account(
    session: Session,
    *,
    role: Role | str,
    email: str,
    first_name: str,
    last_name: str,
    establishment_id: int | None = None,
    password: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Account, str | None]:
    """An agent or a school staff account (operators' command). Without `password`, a temporary
    one is generated, returned once and must be changed at first sign-in."""
    now = now or utcnow()
    role = Role(role)
    if role not in BACK_OFFICE_ROLES:
        raise ValueError(f"Rôle de gestion attendu ({', '.join(BACK_OFFICE_ROLES)}), reçu : {role}.")
    email = normalize_email(email)
    errors = {"email": email_error(email), "first_name": name_error(first_name, "prénom"),
              "last_name": name_error(last_name, "nom")}
    if role == Role.ESTABLISHMENT and establishment_id is None:
        errors["establishment"] = "Un compte établissement doit être rattaché à un établissement (code UAI)."
    if password is not None:
        errors["password"] = password_error(password)
    errors = {field: message for field, message in errors.items() if message}
    if errors:
        raise FormErrors(errors)
    if _account_by_login(session, email) is not None:
        raise Conflict(f"Un compte utilise déjà l'adresse {email}.")
    temporary = None if password is not None else generate_temporary_password()
    account = Account(
        role=role, login=email, email=email, first_name=first_name.strip(), last_name=last_name.strip(),
        password_hash=hash_password(password) if password is not None else hash_temporary_password(temporary),
        must_change_password=temporary is not None,
        establishment_id=establishment_id if role == Role.ESTABLISHMENT else None,
        email_verified_at=None, created_at=now,
    )
    session.add(account)
    session.flush()
    return account, temporary
