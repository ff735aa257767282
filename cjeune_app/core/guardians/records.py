"""The responsables légaux of a pupil record: checking what the school types or imports, storing
them, and the lookups the ways to a Parent account rely on (by mobile, children of a guardian)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import is_valid_email, normalize_email
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians.models import MAX_GUARDIANS_PER_PUPIL, Guardian, GuardianRelation
from cjeune_app.core.phones import mobile_problem, normalize_mobile
from cjeune_app.core.text import fold

# What schools write in the "lien" column, folded (no accents, lower case).
RELATION_WORDS = {
    "mere": GuardianRelation.MOTHER, "mere de l'eleve": GuardianRelation.MOTHER, "maman": GuardianRelation.MOTHER,
    "pere": GuardianRelation.FATHER, "pere de l'eleve": GuardianRelation.FATHER, "papa": GuardianRelation.FATHER,
    "tuteur": GuardianRelation.TUTOR, "tutrice": GuardianRelation.TUTOR, "tuteur legal": GuardianRelation.TUTOR,
    "tutrice legale": GuardianRelation.TUTOR,
    "autre": GuardianRelation.OTHER, "autre responsable": GuardianRelation.OTHER,
    "autre responsable legal": GuardianRelation.OTHER,
}
RELATION_HINT = "mère, père, tuteur ou autre"


@dataclass(frozen=True)
class GuardianInput:
    """One guardian as typed (school page) or read from a CSV row, before checking."""

    last_name: str = ""
    first_name: str = ""
    relation: str = ""
    mobile: str = ""
    email: str = ""
    address: str = ""

    def is_blank(self) -> bool:
        return not any(v.strip() for v in (self.last_name, self.first_name, self.relation, self.mobile,
                                           self.email, self.address))


@dataclass(frozen=True)
class GuardianData:
    """A checked guardian: mobile in E.164, e-mail lower case, relation from the vocabulary."""

    last_name: str
    first_name: str
    relation: GuardianRelation
    mobile: str | None
    email: str | None
    address: str


@dataclass(frozen=True)
class GuardianView:
    id: int
    pupil_id: int
    rank: int
    last_name: str
    first_name: str
    relation: GuardianRelation
    mobile: str | None
    email: str | None
    address: str
    account_id: int | None
    letter_issued_at: dt.datetime | None


def parse_relation(text: str) -> GuardianRelation | None:
    folded = fold(text).strip()
    if not folded:
        return GuardianRelation.OTHER
    try:
        return GuardianRelation(folded)
    except ValueError:
        return RELATION_WORDS.get(folded)


def check_guardian(value: GuardianInput) -> tuple[GuardianData | None, dict[str, str]]:
    """The checked guardian, or the problems by field (French, without final period).

    Name and first name are needed; a mobile or an e-mail at least (the ways to an account go
    through one of them); the mobile must be a French mobile, parsed by phonenumbers."""
    problems: dict[str, str] = {}
    last, first = value.last_name.strip(), value.first_name.strip()
    for field, text, label in (("last_name", last, "nom"), ("first_name", first, "prénom")):
        if not text:
            problems[field] = f"le {label} du responsable légal est vide"
        elif len(text) > 100:
            problems[field] = f"le {label} du responsable légal dépasse 100 caractères"
    relation = parse_relation(value.relation)
    if relation is None:
        problems["relation"] = f"le lien « {value.relation.strip()} » n'est pas reconnu ({RELATION_HINT})"
    mobile = None
    if value.mobile.strip():
        mobile = normalize_mobile(value.mobile)
        if mobile is None:
            problems["mobile"] = mobile_problem(value.mobile) or "numéro de mobile invalide"
    email = normalize_email(value.email) if value.email.strip() else None
    if email is not None and (len(email) > 254 or not is_valid_email(email)):
        problems["email"] = (f"l'adresse e-mail « {value.email.strip()} » n'est pas valide "
                             "(exemple : prenom.nom@exemple.fr)")
    if not value.mobile.strip() and email is None and "email" not in problems:
        problems["mobile"] = "indiquez au moins le mobile ou l'adresse e-mail du responsable légal"
    address = " ".join(value.address.split())
    if len(address) > 250:
        problems["address"] = "l'adresse du responsable légal dépasse 250 caractères"
    if problems or relation is None:
        return None, problems
    return GuardianData(last, first, relation, mobile, email, address), {}


def _view(row: Guardian) -> GuardianView:
    assert row.id is not None
    return GuardianView(row.id, row.pupil_id, row.rank, row.last_name, row.first_name,
                        GuardianRelation(row.relation), row.mobile, row.email, row.address,
                        row.account_id, row.letter_issued_at)


def guardians_of_pupil(session: Session, pupil_id: int) -> list[GuardianView]:
    rows = session.exec(select(Guardian).where(Guardian.pupil_id == pupil_id).order_by(col(Guardian.rank))).all()
    return [_view(row) for row in rows]


def set_guardians(session: Session, pupil: Pupil, guardians: list[GuardianData], *,
                  now: dt.datetime | None = None) -> list[GuardianView]:
    """Replaces the pupil's guardians (rank = position). A guardian kept with the same mobile or
    e-mail keeps their account; a removed one loses the pupil from their account."""
    assert pupil.id is not None and len(guardians) <= MAX_GUARDIANS_PER_PUPIL
    now = now or utcnow()
    old = list(session.exec(select(Guardian).where(Guardian.pupil_id == pupil.id)).all())
    old_accounts = {g.account_id for g in old if g.account_id is not None}
    kept_accounts: set[int] = set()
    for rank, data in enumerate(guardians, start=1):
        row = next((g for g in old if g.rank == rank), None)
        if row is None:
            row = Guardian(pupil_id=pupil.id, rank=rank, last_name="", first_name="", created_at=now)
        same_mobile = data.mobile is not None and data.mobile == row.mobile
        same_email = data.email is not None and data.email == row.email
        same_person = row.id is not None and (same_mobile or same_email)
        if not same_person:
            row.account_id = None
            row.letter_issued_at = None
        row.last_name, row.first_name, row.relation = data.last_name, data.first_name, data.relation
        row.mobile, row.email, row.address, row.updated_at = data.mobile, data.email, data.address, now
        session.add(row)
        if row.account_id is None:
            row.account_id = _known_account_id(session, data)
        if row.account_id is not None:
            kept_accounts.add(row.account_id)
            _link(session, row.account_id, pupil.id)
    for row in old:
        if row.rank > len(guardians):
            session.delete(row)
    session.flush()
    _unlink_removed(session, pupil.id, old_accounts - kept_accounts)
    return guardians_of_pupil(session, pupil.id)


def _known_account_id(session: Session, data: GuardianData) -> int | None:
    """The account this person already has through another child (same mobile), if any."""
    if data.mobile is None:
        return None
    return session.exec(
        select(Guardian.account_id).where(Guardian.mobile == data.mobile, col(Guardian.account_id).is_not(None))
    ).first()


def _unlink_removed(session: Session, pupil_id: int, account_ids: set[int]) -> None:
    for account_id in account_ids:
        link = session.exec(select(ParentLink).where(ParentLink.parent_account_id == account_id,
                                                     ParentLink.pupil_id == pupil_id)).first()
        if link is not None:
            session.delete(link)
    session.flush()


def _link(session: Session, account_id: int, pupil_id: int) -> None:
    exists = session.exec(select(ParentLink.id).where(ParentLink.parent_account_id == account_id,
                                                      ParentLink.pupil_id == pupil_id)).first()
    if exists is None:
        session.add(ParentLink(parent_account_id=account_id, pupil_id=pupil_id))
        session.flush()


# --- lookups of the ways to an account ---------------------------------------------------------


def guardians_by_mobile(session: Session, mobile: str) -> list[Guardian]:
    """Every guardian row with this number (E.164, or anything phonenumbers reads), one per child."""
    e164 = normalize_mobile(mobile)
    if e164 is None:
        return []
    return list(session.exec(select(Guardian).where(Guardian.mobile == e164).order_by(col(Guardian.id))).all())


def mobile_is_known(session: Session, e164: str) -> bool:
    """Whether a school has this number (E.164) for a guardian: one index probe, no row read."""
    return session.exec(select(Guardian.id).where(Guardian.mobile == e164).limit(1)).first() is not None


def children_of_guardian(session: Session, rows: list[Guardian]) -> list[Pupil]:
    """The pupils of these guardian rows, each once, in a stable order (first name, id)."""
    ids = {row.pupil_id for row in rows}
    if not ids:
        return []
    return list(session.exec(
        select(Pupil).where(col(Pupil.id).in_(ids)).order_by(col(Pupil.first_name), col(Pupil.id))
    ).all())


def children_of_mobile(session: Session, mobile: str) -> list[Pupil]:
    return children_of_guardian(session, guardians_by_mobile(session, mobile))


def existing_parent_account(session: Session, rows: list[Guardian]) -> Account | None:
    """The person's Parent account if they have one: attached to one of the rows, or the
    stepper's account with the same e-mail (its login, or its contact address)."""
    for row in rows:
        if row.account_id is not None:
            account = session.get(Account, row.account_id)
            if account is not None:
                return account
    for email in {row.email for row in rows if row.email}:
        account = session.exec(
            select(Account).where(Account.role == Role.PARENT,
                                  (col(Account.login) == email) | (col(Account.email) == email))
        ).first()
        if account is not None:
            return account
    return None


def attach_account(session: Session, account: Account, rows: list[Guardian]) -> list[Pupil]:
    """Makes `account` the Parent account of these guardian rows and links every child to it
    (the dashboard, enrollment and photo then show them, as for the stepper's accounts)."""
    assert account.id is not None and account.role == Role.PARENT
    for row in rows:
        row.account_id = account.id
        session.add(row)
        _link(session, account.id, row.pupil_id)
    session.flush()
    return children_of_guardian(session, rows)


def guardian_rows_of_account(session: Session, account_id: int) -> list[Guardian]:
    return list(session.exec(select(Guardian).where(Guardian.account_id == account_id)).all())


def guardian_rows_matching(session: Session, pupil_id: int, email: str | None, mobile: str | None) -> list[Guardian]:
    """The pupil's guardian rows with this e-mail or this mobile (the stepper's guardian is one
    the school knows)."""
    e164 = normalize_mobile(mobile) if mobile else None
    email = normalize_email(email) if email else None
    rows = session.exec(select(Guardian).where(Guardian.pupil_id == pupil_id)).all()
    return [row for row in rows if (email and row.email == email) or (e164 and row.mobile == e164)]
