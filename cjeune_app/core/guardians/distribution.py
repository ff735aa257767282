"""Accounts distributed by the school: staff generate the Parent accounts of the guardians of
chosen pupils (a class, or all), each with a provisional password on a notification letter (PDF)
and/or by e-mail. At the first sign-in the guardian replaces the password, gives the children's
birth dates and an e-mail address; the account is active once the link sent there is followed.

A new letter replaces the provisional password (the previous letter no longer works).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.password_change import set_password
from cjeune_app.core.accounts.passwords import (
    generate_temporary_password,
    hash_password,
    policy_failures,
    verify_password,
)
from cjeune_app.core.accounts.sessions import revoke_all_sessions
from cjeune_app.core.accounts.tokens import send_verification
from cjeune_app.core.accounts.validation import email_error
from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Conflict
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.guardians.letters import GuardianLetter, first_steps, guardian_letters_pdf
from cjeune_app.core.guardians.models import Guardian
from cjeune_app.core.guardians.parent_accounts import next_parent_login
from cjeune_app.core.guardians.records import attach_account, children_of_guardian, existing_parent_account
from cjeune_app.core.notifications import queue_notice


class GuardianAccountState(StrEnum):
    NOT_GENERATED = "non_genere"
    LETTER_ISSUED = "courrier_remis"
    ACTIVATED = "active"


STATE_LABELS = {
    GuardianAccountState.NOT_GENERATED: "Compte non généré",
    GuardianAccountState.LETTER_ISSUED: "Courrier remis, compte pas encore activé",
    GuardianAccountState.ACTIVATED: "Compte activé",
}


class Delivery(StrEnum):
    LETTER = "courrier"
    EMAIL = "email"
    BOTH = "courrier_et_email"


def account_state(account: Account | None) -> GuardianAccountState:
    if account is None:
        return GuardianAccountState.NOT_GENERATED
    if account.password_hash and not account.must_change_password and (
            account.email is None or account.email_verified_at is not None):
        return GuardianAccountState.ACTIVATED
    return GuardianAccountState.LETTER_ISSUED


@dataclass(frozen=True)
class GuardianStatus:
    guardian_id: int
    name: str
    relation: str
    children: str  # "Léa Durand (5e B)"
    mobile: str | None
    email: str | None
    state: GuardianAccountState
    login: str | None
    letter_issued_at: dt.datetime | None


def _person_key(row: Guardian) -> str:
    """Rows of the same person (one per child): same mobile, else same e-mail, else the row alone."""
    return row.mobile or row.email or f"row:{row.id}"


def school_guardian_rows(session: Session, establishment_id: int, class_name: str | None = None) -> list[Guardian]:
    query = (select(Guardian).join(Pupil, col(Pupil.id) == col(Guardian.pupil_id))
             .where(Pupil.establishment_id == establishment_id).order_by(col(Guardian.last_name), col(Guardian.id)))
    if class_name:
        query = query.where(Pupil.class_name == class_name)
    return list(session.exec(query).all())


def _people(rows: list[Guardian]) -> dict[str, list[Guardian]]:
    people: dict[str, list[Guardian]] = {}
    for row in rows:
        people.setdefault(_person_key(row), []).append(row)
    return people


def _children_label(session: Session, rows: list[Guardian]) -> str:
    return ", ".join(f"{p.first_name} {p.last_name} ({p.class_name})" for p in children_of_guardian(session, rows))


def guardian_statuses(session: Session, establishment_id: int) -> list[GuardianStatus]:
    """Each guardian of the school's pupils once, with the state of their account."""
    statuses = []
    for rows in _people(school_guardian_rows(session, establishment_id)).values():
        first = rows[0]
        assert first.id is not None
        account = existing_parent_account(session, [r for r in rows if r.account_id is not None])
        statuses.append(GuardianStatus(
            first.id, f"{first.first_name} {first.last_name}", first.relation, _children_label(session, rows),
            first.mobile, first.email, account_state(account), account.login if account else None,
            max((r.letter_issued_at for r in rows if r.letter_issued_at), default=None)))
    return statuses


class NoGuardianToNotify(Conflict):
    code = "no_guardian_to_notify"
    message = ("Aucun responsable légal n'est enregistré pour ces élèves : ajoutez-les (fichier CSV ou "
               "bouton « Responsables légaux » d'un élève), puis recommencez.")


class NoEmailForGuardian(Conflict):
    code = "no_email_for_guardian"

    def __init__(self, names: list[str]) -> None:
        super().__init__("Envoi par e-mail impossible : aucune adresse e-mail n'est enregistrée pour "
                         + ", ".join(names) + ". Choisissez le courrier PDF, ou complétez leurs adresses.")


@dataclass(frozen=True)
class Issued:
    letters_pdf: bytes | None
    count: int
    emailed: int


