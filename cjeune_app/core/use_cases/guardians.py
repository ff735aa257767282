"""Guardians: the auto-inscription "Je n'ai pas encore d'identifiant" (code by SMS, children's
birth dates, password), and the school's page of a pupil's responsables légaux.

The steps of the auto-inscription are anonymous (no actor): the proof returned by `verify_code`
is what the next steps need; keep it server-side (a backend-only variable), never in a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from cjeune_app.core.accounts.errors import SignInExpired
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sign_in import PENDING_SIGN_IN_LIMIT
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.guardians import distribution, parent_accounts, records, verification
from cjeune_app.core.guardians.distribution import Delivery, GuardianStatus
from cjeune_app.core.guardians.errors import GuardianFormErrors
from cjeune_app.core.guardians.models import MAX_GUARDIANS_PER_PUPIL
from cjeune_app.core.guardians.parent_accounts import SelfRegistration
from cjeune_app.core.guardians.records import GuardianData, GuardianInput, GuardianView
from cjeune_app.core.guardians.verification import CODE_VALIDITY
from cjeune_app.core.permissions import require_pupil_access
from cjeune_app.core.phones import format_mobile
from cjeune_app.core.use_cases.accounts import PendingSignIn
from cjeune_app.core.use_cases.school import NO_SUCH_PUPIL, require_school_staff

CODE_SENT = ("Si le {mobile} est le numéro qu'un collège a enregistré pour un responsable légal, un code à "
             "6 chiffres vient de lui être envoyé par SMS (valable {minutes} minutes). Rien reçu dans "
             "quelques minutes ? Le collège a peut-être un autre numéro : contactez son secrétariat.")


@dataclass(frozen=True)
class CodeRequested:
    mobile: str  # as typed back to the person: 06 12 34 56 78
    message: str  # the same for every number, known to a school or not (the number typed is echoed)


def request_code(mobile: str, source_ip: str | None, *, now: dt.datetime | None = None) -> CodeRequested:
    with session_scope() as session:
        sent = verification.send_code(session, mobile, source_ip, now=now or utcnow())
        minutes = int(CODE_VALIDITY.total_seconds() // 60)
        shown = format_mobile(sent.mobile)
        return CodeRequested(shown, CODE_SENT.format(mobile=shown, minutes=minutes))


@dataclass(frozen=True)
class CodeVerified:
    proof: str  # server-side only
    children: list[str]  # first names: one birth date to give for each


def verify_code(mobile: str, code: str, source_ip: str | None, *, now: dt.datetime | None = None) -> CodeVerified:
    now = now or utcnow()
    with session_scope() as session:
        proof = verification.check_code(session, mobile, code, source_ip, now=now)
    # The code is spent even if the next read fails: a separate transaction.
    with session_scope(read_only=True) as session:
        children = verification.children_to_verify(session, proof, now=now)
        return CodeVerified(proof, [child.first_name for child in children])


def children_to_verify(proof: str, *, now: dt.datetime | None = None) -> list[str]:
    with session_scope(read_only=True) as session:
        return [c.first_name for c in verification.children_to_verify(session, proof, now=now)]


def verify_birth_dates(proof: str, birth_dates: list[dt.date | None], *, now: dt.datetime | None = None) -> None:
    with session_scope() as session:
        verification.check_birth_dates(session, proof, birth_dates, now=now)


def complete_self_registration(proof: str, password: str, confirmation: str, *,
                               now: dt.datetime | None = None) -> SelfRegistration:
    with session_scope() as session:
        return parent_accounts.finish_self_registration(session, proof, password, confirmation, now=now)


# ---------------------------------------------------------------------------------------------
# The school's page: a pupil's responsables légaux


@dataclass(frozen=True)
class PupilGuardians:
    pupil_id: int
    pupil_name: str
    class_name: str
    guardians: list[GuardianView]


def _sentence(problem: str) -> str:
    return problem[0].upper() + problem[1:] + "."


def _staff_pupil(session: Session, actor: Actor | None, pupil_id: int) -> Pupil:
    if actor is None or actor.role is not Role.AGENT:
        require_school_staff(actor)
    try:
        return require_pupil_access(session, actor, pupil_id)
    except Forbidden:
        raise Forbidden(NO_SUCH_PUPIL) from None


def pupil_guardians(actor: Actor | None, pupil_id: int) -> PupilGuardians:
    """Staff see their own pupils' guardians (an agent, any pupil's)."""
    with session_scope(read_only=True) as session:
        pupil = _staff_pupil(session, actor, pupil_id)
        assert pupil.id is not None
        return PupilGuardians(pupil.id, f"{pupil.first_name} {pupil.last_name}", pupil.class_name,
                              records.guardians_of_pupil(session, pupil.id))


def save_pupil_guardians(actor: Actor | None, pupil_id: int, typed: list[GuardianInput]) -> PupilGuardians:
    """Replaces the pupil's guardians with the non-blank forms of `typed` (at most two).
    GuardianFormErrors maps "g1_mobile", "g2_email"... to the French sentence of each problem."""
    checked: list[GuardianData] = []
    problems: dict[str, str] = {}
    for rank, value in enumerate(typed[:MAX_GUARDIANS_PER_PUPIL], start=1):
        if value.is_blank():
            continue
        data, fields = records.check_guardian(value)
        problems.update({f"g{rank}_{field}": _sentence(problem) for field, problem in fields.items()})
        if data is not None:
            checked.append(data)
    if problems:
        raise GuardianFormErrors(problems)
    with session_scope() as session:
        pupil = _staff_pupil(session, actor, pupil_id)
        assert pupil.id is not None
        saved = records.set_guardians(session, pupil, checked)
        record(session, actor, AuditAction.GUARDIANS_CHANGED, target_kind=AuditTarget.PUPIL, target_id=pupil.id,
               target_label=f"{pupil.first_name} {pupil.last_name.upper()}", pupil_id=pupil.id,
               details="; ".join(f"{g.first_name} {g.last_name}" for g in saved) or "aucun responsable")
        return PupilGuardians(pupil.id, f"{pupil.first_name} {pupil.last_name}", pupil.class_name, saved)


# ---------------------------------------------------------------------------------------------
# Accounts distributed by the school (/etablissement), and their first sign-in


@dataclass(frozen=True)
class SchoolGuardians:
    classes: list[str]
    guardians: list[GuardianStatus]


def school_guardians(actor: Actor | None) -> SchoolGuardians:
    """Each guardian of the staff member's school with the state of their account."""
    establishment_id = require_school_staff(actor)
    with session_scope(read_only=True) as session:
        classes = sorted({p.class_name for p in session.exec(
            select(Pupil).where(Pupil.establishment_id == establishment_id)).all()})
        return SchoolGuardians(classes, distribution.guardian_statuses(session, establishment_id))


