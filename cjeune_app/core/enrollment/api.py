"""The stepper's operations, one call per screen action.

    start_or_resume  "Bienvenue" / opening /inscription: the draft, created (pre-filled on a
                     renewal) or found again on any device
    pupil_identity   the child's identity shown read-only on step 1
    save_step        "Suivant" on steps 1 to 3 (step 4 is `complete`)
    go_back          "Précédent"
    complete         "Terminer"
    enrollment_status  what the dashboard says

What they return is in `views`.

Authorization (is the actor this pupil, or their parent?) is checked by the use cases that call
these functions (core.use_cases.enrollment): they trust `pupil_id`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cjeune_app.core.accounts.errors import FormErrors
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
from cjeune_app.core.enrollment.views import (
    COMPLETE,
    TO_COMPLETE,
    EnrollmentSummary,
    EnrollmentView,
    PupilIdentity,
    StepResult,
)
from cjeune_app.core.enrollment.wording import ATTESTATION_LABEL, OPTIN_EMAIL_LABEL, OPTIN_SMS_LABEL
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.territory import commune_by_insee

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


def _find(session: Session, pupil_id: int, season_id: int | None, *, lock: bool = False) -> Enrollment | None:
    query = select(Enrollment).where(Enrollment.pupil_id == pupil_id, Enrollment.season_id == season_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def _draft_of_season(session: Session, pupil_id: int, season: Season | str, now: dt.datetime) -> tuple[
        Season, Enrollment]:
    """The season and the pupil's draft of it, locked for the step's write: one statement when the
    draft exists (every "Suivant" or "Précédent" after the first), else as `_get_or_create`."""
    if not isinstance(season, Season):
        found = session.exec(
            select(Enrollment, Season)
            .join(Season, col(Season.id) == col(Enrollment.season_id))
            .where(Season.code == season, Enrollment.pupil_id == pupil_id)
            .with_for_update(of=Enrollment)
        ).first()
        if found is not None:
            return found[1], found[0]
    season = _season(session, season)
    return season, _get_or_create(session, pupil_id, season, now, lock=True)


def _last_completed_before(session: Session, pupil_id: int, season: Season) -> Enrollment | None:
    return session.exec(
        select(Enrollment)
        .join(Season, col(Season.id) == col(Enrollment.season_id))
        .where(
            Enrollment.pupil_id == pupil_id,
            Enrollment.status == EnrollmentStatus.COMPLETED,
            Season.starts_on < season.starts_on,
        )
        .order_by(col(Season.starts_on).desc())
    ).first()


def _get_or_create(session: Session, pupil_id: int, season: Season, now: dt.datetime,
                   *, lock: bool = False) -> Enrollment:
    enrollment = _find(session, pupil_id, season.id, lock=lock)
    if enrollment is not None:
        return enrollment
    _pupil(session, pupil_id)
    assert season.id is not None
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
    found = _find(session, pupil_id, season.id, lock=lock)
    assert found is not None
    return found


def _view(session: Session, enrollment: Enrollment, season: Season) -> EnrollmentView:
    commune = commune_by_insee(enrollment.commune_insee)
    return EnrollmentView(
        pupil_id=enrollment.pupil_id,
        season_code=season.code,
        status=EnrollmentStatus(enrollment.status),
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


def _step_errors(session: Session, step: int, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned, errors = clean_step(step, values)
    if step == 2 and "email" not in errors:
        # The guardian's e-mail becomes the login of a Parent account: it cannot be the
        # login of a pupil, youth or partner account.
        role = session.exec(select(Account.role).where(Account.login == cleaned["email"])).first()
        if role is not None and role != Role.PARENT:
            errors = {**errors, "email": EMAIL_OF_ANOTHER_ACCOUNT}
            errors = {f: errors[f] for f in STEP_FIELDS[2] if f in errors}
    return cleaned, errors


def _stored_values(enrollment: Enrollment, step: int) -> dict[str, Any]:
    values = {name: getattr(enrollment, name) for name in STEP_FIELDS[step]
              if name not in ("email_confirmation", "attested")}
    if step == 2:
        values["email_confirmation"] = enrollment.email
    return values


def record_choices(session: Session, enrollment: Enrollment, now: dt.datetime) -> None:
    """Append a consent record for each opt-in whose answer (or the address it applies to)
    differs from the last one recorded; the *_at time follows the recorded choice."""
    assert enrollment.id is not None
    choices = ((ConsentKind.OPTIN_EMAIL, enrollment.email), (ConsentKind.OPTIN_SMS, enrollment.mobile))
    last_of: dict[str, ConsentRecord] = {}
    # One read for both kinds, and what is pending (the completion's own rows) written with this
    # call's in one flush at its end: no call leaves a choice unwritten for the next one to miss.
    with session.no_autoflush:
        for record in session.exec(
            select(ConsentRecord)
            .where(ConsentRecord.enrollment_id == enrollment.id, col(ConsentRecord.kind).in_([k for k, _ in choices]))
            .order_by(col(ConsentRecord.recorded_at).desc(), col(ConsentRecord.id).desc())
        ):
            last_of.setdefault(record.kind, record)
    for kind, contact in choices:
        value = getattr(enrollment, kind.value)
        last = last_of.get(kind)
        if last is not None and last.value == value and (not value or last.contact == contact):
            continue
        session.add(ConsentRecord(enrollment_id=enrollment.id, kind=kind, value=value,
                                  wording=_CONSENT_WORDING[kind], contact=contact, recorded_at=now))
        setattr(enrollment, f"{kind.value}_at", now)
    session.flush()


def _store(session: Session, enrollment: Enrollment, cleaned: dict[str, Any], now: dt.datetime) -> None:
    changed = {name: value for name, value in cleaned.items() if getattr(enrollment, name) != value}
    if not changed:
        return  # "Suivant" on a step typed as it was: nothing written
    for name, value in changed.items():
        setattr(enrollment, name, value)
    enrollment.updated_at = now
    if enrollment.status == EnrollmentStatus.COMPLETED:
        record_choices(session, enrollment, now)  # a change after completion is a new choice


# ---------------------------------------------------------------------------------------------
# The operations


def pupil_identity(session: Session, pupil_id: int) -> PupilIdentity:
    pupil = _pupil(session, pupil_id)
    school = session.get(Establishment, pupil.establishment_id)
    return PupilIdentity(
        pupil_id=pupil_id, last_name=pupil.last_name, first_name=pupil.first_name,
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


def save_step(session: Session, pupil_id: int, season: Season | str, step: int, values: Mapping[str, Any],
              *, now: dt.datetime | None = None) -> StepResult:
    """"Suivant": validate the step; with errors nothing is stored and the errors come back
    (the screen keeps what was typed); otherwise the values are stored and the draft moves on."""
    if step not in STEP_FIELDS:
        raise ValueError(f"unknown step {step!r}")
    if step == STEP_COUNT:
        return complete(session, pupil_id, season, (values or {}).get("attested"), now=now)
    now = now or utcnow()
    season, enrollment = _draft_of_season(session, pupil_id, season, now)
    cleaned, errors = _step_errors(session, step, values or {})
    if errors:
        return StepResult(errors, _view(session, enrollment, season), step)
    _store(session, enrollment, cleaned, now)
    enrollment.current_step = step + 1
    session.flush()
    return StepResult({}, _view(session, enrollment, season), enrollment.current_step)


def go_back(session: Session, pupil_id: int, season: Season | str, values: Mapping[str, Any] | None = None,
            *, from_step: int | None = None, now: dt.datetime | None = None) -> EnrollmentView:
    """"Précédent": back one step, losing nothing already saved. What was typed on the step
    being left is stored too when it is valid (otherwise the screen's state still holds it)."""
    now = now or utcnow()
    season, enrollment = _draft_of_season(session, pupil_id, season, now)
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
    assert enrollment.id is not None
    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.current_step = STEP_COUNT
    enrollment.attested_at = enrollment.completed_at = enrollment.updated_at = now
    session.add(ConsentRecord(enrollment_id=enrollment.id, kind=ConsentKind.ATTESTATION, value=True,
                              wording=ATTESTATION_LABEL, contact=enrollment.email, recorded_at=now))
    record_choices(session, enrollment, now)
    session.flush()
    sent = on_enrollment_completed(session, enrollment, now=now)
    return StepResult({}, _view(session, enrollment, season), STEP_COUNT, parent_mail=sent)


def on_enrollment_completed(session: Session, enrollment: Enrollment, *, now: dt.datetime) -> str:
    """Runs once, in the completing transaction: the guardian's Parent account is created or
    found, linked to the pupil, and the activation e-mail is queued. An exception raised here
    rolls the completion back with everything else. Returns what was e-mailed (ParentMail)."""
    from cjeune_app.core.accounts.parents import link_parent_for_enrollment
    from cjeune_app.core.guardians.records import attach_account, existing_parent_account, guardian_rows_matching

    # The school's record of this guardian (same e-mail or mobile) may already have an account
    # (auto-inscription, letter): the same person keeps one account.
    rows = guardian_rows_matching(session, enrollment.pupil_id, enrollment.email, enrollment.mobile)
    account, sent = link_parent_for_enrollment(
        session, enrollment.email, enrollment.guardian_first_name,
        enrollment.guardian_last_name, enrollment.pupil_id,
        known_account=existing_parent_account(session, rows) if rows else None, now=now,
    )
    if rows:
        attach_account(session, account, rows)
    return str(sent)


def enrollment_status(session: Session, pupil_id: int, season: Season | str) -> EnrollmentSummary:
    season = _season(session, season)
    enrollment = _find(session, pupil_id, season.id)
    enrolled_before = _last_completed_before(session, pupil_id, season) is not None
    if enrollment is None:
        return EnrollmentSummary(EnrollmentStatus.NOT_STARTED, TO_COMPLETE, 1, enrolled_before, enrolled_before)
    completed = enrollment.status == EnrollmentStatus.COMPLETED
    return EnrollmentSummary(
        status=EnrollmentStatus(enrollment.status),
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
        .order_by(col(ConsentRecord.recorded_at), col(ConsentRecord.id))
    ).all())


CONTACT_FIELDS = ("address_line", "address_complement", "postal_code", "commune_insee", "email", "mobile")


def correct_contact(session: Session, pupil_id: int, season: Season | str, values: Mapping[str, Any],
                    *, now: dt.datetime | None = None) -> dict[str, tuple[str, str]] | None:
    """The assistance corrects the coordonnées of the season's enrollment on the family's request,
    by the form's rules (FormErrors). None when there is no enrollment; else what changed."""
    now = now or utcnow()
    season = _season(session, season)
    enrollment = _find(session, pupil_id, season.id, lock=True)
    if enrollment is None:
        return None
    wanted = _stored_values(enrollment, 2)
    wanted.update({name: values[name] for name in CONTACT_FIELDS if name in values})
    wanted["email_confirmation"] = wanted["email"]
    cleaned, errors = _step_errors(session, 2, wanted)
    if errors:
        raise FormErrors(errors)
    changed = {name: (str(getattr(enrollment, name) or ""), str(cleaned[name] or ""))
               for name in CONTACT_FIELDS if (getattr(enrollment, name) or "") != (cleaned[name] or "")}
    _store(session, enrollment, cleaned, now)
    session.flush()
    return changed
