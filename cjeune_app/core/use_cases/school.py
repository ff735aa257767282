"""School staff (/etablissement): their pupils, the import of a CSV of pupils with the letters of
identifiers, and a new temporary password for a pupil who forgot theirs.

The letters PDF is returned, never written anywhere on the server: the temporary passwords exist
only in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session

from cjeune_app.core.accounts import pupil_import, staff
from cjeune_app.core.accounts.pupil_import import ImportedPupil
from cjeune_app.core.accounts.staff import SchoolPupil
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden, NotFound, NotSignedIn
from cjeune_app.core.establishments.api import establishment_by_uai
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.guardians.pupil_import import import_pupils_and_guardians
from cjeune_app.core.permissions import require_pupil_access

SIGNED_OUT = ("Votre session a expiré : reconnectez-vous avec le compte de l'établissement, "
              "puis recommencez.")
NOT_STAFF = ("Seuls les personnels d'un établissement scolaire peuvent importer des élèves ou "
             "réinitialiser leurs mots de passe.")
NO_SUCH_PUPIL = "Cet élève n'est pas inscrit dans votre établissement."
MAX_FILE_BYTES = pupil_import.MAX_FILE_BYTES


def require_school_staff(actor: Actor | None) -> int:
    """The id of the staff member's own school; NotSignedIn or Forbidden (with the school's words)."""
    if actor is None:
        raise NotSignedIn(SIGNED_OUT)
    if actor.role is not Role.ESTABLISHMENT or actor.establishment_id is None:
        raise Forbidden(NOT_STAFF)
    return actor.establishment_id


def _school(session: Session, establishment_id: int) -> Establishment:
    school = session.get(Establishment, establishment_id)
    if school is None:
        raise Forbidden(NOT_STAFF)
    return school


@dataclass(frozen=True)
class SchoolPupils:
    school: str  # "Name (UAI)"
    pupils: list[SchoolPupil] = field(default_factory=list)


def list_pupils(actor: Actor | None) -> SchoolPupils:
    establishment_id = require_school_staff(actor)
    with session_scope(read_only=True) as session:
        school = _school(session, establishment_id)
        return SchoolPupils(f"{school.name} ({school.uai})", staff.pupils_of_school(session, establishment_id))


@dataclass(frozen=True)
class PupilImport:
    """`errors`: French sentences starting with the line number; when any, nothing was created."""

    errors: list[str]
    created: list[ImportedPupil]
    already_known: list[str]
    letters_pdf: bytes | None
    letters_filename: str
    school_uai: str
    school_name: str

    @property
    def ok(self) -> bool:
        return not self.errors


def import_pupils(actor: Actor | None, csv_bytes: bytes, *, establishment_id: int | None = None,
                  today: dt.date | None = None) -> PupilImport:
    """Staff import into their own school; an agent names the school (`establishment_id`)."""
    if actor is not None and actor.role is Role.AGENT and establishment_id is not None:
        target = establishment_id
    else:
        target = require_school_staff(actor)
        if establishment_id is not None and establishment_id != target:
            raise Forbidden(NOT_STAFF)
    with session_scope() as session:
        school = _school(session, target)
        result = import_pupils_and_guardians(session, school, csv_bytes, today=today)
        if not result.ok:
            session.rollback()
        elif result.created:
            record(session, actor, AuditAction.PUPILS_IMPORTED, target_kind=AuditTarget.ESTABLISHMENT,
                   target_id=school.id, target_label=f"{school.name} ({school.uai})",
                   details=f"{len(result.created)} élèves créés, lettres d'identifiants éditées")
        return _answer(school, result)


def _answer(school: Establishment, result: pupil_import.ImportResult) -> PupilImport:
    return PupilImport(result.errors, result.created, result.already_known, result.letters_pdf,
                       f"lettres-eduprovence-{school.uai}.pdf", school.uai, school.name)


class UnknownEstablishment(NotFound):
    code = "unknown_establishment"

    def __init__(self, uai: str) -> None:
        super().__init__(f"Aucun établissement n'a le code UAI {uai.upper()}.")


def import_pupils_for_operator(uai: str, csv_bytes: bytes,
                               keep_letters: Callable[[PupilImport], None]) -> PupilImport:
    """The operators' command (no actor: whoever runs it holds the server). `keep_letters` writes
    the letters before the pupils are committed: if it fails, no account exists without its letter."""
    with session_scope() as session:
        school = establishment_by_uai(session, uai)
        if school is None:
            raise UnknownEstablishment(uai)
        answer = _answer(school, import_pupils_and_guardians(session, school, csv_bytes))
        if not answer.ok:
            session.rollback()
            return answer
        if answer.created:
            record(session, None, AuditAction.PUPILS_IMPORTED, target_kind=AuditTarget.ESTABLISHMENT,
                   target_id=school.id, target_label=f"{school.name} ({school.uai})",
                   details=f"{len(answer.created)} élèves créés, lettres d'identifiants éditées")
        keep_letters(answer)
        return answer


@dataclass(frozen=True)
class PupilPasswordReset:
    login: str
    temporary_password: str  # shown once, printed on the letter
    letter_pdf: bytes
    letter_filename: str


def reset_pupil_password(actor: Actor | None, pupil_id: int) -> PupilPasswordReset:
    """Staff reset their own pupils only (an agent, any pupil): another school's pupil, or none,
    is Forbidden (NO_SUCH_PUPIL). The pupil's sessions close and a new password is chosen at the
    next sign-in."""
    if actor is None or actor.role is not Role.AGENT:
        require_school_staff(actor)
    with session_scope() as session:
        try:
            pupil = require_pupil_access(session, actor, pupil_id)
        except Forbidden:
            raise Forbidden(NO_SUCH_PUPIL) from None
        reset = staff.reset_pupil_password(session, pupil)
        record(session, actor, AuditAction.PUPIL_PASSWORD_RESET, target_kind=AuditTarget.PUPIL,
               target_id=pupil.id, target_label=f"{pupil.first_name} {pupil.last_name} ({reset.login})",
               pupil_id=pupil.id, details="Nouveau mot de passe temporaire, lettre éditée")
        return PupilPasswordReset(reset.login, reset.temporary_password, reset.letter_pdf,
                                  f"lettre-{reset.login.split('@')[0]}.pdf")
