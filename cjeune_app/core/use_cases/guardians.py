"""Guardians: the auto-inscription "Je n'ai pas encore d'identifiant" (code by SMS, children's
birth dates, password), and the school's page of a pupil's responsables légaux.

The steps of the auto-inscription are anonymous (no actor): the proof returned by `verify_code`
is what the next steps need; keep it server-side (a backend-only variable), never in a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians import parent_accounts, records, verification
from cjeune_app.core.guardians.errors import GuardianFormErrors
from cjeune_app.core.guardians.models import MAX_GUARDIANS_PER_PUPIL
from cjeune_app.core.guardians.parent_accounts import SelfRegistration
from cjeune_app.core.guardians.records import GuardianData, GuardianInput, GuardianView
from cjeune_app.core.guardians.verification import CODE_VALIDITY
from cjeune_app.core.permissions import require_pupil_access
from cjeune_app.core.phones import format_mobile
from cjeune_app.core.use_cases.school import NO_SUCH_PUPIL, require_school_staff

CODE_SENT = ("Si ce numéro est celui qu'un collège a enregistré pour un responsable légal, un code à "
             "6 chiffres vient de lui être envoyé par SMS (valable {minutes} minutes). Rien reçu dans "
             "quelques minutes ? Le collège a peut-être un autre numéro : contactez son secrétariat.")


@dataclass(frozen=True)
class CodeRequested:
    mobile: str  # as typed back to the person: 06 12 34 56 78
    message: str  # the same for every number, known to a school or not


def request_code(mobile: str, source_ip: str | None, *, now: dt.datetime | None = None) -> CodeRequested:
    with session_scope() as session:
        sent = verification.send_code(session, mobile, source_ip, now=now or utcnow())
        minutes = int(CODE_VALIDITY.total_seconds() // 60)
        return CodeRequested(format_mobile(sent.mobile), CODE_SENT.format(minutes=minutes))


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
        return PupilGuardians(pupil.id, f"{pupil.first_name} {pupil.last_name}", pupil.class_name, saved)
