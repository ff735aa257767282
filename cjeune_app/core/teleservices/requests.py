"""The demande de bourse de collège: the draft of the stepper, sending it, the school's decision,
a paper request recorded by the staff. Functions take the session of the caller's use case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlmodel import Session, select

from cjeune_app.core.db import utcnow
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.guardians.records import guardians_of_pupil
from cjeune_app.core.teleservices.bareme import bareme_for, estimate
from cjeune_app.core.teleservices.errors import (
    AttestationMissing,
    InvalidEchelon,
    ReasonMissing,
    RequestAlreadySent,
    RequestNotToDecide,
    StepsIncomplete,
)
from cjeune_app.core.teleservices.models import BOURSE_STEP_COUNT, BourseRequest, RequestChannel, RequestStatus

MAX_CHILDREN = 20
MAX_RFR_EUROS = 10_000_000
MAX_TEXT = 200
DECIDABLE = (RequestStatus.TO_INSTRUCT, RequestStatus.INCOMPLETE)


def request_of(session: Session, pupil_id: int, season_code: str) -> BourseRequest | None:
    return session.exec(select(BourseRequest).where(
        BourseRequest.pupil_id == pupil_id, BourseRequest.season_code == season_code)).first()


def start_or_resume(session: Session, pupil: Pupil, season_code: str, account_id: int) -> BourseRequest:
    """The child's request of that school year: the one found (draft or sent), or a new draft
    whose household starts with the guardians the school has on record (the family corrects it)."""
    request = request_of(session, pupil.id or 0, season_code)
    if request is None:
        known = guardians_of_pupil(session, pupil.id or 0)
        names = " et ".join(f"{g.first_name} {g.last_name}".strip() for g in known)[:MAX_TEXT]
        request = BourseRequest(pupil_id=pupil.id or 0, establishment_id=pupil.establishment_id,
                                season_code=season_code, created_by_account_id=account_id, guardians=names)
        session.add(request)
        session.flush()
    return request


def _whole_number(value: object) -> int | None:
    text = str(value or "").replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def household_errors(values: Mapping[str, object]) -> tuple[dict[str, str], str, int | None]:
    errors: dict[str, str] = {}
    guardians = " ".join(str(values.get("guardians", "") or "").split())[:MAX_TEXT]
    if len(guardians) < 2:
        errors["guardians"] = "Indiquez le nom et le prénom du ou des responsables légaux du foyer."
    children = _whole_number(values.get("dependent_children"))
    if children is None or not 1 <= children <= MAX_CHILDREN:
        errors["dependent_children"] = (f"Indiquez le nombre d'enfants à charge (de 1 à {MAX_CHILDREN}), "
                                        "tel qu'il figure sur l'avis d'imposition.")
    return errors, guardians, children


def resources_errors(values: Mapping[str, object], season_code: str) -> tuple[dict[str, str], int | None, int | None]:
    errors: dict[str, str] = {}
    rfr = _whole_number(values.get("rfr_euros"))
    if rfr is None or rfr > MAX_RFR_EUROS:
        errors["rfr_euros"] = ("Indiquez le revenu fiscal de référence en euros, sans centimes "
                               "(par exemple 15 300), tel qu'il figure sur l'avis d'imposition.")
    start_year = int(season_code.split("-")[0])
    year = _whole_number(values.get("avis_year"))
    if year is None or not start_year - 2 <= year <= start_year:
        errors["avis_year"] = (f"Indiquez l'année de l'avis d'imposition : {start_year} "
                               f"(revenus {start_year - 1}), ou {start_year - 1} si vous ne l'avez pas encore.")
    return errors, rfr, year


def _refresh_estimate(request: BourseRequest) -> None:
    if request.dependent_children is None or request.rfr_euros is None:
        request.estimated_echelon = None
        return
    found = estimate(request.season_code, request.dependent_children, request.rfr_euros)
    request.estimated_echelon = found.echelon if found is not None else None


def save_step(request: BourseRequest, step: int, values: Mapping[str, object]) -> dict[str, str]:
    """Store one step of a draft; the errors per field (nothing stored) when some value is wrong."""
    if request.status != RequestStatus.DRAFT:
        raise RequestAlreadySent()
    step = min(max(step, 1), BOURSE_STEP_COUNT)
    if step == 1:
        errors, guardians, children = household_errors(values)
        if errors:
            return errors
        request.guardians, request.dependent_children = guardians, children
    elif step == 2:
        errors, rfr, year = resources_errors(values, request.season_code)
        if errors:
            return errors
        request.rfr_euros, request.avis_year = rfr, year
    _refresh_estimate(request)
    request.current_step = min(max(request.current_step, step + 1), BOURSE_STEP_COUNT)
    request.updated_at = utcnow()
    return {}


def go_to_step(request: BourseRequest, step: int) -> None:
    if request.status == RequestStatus.DRAFT:
        request.current_step = min(max(step, 1), BOURSE_STEP_COUNT)


def _is_complete(request: BourseRequest) -> bool:
    return (bool(request.guardians) and request.dependent_children is not None
            and request.rfr_euros is not None and request.avis_year is not None)


def reference_of(request: BourseRequest) -> str:
    return f"BC-{request.season_code[:4]}-{request.id:06d}"


def submit(request: BourseRequest, attested: bool, now: dt.datetime | None = None) -> None:
    if request.status != RequestStatus.DRAFT:
        raise RequestAlreadySent()
    if not _is_complete(request):
        raise StepsIncomplete()
    if not attested:
        raise AttestationMissing()
    now = now or utcnow()
    _refresh_estimate(request)
    request.status, request.attested_at, request.submitted_at = RequestStatus.TO_INSTRUCT, now, now
    request.reference = reference_of(request)
    request.updated_at = now


def record_paper(session: Session, pupil: Pupil, season_code: str, account_id: int, values: Mapping[str, object],
                 now: dt.datetime | None = None) -> tuple[dict[str, str], BourseRequest | None]:
    """A CERFA request brought to the office: sent on the day it is recorded, to instruct."""
    if request_of(session, pupil.id or 0, season_code) is not None:
        raise RequestAlreadySent()
    errors, guardians, children = household_errors(values)
    more, rfr, year = resources_errors(values, season_code)
    errors.update(more)
    if errors:
        return errors, None
    now = now or utcnow()
    request = BourseRequest(pupil_id=pupil.id or 0, establishment_id=pupil.establishment_id, season_code=season_code,
                            channel=RequestChannel.PAPER, current_step=BOURSE_STEP_COUNT, guardians=guardians,
                            dependent_children=children, rfr_euros=rfr, avis_year=year,
                            created_by_account_id=account_id)
    session.add(request)
    session.flush()
    _refresh_estimate(request)
    request.status, request.submitted_at, request.reference = RequestStatus.TO_INSTRUCT, now, reference_of(request)
    return {}, request


def _decide(request: BourseRequest, status: RequestStatus, account_id: int, name: str) -> None:
    if request.status not in DECIDABLE:
        raise RequestNotToDecide()
    request.status, request.decided_by_account_id, request.decided_by_name = status, account_id, name
    request.decided_at = request.updated_at = utcnow()


def grant(request: BourseRequest, echelon: object, account_id: int, name: str) -> None:
    chosen = _whole_number(echelon)
    bareme = bareme_for(request.season_code)
    if chosen is None or bareme is None or chosen not in bareme.yearly_cents:
        raise InvalidEchelon()
    _decide(request, RequestStatus.GRANTED, account_id, name)
    request.decided_echelon, request.refusal_reason, request.missing_document = chosen, "", ""


def refuse(request: BourseRequest, reason: str, account_id: int, name: str) -> None:
    reason = " ".join((reason or "").split())[:300]
    if len(reason) < 3:
        raise ReasonMissing()
    _decide(request, RequestStatus.REFUSED, account_id, name)
    request.refusal_reason, request.decided_echelon = reason, None


def ask_document(request: BourseRequest, document: str, account_id: int, name: str) -> None:
    document = " ".join((document or "").split())[:300]
    if len(document) < 3:
        raise ReasonMissing()
    _decide(request, RequestStatus.INCOMPLETE, account_id, name)
    request.missing_document = document


def attach_avis(request: BourseRequest, key: str, media_type: str, size: int) -> tuple[str, str] | None:
    """Keep the new avis; the previous file's (key, type) to delete once committed. A request the school
    declared incomplete goes back to instruction with it."""
    if request.status not in (RequestStatus.DRAFT, RequestStatus.INCOMPLETE):
        raise RequestAlreadySent()
    previous = (request.avis_key, request.avis_media_type) if request.avis_key and request.avis_media_type else None
    request.avis_key, request.avis_media_type, request.avis_size = key, media_type, size
    if request.status == RequestStatus.INCOMPLETE:
        request.status = RequestStatus.TO_INSTRUCT
    request.updated_at = utcnow()
    return previous
