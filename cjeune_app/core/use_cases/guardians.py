"""Guardians: the auto-inscription "Je n'ai pas encore d'identifiant" (code by SMS, children's
birth dates, password), and the school's page of a pupil's responsables légaux.

The steps of the auto-inscription are anonymous (no actor): the proof returned by `verify_code`
is what the next steps need; keep it server-side (a backend-only variable), never in a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.guardians import parent_accounts, verification
from cjeune_app.core.guardians.parent_accounts import SelfRegistration
from cjeune_app.core.guardians.verification import CODE_VALIDITY
from cjeune_app.core.phones import format_mobile

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