@dataclass(frozen=True)
class GuardianLetters:
    count: int
    emailed: int
    letters_pdf: bytes | None  # only in this answer: the provisional passwords are nowhere else
    letters_filename: str


def issue_guardian_letters(actor: Actor | None, *, class_name: str | None = None, guardian_id: int | None = None,
                           delivery: Delivery = Delivery.LETTER, only_new: bool = False,
                           now: dt.datetime | None = None) -> GuardianLetters:
    """Staff generate (or re-issue) their guardians' accounts: a class, all, or one guardian."""
    establishment_id = require_school_staff(actor)
    with session_scope() as session:
        school = session.get(Establishment, establishment_id)
        if school is None:
            raise Forbidden()
        issued = distribution.issue_letters(session, school, class_name=class_name or None, guardian_id=guardian_id,
                                            delivery=delivery, only_new=only_new, now=now)
        return GuardianLetters(issued.count, issued.emailed, issued.letters_pdf,
                               f"courriers-responsables-{school.uai}.pdf")


def first_sign_in_children(pending: PendingSignIn) -> list[str]:
    """First names of the children whose birth dates a guardian gives at the first sign-in
    (empty for any other account)."""
    with session_scope(read_only=True) as session:
        account = session.get(Account, pending.account_id)
        if account is None or account.role != Role.PARENT or not account.must_change_password:
            return []
        return [child.first_name for child in distribution.children_to_confirm(session, account)]


def complete_guardian_first_sign_in(pending: PendingSignIn, provisional_password: str, new_password: str,
                                    confirmation: str, birth_dates: list[dt.date | None], email: str, *,
                                    now: dt.datetime | None = None) -> str:
    """The first sign-in of a school's letter: returns the address the activation link went to."""
    now = now or utcnow()
    if now - pending.verified_at >= PENDING_SIGN_IN_LIMIT:
        raise SignInExpired()
    with session_scope() as session:
        account = session.get(Account, pending.account_id, with_for_update=True)
        if account is None or account.role != Role.PARENT:
            raise SignInExpired()
        return distribution.complete_first_sign_in(session, account, provisional_password, new_password,
                                                   confirmation, birth_dates, email, now=now)