def issue_letters(session: Session, school: Establishment, *, class_name: str | None = None,
                  guardian_id: int | None = None, delivery: Delivery = Delivery.LETTER,
                  only_new: bool = False, now: dt.datetime | None = None) -> Issued:
    """Generates (or re-issues) the accounts of the school's guardians: all, a class's, or one
    guardian's (`guardian_id`: any of their rows). Every letter sets a new provisional password:
    the previous one no longer works. `only_new`: skip guardians who already have an account."""
    assert school.id is not None
    now = now or utcnow()
    people = _people(school_guardian_rows(session, school.id, class_name))
    if guardian_id is not None:
        people = {key: rows for key, rows in people.items() if any(r.id == guardian_id for r in rows)}
    if only_new:
        people = {key: rows for key, rows in people.items() if existing_parent_account(session, rows) is None}
    if not people:
        raise NoGuardianToNotify()
    if delivery is not Delivery.LETTER:
        missing = [f"{rows[0].first_name} {rows[0].last_name}" for rows in people.values()
                   if not any(r.email for r in rows)]
        if missing and delivery is Delivery.EMAIL:
            raise NoEmailForGuardian(missing)
    letters, emailed = [], 0
    for rows in people.values():
        account, password = _provisional_account(session, rows, now)
        for row in rows:
            row.account_id, row.letter_issued_at = account.id, now
            session.add(row)
        letter = GuardianLetter(f"{rows[0].first_name} {rows[0].last_name.upper()}",
                                _children_label(session, rows), school.name, account.login, password)
        letters.append(letter)
        email = next((r.email for r in rows if r.email), None)
        if email and delivery is not Delivery.LETTER:
            _email_letter(session, email, letter)
            emailed += 1
    session.flush()
    pdf = guardian_letters_pdf(letters) if delivery is not Delivery.EMAIL else None
    return Issued(pdf, len(letters), emailed)


def _provisional_account(session: Session, rows: list[Guardian], now: dt.datetime) -> tuple[Account, str]:
    password = generate_temporary_password()
    account = existing_parent_account(session, rows)
    if account is None:
        first = rows[0]
        account = Account(role=Role.PARENT, login=next_parent_login(session, first.last_name, first.first_name),
                          first_name=first.first_name, last_name=first.last_name, created_at=now)
    account.password_hash = hash_password(password)
    account.must_change_password = True
    account.failed_logins, account.locked_until = 0, None
    session.add(account)
    session.flush()
    assert account.id is not None
    revoke_all_sessions(session, account.id, now=now)
    return account, password


def _email_letter(session: Session, email: str, letter: GuardianLetter) -> None:
    steps = [f"{n}. {step}" for n, step in enumerate(first_steps(), start=1)]
    queue_notice(session, email, f"Votre compte parent CJeune de Provence — {letter.school_name}", [
        f"{letter.school_name} a créé votre compte parent CJeune de Provence ({letter.children}).",
        f"Identifiant : {letter.login}\nMot de passe provisoire : {letter.provisional_password}",
        "Première connexion :\n" + "\n".join(steps),
        "Le mot de passe provisoire ne sert qu'une fois. Un nouveau courrier le remplace.",
    ])


# --- the first sign-in with a provisional password ---------------------------------------------


def children_to_confirm(session: Session, account: Account) -> list[Pupil]:
    """The children whose birth dates the guardian gives at the first sign-in."""
    assert account.id is not None
    rows = list(session.exec(select(Guardian).where(Guardian.account_id == account.id)).all())
    return children_of_guardian(session, rows)


class ProvisionalPasswordSpent(Conflict):
    code = "provisional_password_spent"
    message = ("Ce mot de passe provisoire a déjà été utilisé, ou un nouveau courrier l'a remplacé : "
               "connectez-vous avec le mot de passe que vous avez choisi, ou demandez un nouveau courrier "
               "au secrétariat du collège.")


def complete_first_sign_in(session: Session, account: Account, provisional_password: str, new_password: str,
                           confirmation: str, birth_dates: list[dt.date | None], email: str, *,
                           now: dt.datetime | None = None) -> str:
    """Replaces the provisional password, checks every child's birth date, records the e-mail and
    sends the activation link there (the account is active once it is followed). Returns the
    address. FormErrors by field ("current_password", "password", "confirmation", "dates", "email")."""
    now = now or utcnow()
    if not account.must_change_password:
        raise ProvisionalPasswordSpent()
    problems: dict[str, str] = {}
    if not verify_password(account.password_hash, provisional_password or ""):
        problems["current_password"] = "Le mot de passe provisoire n'est pas celui du courrier : vérifiez-le."
    failures = policy_failures(new_password or "")
    if failures:
        problems["password"] = " ".join(failures)
    elif new_password == provisional_password:
        problems["password"] = "Choisissez un mot de passe différent du mot de passe provisoire."
    elif new_password != confirmation:
        problems["confirmation"] = "Les deux mots de passe ne sont pas identiques : saisissez-les à nouveau."
    children = children_to_confirm(session, account)
    if len(birth_dates) != len(children) or any(d is None for d in birth_dates):
        problems["dates"] = "Indiquez la date de naissance de chacun des enfants (jj/mm/aaaa)."
    elif any(d != c.birth_date for d, c in zip(birth_dates, children, strict=True)):
        problems["dates"] = ("Au moins une date de naissance ne correspond pas à celles que l'établissement a "
                             "enregistrées : vérifiez-les.")
    address = normalize_email(email)
    problem = email_error(address)
    if problem is None and session.exec(select(Account.id).where(
            (col(Account.login) == address) | (col(Account.email) == address), col(Account.id) != account.id)).first():
        problem = "Cette adresse e-mail est déjà celle d'un autre compte : indiquez la vôtre."
    if problem:
        problems["email"] = problem
    if problems:
        raise FormErrors(problems)
    set_password(session, account, new_password, now)
    account.email, account.email_verified_at = address, None
    session.add(account)
    assert account.id is not None
    rows = list(session.exec(select(Guardian).where(Guardian.account_id == account.id)).all())
    attach_account(session, account, rows)  # seen once the link is followed (sign-in waits for it)
    send_verification(session, account, now=now)
    return address
