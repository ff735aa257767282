"""The fiche de renseignements: the family checks and corrects the pupil's contact details and its
guardians' (mobile, e-mail, address). Every change is kept (who, when, before, after) for the school.

The guardians' rows belong to `core.guardians`; only their contact fields are corrected here, with
the same checks, so that a guardian's Parent account stays attached (it is that person correcting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import is_valid_email, normalize_email
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians.models import RELATION_LABELS, Guardian, GuardianRelation
from cjeune_app.core.guardians.records import GuardianInput, check_guardian
from cjeune_app.core.phones import format_mobile, mobile_problem, normalize_mobile
from cjeune_app.core.teleservices.models import ContactChange, PupilContact

CHILD = "Élève"
FIELD_LABELS = {"mobile": "Mobile", "email": "Adresse e-mail", "address": "Adresse"}


@dataclass(frozen=True)
class GuardianContact:
    rank: int
    name: str
    relation: str
    mobile: str  # 06 12 34 56 78
    email: str
    address: str


@dataclass(frozen=True)
class Fiche:
    pupil_id: int
    child_mobile: str
    child_email: str
    guardians: tuple[GuardianContact, ...]


def _guardians(session: Session, pupil_id: int) -> list[Guardian]:
    return list(session.exec(select(Guardian).where(Guardian.pupil_id == pupil_id)
                             .order_by(col(Guardian.rank))).all())


def _contact(session: Session, pupil_id: int) -> PupilContact | None:
    return session.exec(select(PupilContact).where(PupilContact.pupil_id == pupil_id)).first()


def fiche_of(session: Session, pupil_id: int) -> Fiche:
    contact = _contact(session, pupil_id)
    return Fiche(
        pupil_id,
        format_mobile(contact.mobile) if contact and contact.mobile else "",
        (contact.email or "") if contact else "",
        tuple(GuardianContact(g.rank, f"{g.first_name} {g.last_name}",
                              RELATION_LABELS.get(GuardianRelation(g.relation), ""),
                              format_mobile(g.mobile) if g.mobile else "", g.email or "", g.address)
              for g in _guardians(session, pupil_id)),
    )


def _sentence(problem: str) -> str:
    """The guardians' checks speak without a capital or a final period: a sentence for the page."""
    problem = problem.strip()
    return problem[:1].upper() + problem[1:] + ("" if problem.endswith(".") else ".")


def _child_values(values: Mapping[str, object]) -> tuple[dict[str, str], str | None, str | None]:
    errors: dict[str, str] = {}
    mobile_text = str(values.get("child_mobile", "") or "").strip()
    email_text = str(values.get("child_email", "") or "").strip()
    mobile = normalize_mobile(mobile_text) if mobile_text else None
    if mobile_text and mobile is None:
        errors["child_mobile"] = _sentence(mobile_problem(mobile_text) or "numéro de mobile invalide")
    email = normalize_email(email_text) if email_text else None
    if email is not None and not is_valid_email(email):
        errors["child_email"] = "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr)."
    return errors, mobile, email


def save_fiche(session: Session, pupil: Pupil, account_id: int, values: Mapping[str, object], *,
               now: dt.datetime | None = None) -> dict[str, str]:
    """Store what changed (a ContactChange per field); the errors per field, nothing stored, otherwise."""
    assert pupil.id is not None
    errors, child_mobile, child_email = _child_values(values)
    checked: list[tuple[Guardian, dict[str, str | None]]] = []
    for guardian in _guardians(session, pupil.id):
        prefix = f"g{guardian.rank}_"
        typed = GuardianInput(guardian.last_name, guardian.first_name, guardian.relation,
                              str(values.get(prefix + "mobile", "") or ""), str(values.get(prefix + "email", "") or ""),
                              str(values.get(prefix + "address", "") or ""))
        data, problems = check_guardian(typed)
        errors.update({prefix + name: _sentence(problem) for name, problem in problems.items()})
        if data is not None:
            checked.append((guardian, {"mobile": data.mobile, "email": data.email, "address": data.address}))
    if errors:
        return errors
    now = now or utcnow()

    def record(subject: str, field: str, old: str | None, new: str | None) -> bool:
        if (old or "") == (new or ""):
            return False
        if field == "mobile":  # kept as people read it
            old, new = format_mobile(old) if old else old, format_mobile(new) if new else new
        session.add(ContactChange(pupil_id=pupil.id or 0, establishment_id=pupil.establishment_id, subject=subject,
                                  field=FIELD_LABELS[field], old_value=(old or "")[:300], new_value=(new or "")[:300],
                                  changed_by_account_id=account_id, changed_at=now))
        return True

    contact = _contact(session, pupil.id) or PupilContact(pupil_id=pupil.id)
    changed_child = record(CHILD, "mobile", contact.mobile, child_mobile)
    changed_child |= record(CHILD, "email", contact.email, child_email)
    if changed_child:
        contact.mobile, contact.email, contact.updated_at = child_mobile, child_email, now
        session.add(contact)
    for guardian, new in checked:
        subject = f"Responsable {guardian.rank} : {guardian.first_name} {guardian.last_name}"
        changed = False
        for field in ("mobile", "email", "address"):
            changed |= record(subject, field, getattr(guardian, field), new[field])
        if changed:
            guardian.mobile, guardian.email = new["mobile"], new["email"]
            guardian.address, guardian.updated_at = new["address"] or "", now
            session.add(guardian)
    session.flush()
    return {}


@dataclass(frozen=True)
class ChangeLine:
    pupil_name: str
    subject: str
    field: str
    old_value: str
    new_value: str
    changed_at: dt.datetime


def school_changes(session: Session, establishment_id: int, limit: int = 200) -> list[ChangeLine]:
    rows = session.exec(select(ContactChange, Pupil).join(Pupil, col(Pupil.id) == ContactChange.pupil_id)
                        .where(ContactChange.establishment_id == establishment_id)
                        .order_by(col(ContactChange.changed_at).desc(), col(ContactChange.id).desc())
                        .limit(limit)).all()
    return [ChangeLine(f"{p.last_name} {p.first_name}", c.subject, c.field, c.old_value, c.new_value, c.changed_at)
            for c, p in rows]
