"""The stepper's operations, one call per screen action.

    start_or_resume  "Bienvenue" / opening /inscription: the draft, created (pre-filled on a
                     renewal) or found again on any device
    pupil_identity   the child's identity shown read-only on step 1
    save_step        "Suivant" on steps 1 to 3 (step 4 is `complete`)
    go_back          "Précédent"
    complete         "Terminer"
    enrollment_status  what the dashboard says

Authorization (is the signed-in account this pupil, or their parent?) is the caller's job:
these functions trust `pupil_id`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.errors import PupilNotFound, SeasonNotFound
from cjeune_app.core.enrollment.models import (
    STEP_COUNT,
    ConsentKind,
    ConsentRecord,
    Enrollment,
    EnrollmentStatus,
)
from cjeune_app.core.enrollment.validation import (
    STEP_FIELDS,
    attestation_error,
    clean_step,
    format_mobile,
)
from cjeune_app.core.enrollment.wording import ATTESTATION_LABEL, OPTIN_EMAIL_LABEL, OPTIN_SMS_LABEL
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.territory import commune_by_insee

TO_COMPLETE = "à compléter"
COMPLETE = "complète"

# A renewal starts from last season's answers. The opt-in boxes are not carried over: a box
# ticked in advance is not a valid consent, so each season asks again (unticked).
PREFILLED_FIELDS = (
    "guardian_last_name", "guardian_first_name", "address_line", "address_complement",
    "postal_code", "commune_insee", "email", "mobile",
)
_CONSENT_WORDING = {
    ConsentKind.OPTIN_EMAIL: OPTIN_EMAIL_LABEL,
    ConsentKind.OPTIN_SMS: OPTIN_SMS_LABEL,
    ConsentKind.ATTESTATION: ATTESTATION_LABEL,
}
EMAIL_OF_ANOTHER_ACCOUNT = (
    "Cette adresse e-mail est déjà celle d'un autre compte CJeune de Provence (collégien, jeune "
    "ou partenaire) : indiquez l'adresse e-mail personnelle du représentant légal."
)


# ---------------------------------------------------------------------------------------------
# What the screens receive: plain values, nothing bound to a database session


@dataclass(frozen=True)
class PupilIdentity:
    pupil_id: int
    last_name: str
    first_name: str
    birth_date: dt.date
    establishment_name: str
    class_name: str

    @property
    def birth_date_text(self) -> str:
        return self.birth_date.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class EnrollmentView:
    pupil_id: int
    season_code: str
    status: str  # EnrollmentStatus
    current_step: int
    is_renewal: bool
    values: dict = field(default_factory=dict)  # what each field shows, keyed by field name
    commune_name: str = ""
    attested_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    step_count: int = STEP_COUNT

    @property
    def is_completed(self) -> bool:
        return self.status == EnrollmentStatus.COMPLETED

    @property
    def status_label(self) -> str:
        return COMPLETE if self.is_completed else TO_COMPLETE

    @property
    def step_label(self) -> str:
        return f"Étape {self.current_step} sur {self.step_count}"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.current_step / self.step_count)

    def as_dict(self) -> dict:
        """JSON-friendly, for a Reflex state."""
        return {
            "pupil_id": self.pupil_id, "season_code": self.season_code, "status": self.status,
            "status_label": self.status_label, "current_step": self.current_step,
            "step_label": self.step_label, "progress_percent": self.progress_percent,
            "is_renewal": self.is_renewal, "values": dict(self.values),
            "commune_name": self.commune_name,
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
        }


@dataclass(frozen=True)
class StepResult:
    errors: dict[str, str]  # field → French sentence; empty when the step was saved
    view: EnrollmentView  # what is stored (on errors the screen keeps what was typed)
    step: int  # the step to show next: the following one, or the one holding the errors

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def first_error_field(self) -> str | None:
        """The field to focus (errors come in the order of the fields on screen)."""
        return next(iter(self.errors), None)


@dataclass(frozen=True)
class EnrollmentSummary:
    """For the dashboard. The photo's own state is the photo module's to tell."""

    status: str  # "not_started", "draft" or "completed"
    label: str  # "à compléter" or "complète"
    current_step: int
    is_renewal: bool
    renewal_due: bool  # enrolled in an earlier season, not yet completed for this one
    completed_at: dt.datetime | None = None


# ---------------------------------------------------------------------------------------------
# Lookups


def _season(session: Session, season: Season | str) -> Season:
    if isinstance(season, Season):
        return season
    found = session.exec(select(Season).where(Season.code == season)).first()
    if found is None:
        raise SeasonNotFound()
    return found


def _pupil(session: Session, pupil_id: int) -> Pupil:
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        raise PupilNotFound()
    return pupil


def _find(session: Session, pupil_id: int, season_id: int, *, lock: bool = False) -> Enrollment | None:
    query = select(Enrollment).where(Enrollment.pupil_id == pupil_id, Enrollment.season_id == season_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def _last_completed_before(session: Session, pupil_id: int, season: Season) -> Enrollment | None:
    return session.exec(
        select(Enrollment)
        .join(Season, Season.id == Enrollment.season_id)
        .where(
            Enrollment.pupil_id == pupil_id,
            Enrollment.status == EnrollmentStatus.COMPLETED,
            Season.starts_on < season.starts_on,
        )
        .order_by(Season.starts_on.desc())
    ).first()


def _get_or_create(session: Session, pupil_id: int, season: Season, now: dt.datetime,
                   *, lock: bool = False) -> Enrollment:
    enrollment = _find(session, pupil_id, season.id, lock=lock)
    if enrollment is not None:
        return enrollment
    _pupil(session, pupil_id)
    draft = Enrollment(pupil_id=pupil_id, season_id=season.id, created_at=now, updated_at=now)
    previous = _last_completed_before(session, pupil_id, season)
    if previous is not None:
        draft.is_renewal = True
        for name in PREFILLED_FIELDS:
            setattr(draft, name, getattr(previous, name))
    try:
        with session.begin_nested():  # another device may be creating the same draft right now
            session.add(draft)
    except IntegrityError:
        pass  # it won: use its draft
    return _find(session, pupil_id, season.id, lock=lock)


def _view(session: Session, enrollment: Enrollment, season: Season) -> EnrollmentView:
    commune = commune_by_insee(enrollment.commune_insee)
    return EnrollmentView(
        pupil_id=enrollment.pupil_id,
        season_code=season.code,
        status=enrollment.status,
        current_step=enrollment.current_step,
        is_renewal=enrollment.is_renewal,
        values={
            "guardian_last_name": enrollment.guardian_last_name,
            "guardian_first_name": enrollment.guardian_first_name,
            "address_line": enrollment.address_line,
            "address_complement": enrollment.address_complement,
            "postal_code": enrollment.postal_code,
            "commune_insee": enrollment.commune_insee,
            "email": enrollment.email,
            "email_confirmation": enrollment.email,  # stored only once confirmed
            "mobile": format_mobile(enrollment.mobile),
            "optin_email": enrollment.optin_email,
            "optin_sms": enrollment.optin_sms,
            "attested": enrollment.attested_at is not None,
        },
        commune_name=commune.name if commune else "",
        attested_at=enrollment.attested_at,
        completed_at=enrollment.completed_at,
    )


# ---------------------------------------------------------------------------------------------
# Checks that need the database, and storing a step


def _step_errors(session: Session, step: int, values: Mapping) -> tuple[dict, dict[str, str]]:
    cleaned, errors = clean_step(step, values)
    if step == 2 and "email" not in errors:
        # The guardian's e-mail becomes the login of a Parent account: it cannot be the
        # login of a pupil, youth or partner account.
        role = session.exec(select(Account.role).where(Account.login == cleaned["email"])).first()
        if role is not None and role != Role.PARENT:
            errors = {**errors, "email": EMAIL_OF_ANOTHER_ACCOUNT}
            errors = {f: errors[f] for f in STEP_FIELDS[2] if f in errors}
    return cleaned, errors


def _stored_values(enrollment: Enrollment, step: int) -> dict:
    values = {name: getattr(enrollment, name) for name in STEP_FIELDS[step]
              if name not in ("email_confirmation", "attested")}
    if step == 2:
        values["email_confirmation"] = enrollment.email
    return values


def _record_choices(session: Session, enrollment: Enrollment, now: dt.datetime) -> None:
    """Append a consent record for each opt-in whose answer (or the address it applies to)
    differs from the last one recorded; the *_at time follows the recorded choice."""
    for kind, contact in ((ConsentKind.OPTIN_EMAIL, enrollment.email),
                          (ConsentKind.OPTIN_SMS, enrollment.mobile)):
        value = getattr(enrollment, kind.value)
        last = session.exec(
            select(ConsentRecord)
            .where(ConsentRecord.enrollment_id == enrollment.id, ConsentRecord.kind == kind)
            .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())
        ).first()
        if last is not None and last.value == value and (not value or last.contact == contact):
            continue
        session.add(ConsentRecord(enrollment_id=enrollment.id, kind=kind, value=value,
                                  wording=_CONSENT_WORDING[kind], contact=contact, recorded_at=now))
        setattr(enrollment, f"{kind.value}_at", now)


def _store(session: Session, enrollment: Enrollment, cleaned: dict, now: dt.datetime) -> None:
    for name, value in cleaned.items():
        setattr(enrollment, name, value)
    enrollment.updated_at = now
    if enrollment.status == EnrollmentStatus.COMPLETED:
        _record_choices(session, enrollment, now)  # a change after completion is a new choice


# ---------------------------------------------------------------------------------------------
# The operations


def pupil_identity(session: Session, pupil_id: int) -> PupilIdentity:
    pupil = _pupil(session, pupil_id)
    school = session.get(Establishment, pupil.establishment_id)
    return PupilIdentity(
        pupil_id=pupil.id, last_name=pupil.last_name, first_name=pupil.first_name,
        birth_date=pupil.birth_date, establishment_name=school.name if school else "",
        class_name=pupil.class_name,
    )


def start_or_resume(session: Session, pupil_id: int, season: Season | str,
                    *, now: dt.datetime | None = None) -> EnrollmentView:
    """The pupil's enrollment for the season: found again as saved, or a new draft (pre-filled
    from the last completed season on a renewal, with `is_renewal` set)."""
    season = _season(session, season)
    enrollment = _get_or_create(session, pupil_id, season, now or utcnow())
    return _view(session, enrollment, season)


def save_step(session: Session, pupil_id: int, season: Season | str, step: int, values: Mapping,
              *, now: dt.datetime | None = None) -> StepResult:
    """"Suivant": validate the step; with errors nothing is stored and the errors come back
    (the screen keeps what was typed); otherwise the values are stored and the draft moves on."""
    if step not in STEP_FIELDS:
        raise ValueError(f"unknown step {step!r}")
    if step == STEP_COUNT:
        return complete(session, pupil_id, season, (values or {}).get("attested"), now=now)
    now = now or utcnow()
    season = _season(session, season)
    enrollment = _get_or_create(session, pupil_id, season, now, lock=True)
    cleaned, errors = _step_errors(session, step, values or {})
    if errors:
        return StepResult(errors, _view(session, enrollment, season), step)
    _store(session, enrollment, cleaned, now)
    enrollment.current_step = step + 1
    session.flush()
    return StepResult({}, _view(session, enrollment, season), enrollment.current_step)


def go_back(session: Session, pupil_id: int, season: Season | str, values: Mapping | None = None,
            *, from_step: int | None = None, now: dt.datetime | None = None) -> EnrollmentView:
    """"Précédent": back one step, losing nothing already saved. What was typed on the step
    being left is stored too when it is valid (otherwise the screen's state still holds it)."""
    now = now or utcnow()
    season = _season(session, season)
    enrollment = _get_or_create(session, pupil_id, season, now, lock=True)
    step = from_step or enrollment.current_step
    if values is not None and step in (1, 2):
        cleaned, errors = _step_errors(session, step, values)
        if not errors:
            _store(session, enrollment, cleaned, now)
    enrollment.current_step = max(1, min(step, STEP_COUNT) - 1)
    session.flush()
    return _view(session, enrollment, season)


def complete(session: Session, pupil_id: int, season: Season | str, attested: object,
             *, now: dt.datetime | None = None) -> StepResult:
    """"Terminer": with the attestation ticked and steps 1 and 2 valid, the enrollment is
    completed: season, attestation time and each opt-in with its time are recorded, then the
    Parent account is created or linked. Completing again changes nothing."""
    now = now or utcnow()
    season = _season(session, season)
    enrollment = _get_or_create(session, pupil_id, season, now, lock=True)
    if enrollment.status == EnrollmentStatus.COMPLETED:
        return StepResult({}, _view(session, enrollment, season), STEP_COUNT)
    problem = attestation_error(attested)
    if problem:
        return StepResult({"attested": problem}, _view(session, enrollment, season), STEP_COUNT)
    for step in (1, 2):  # a draft may have skipped a step (another device, an old link)
        _, errors = _step_errors(session, step, _stored_values(enrollment, step))
        if errors:
            return StepResult(errors, _view(session, enrollment, season), step)
    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.current_step = STEP_COUNT
    enrollment.attested_at = enrollment.completed_at = enrollment.updated_at = now
    session.add(ConsentRecord(enrollment_id=enrollment.id, kind=ConsentKind.ATTESTATION, value=True,
                              wording=ATTESTATION_LABEL, contact=enrollment.email, recorded_at=now))
    _record_choices(session, enrollment, now)
    session.flush()
    on_enrollment_completed(session, enrollment, now=now)
    return StepResult({}, _view(session, enrollment, season), STEP_COUNT)


def on_enrollment_completed(session: Session, enrollment: Enrollment, *, now: dt.datetime) -> None:
    """Runs once, in the completing transaction: the guardian's Parent account is created or
    found, linked to the pupil, and the activation e-mail is queued. An exception raised here
    rolls the completion back with everything else."""
    from cjeune_app.core.accounts.parents import create_or_get_parent_for_enrollment

    create_or_get_parent_for_enrollment(
        session, enrollment.email, enrollment.guardian_first_name,
        enrollment.guardian_last_name, enrollment.pupil_id, now=now,
    )


def enrollment_status(session: Session, pupil_id: int, season: Season | str) -> EnrollmentSummary:
    season = _season(session, season)
    enrollment = _find(session, pupil_id, season.id)
    enrolled_before = _last_completed_before(session, pupil_id, season) is not None
    if enrollment is None:
        return EnrollmentSummary("not_started", TO_COMPLETE, 1, enrolled_before, enrolled_before)
    completed = enrollment.status == EnrollmentStatus.COMPLETED
    return EnrollmentSummary(
        status=enrollment.status,
        label=COMPLETE if completed else TO_COMPLETE,
        current_step=enrollment.current_step,
        is_renewal=enrollment.is_renewal,
        renewal_due=enrolled_before and not completed,
        completed_at=enrollment.completed_at,
    )


def consent_history(session: Session, pupil_id: int, season: Season | str) -> list[ConsentRecord]:
    """Every recorded choice for this enrollment, oldest first: the proof of consent."""
    season = _season(session, season)
    enrollment = _find(session, pupil_id, season.id)
    if enrollment is None:
        return []
    return list(session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.enrollment_id == enrollment.id)
        .order_by(ConsentRecord.recorded_at, ConsentRecord.id)
    ).all())
