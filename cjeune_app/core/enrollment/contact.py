""""Mon compte", the enrollment's side: the family's postal address, mobile and opt-ins after
enrollment. They live on each child's latest completed enrollment; a change applies to all of the
family's, the address by the stepper's rules (residence in the 13 included), and every consent
given or withdrawn is appended to the consent ledger with its time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.api import record_choices
from cjeune_app.core.enrollment.models import ConsentKind, ConsentRecord, Enrollment, EnrollmentStatus
from cjeune_app.core.enrollment.validation import (
    ADDRESS_FIELDS,
    clean_address,
    format_mobile,
    mobile_error,
    normalize_mobile,
)
from cjeune_app.core.territory import commune_by_insee

OPTIONAL_CONSENTS = (ConsentKind.OPTIN_EMAIL, ConsentKind.OPTIN_SMS)
NO_MOBILE_FOR_SMS = "Indiquez d'abord un numéro de mobile pour recevoir les SMS."


@dataclass(frozen=True)
class FamilyContact:
    enrolled: bool  # at least one completed enrollment (else nothing to change here yet)
    mobile: str  # shown as +33 6 12 34 56 78
    optin_email: bool
    optin_sms: bool
    address_line: str = ""
    address_complement: str = ""
    postal_code: str = ""
    commune_insee: str = ""
    commune_name: str = ""

    @property
    def address(self) -> str:
        return postal_address(self.address_line, self.address_complement, self.postal_code, self.commune_name)


def postal_address(line: str, complement: str, postal_code: str, commune_name: str) -> str:
    """"12 Rue de la République, Bât. B, 13001 Marseille 1er Arrondissement"."""
    town = " ".join(part for part in (postal_code, commune_name) if part)
    return ", ".join(part for part in (line, complement, town) if part)


def _commune_name(insee: str) -> str:
    commune = commune_by_insee(insee)
    return commune.name if commune else ""


@dataclass(frozen=True)
class ConsentLine:
    kind: str
    value: bool
    contact: str | None
    recorded_at: dt.datetime


def latest_enrollments(session: Session, pupil_ids: list[int]) -> list[Enrollment]:
    found: dict[int, Enrollment] = {}
    for enrollment in session.exec(
        select(Enrollment).where(col(Enrollment.pupil_id).in_(pupil_ids),
                                 Enrollment.status == EnrollmentStatus.COMPLETED)
        .order_by(col(Enrollment.completed_at).desc(), col(Enrollment.id).desc())
    ).all():
        found.setdefault(enrollment.pupil_id, enrollment)
    return list(found.values())


def family_contact(session: Session, pupil_ids: list[int]) -> FamilyContact:
    enrollments = latest_enrollments(session, pupil_ids)
    if not enrollments:
        return FamilyContact(False, "", False, False)
    first = enrollments[0]
    return FamilyContact(True, format_mobile(first.mobile), first.optin_email, first.optin_sms,
                         first.address_line, first.address_complement, first.postal_code, first.commune_insee,
                         _commune_name(first.commune_insee))


@dataclass(frozen=True)
class AddressChange:
    before: str  # as the post would write it
    after: str


def change_address(session: Session, pupil_ids: list[int], values: Mapping[str, Any], *,
                   now: dt.datetime | None = None) -> AddressChange | None:
    """The family moved: the new postal address by the stepper's rules, the residence in the 13
    checked on the commune's INSEE code (FormErrors beside each field, nothing stored). It goes on
    every child's latest completed enrollment. None when nothing changed (or nothing to change)."""
    cleaned, errors = clean_address(values)
    if errors:
        raise FormErrors(errors)
    enrollments = latest_enrollments(session, pupil_ids)
    if not enrollments:
        return None
    now = now or utcnow()
    before = family_contact(session, pupil_ids).address
    changed = False
    for enrollment in enrollments:
        if all(getattr(enrollment, name) == cleaned[name] for name in ADDRESS_FIELDS):
            continue
        for name in ADDRESS_FIELDS:
            setattr(enrollment, name, cleaned[name])
        enrollment.updated_at = now
        session.add(enrollment)
        changed = True
    if not changed:
        return None
    session.flush()
    after = postal_address(cleaned["address_line"], cleaned["address_complement"], cleaned["postal_code"],
                           _commune_name(cleaned["commune_insee"]))
    return AddressChange(before, after)


def change_mobile(session: Session, pupil_ids: list[int], mobile: str, *, now: dt.datetime | None = None) -> str:
    problem = mobile_error(mobile)
    if problem:
        raise FormErrors({"mobile": problem})
    now = now or utcnow()
    stored = normalize_mobile(mobile)
    for enrollment in latest_enrollments(session, pupil_ids):
        enrollment.mobile, enrollment.updated_at = stored, now
        if stored is None:
            enrollment.optin_sms = False  # no number, no SMS: the withdrawal is recorded
        session.add(enrollment)
        record_choices(session, enrollment, now)
    session.flush()
    return format_mobile(stored)


def set_consent(session: Session, pupil_ids: list[int], kind: ConsentKind, value: bool, *,
                now: dt.datetime | None = None) -> None:
    assert kind in OPTIONAL_CONSENTS
    now = now or utcnow()
    for enrollment in latest_enrollments(session, pupil_ids):
        if kind is ConsentKind.OPTIN_SMS and value and not enrollment.mobile:
            raise FormErrors({"optin_sms": NO_MOBILE_FOR_SMS})
        setattr(enrollment, kind.value, value)
        enrollment.updated_at = now
        session.add(enrollment)
        record_choices(session, enrollment, now)
    session.flush()


def consent_ledger(session: Session, pupil_ids: list[int]) -> list[ConsentLine]:
    rows = session.exec(
        select(ConsentRecord).join(Enrollment, col(Enrollment.id) == col(ConsentRecord.enrollment_id))
        .where(col(Enrollment.pupil_id).in_(pupil_ids))
        .order_by(col(ConsentRecord.recorded_at), col(ConsentRecord.id))
    ).all()
    return [ConsentLine(r.kind, r.value, r.contact, r.recorded_at) for r in rows]
