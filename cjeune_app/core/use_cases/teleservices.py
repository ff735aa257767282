"""Téléservices, one call per action of a person.

Families (Parent accounts): "Services en ligne" per child, the stepper of the demande de bourse
(every call checks again that the service is open: the Département's window, in Paris time, and the
school's opening), the avis d'imposition, sending, the accusé de réception.
School staff: the services of their school (open/close), the bourse requests of their pupils only,
the decisions, a paper request, the CSV export. Agents: the catalogue, the windows, figures per school.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.accounts.parents import children_of
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.dates import format_date, format_hour, parse_date_fr
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.enrollment.errors import ChildNotFound
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.formats import format_euros
from cjeune_app.core.notifications.api import public_url, queue_notice
from cjeune_app.core.permissions import can_see_pupil, require_signed_in
from cjeune_app.core.teleservices import avis, fiche, requests
from cjeune_app.core.teleservices.bareme import bareme_for, estimate
from cjeune_app.core.teleservices.catalogue import CATALOGUE, Teleservice, definition_of, service_from
from cjeune_app.core.teleservices.errors import (
    InvalidWindow,
    NotAnAgent,
    NotAParent,
    NotSchoolStaff,
    RequestNotFound,
    ServiceNotClosable,
    UnknownService,
)
from cjeune_app.core.teleservices.models import (
    BOURSE_STEP_COUNT,
    BourseRequest,
    CampaignWindow,
    RequestChannel,
    RequestStatus,
    ServiceOpening,
)
from cjeune_app.core.teleservices.receipts import Receipt, receipt_pdf
from cjeune_app.core.teleservices.windows import (
    ServiceState,
    campaign_window,
    current_season_code,
    require_open,
    school_opening,
    service_state,
    window_dates,
)
from cjeune_app.routes import ONLINE_BOURSE, ONLINE_FICHE, ONLINE_SERVICES

STATUS_LABELS = {
    RequestStatus.DRAFT: "Brouillon (non envoyée)",
    RequestStatus.TO_INSTRUCT: "À instruire",
    RequestStatus.INCOMPLETE: "Incomplète : document demandé",
    RequestStatus.GRANTED: "Accordée",
    RequestStatus.REFUSED: "Refusée",
}
FAMILY_STATUS_LABELS = {**STATUS_LABELS, RequestStatus.TO_INSTRUCT: "Envoyée, en cours d'instruction"}
CHANNEL_LABELS = {RequestChannel.ONLINE: "en ligne", RequestChannel.PAPER: "papier (CERFA)"}
BOURSE = Teleservice.BOURSE_COLLEGE


# --------------------------------------------------------------------------------------------
# Shared views


@dataclass(frozen=True)
class ServiceView:
    service: str
    label: str
    is_open: bool
    closable: bool
    opened_by_school: bool
    status_text: str  # "Ouvert jusqu'au 21/10/2026", "Fermé par l'établissement (...)"
    window_text: str
    changed_text: str  # "Ouvert par Claire Dupont le 02/09/2026 à 9 h 12", "" when nobody did


def _service_view(state: ServiceState) -> ServiceView:
    changed = ""
    if state.changed_at is not None:
        verb = "Ouvert" if state.opened_by_school else "Fermé"
        changed = f"{verb} par {state.changed_by} le {format_date(state.changed_at)} à {format_hour(state.changed_at)}"
    return ServiceView(state.service, state.label, state.is_open, definition_of(state.service).closable,
                       state.opened_by_school, state.status_text, state.window_text, changed)


def _decision_text(request: BourseRequest) -> str:
    status = RequestStatus(request.status)
    if status is RequestStatus.GRANTED and request.decided_echelon is not None:
        bareme = bareme_for(request.season_code)
        amount = bareme.yearly_cents.get(request.decided_echelon, 0) if bareme else 0
        return f"Bourse accordée : échelon {request.decided_echelon} ({format_euros(amount)} par an)."
    if status is RequestStatus.REFUSED:
        return f"Bourse refusée : {request.refusal_reason}"
    if status is RequestStatus.INCOMPLETE:
        return f"Document demandé par l'établissement : {request.missing_document}"
    return ""


def _estimate_text(season_code: str, children: int | None, rfr: int | None) -> str:
    if children is None or rfr is None:
        return ""
    found = estimate(season_code, children, rfr)
    if found is None:
        return "Aucun barème n'est disponible pour estimer l'échelon."
    note = ("" if found.bareme_season == season_code else
            f" (celui de {season_code} n'est pas encore enregistré : l'établissement vérifie votre échelon "
            "avec le barème de l'année)")
    if found.echelon == 0:
        return (f"D'après le barème national {found.bareme_season}, vos ressources dépassent le plafond : "
                f"la bourse ne serait pas accordée{note}.")
    return (f"Échelon {found.echelon} estimé, soit {format_euros(found.yearly_cents)} par an, d'après le "
            f"barème national {found.bareme_season}{note}.")


# --------------------------------------------------------------------------------------------
# Families


def _parent(actor: Actor | None) -> Actor:
    actor = require_signed_in(actor)
    if actor.role is not Role.PARENT:
        raise NotAParent()
    return actor


def _parent_child(session: Session, actor: Actor, pupil_id: int | None) -> Pupil:
    pupil = session.get(Pupil, pupil_id) if pupil_id and can_see_pupil(session, actor, pupil_id) else None
    if pupil is None:
        raise ChildNotFound()
    return pupil


@dataclass(frozen=True)
class ServiceLine:
    view: ServiceView
    href: str  # the form, "" when closed
    request_text: str  # the state of the child's bourse request, "" when none
    decision_text: str


@dataclass(frozen=True)
class ChildServices:
    pupil_id: int
    name: str
    school: str
    services: tuple[ServiceLine, ...]


def online_services(actor: Actor | None, now: dt.datetime | None = None) -> tuple[ChildServices, ...]:
    actor = _parent(actor)
    with session_scope(read_only=True) as session:
        children = children_of(session, session.get(Account, actor.account_id))
        result = []
        for pupil in children:
            school = session.get(Establishment, pupil.establishment_id)
            lines = []
            for definition in CATALOGUE:
                state = service_state(session, definition.service, pupil.establishment_id, now)
                request_text = decision = ""
                if definition.service is BOURSE:
                    request = requests.request_of(session, pupil.id or 0, state.season_code)
                    if request is not None:
                        request_text = f"Votre demande : {FAMILY_STATUS_LABELS[RequestStatus(request.status)]}"
                        decision = _decision_text(request)
                href = f"{service_path(definition.service)}?enfant={pupil.id}" if state.is_open else ""
                lines.append(ServiceLine(_service_view(state), href, request_text, decision))
            result.append(ChildServices(pupil.id or 0, f"{pupil.first_name} {pupil.last_name}",
                                        school.name if school else "", tuple(lines)))
        return tuple(result)


def service_path(service: Teleservice) -> str:
    return ONLINE_BOURSE if service is BOURSE else ONLINE_FICHE


@dataclass(frozen=True)
class BourseScreen:
    pupil_id: int
    child_name: str
    school: str
    season_code: str
    closes_on: str
    status: RequestStatus
    status_label: str
    step: int
    step_count: int
    guardians: str
    dependent_children: str
    rfr_euros: str
    avis_year: str
    avis_attached: str  # "Avis joint (PDF)", "" when none
    estimate_text: str
    reference: str
    sent_on: str
    decision_text: str
    can_attach_avis: bool

    @property
    def is_draft(self) -> bool:
        return self.status is RequestStatus.DRAFT


@dataclass(frozen=True)
class ChildChoice:
    pupil_id: int
    name: str


@dataclass(frozen=True)
class BourseOpening:
    screen: BourseScreen | None = None
    children: tuple[ChildChoice, ...] = ()


def _bourse_screen(session: Session, request: BourseRequest, state: ServiceState) -> BourseScreen:
    pupil = session.get(Pupil, request.pupil_id)
    school = session.get(Establishment, request.establishment_id)
    status = RequestStatus(request.status)
    media = {avis.PDF: "PDF", avis.JPEG: "JPEG"}.get(request.avis_media_type or "", "")
    sent = request.submitted_at
    return BourseScreen(
        pupil_id=request.pupil_id,
        child_name=f"{pupil.first_name} {pupil.last_name}" if pupil else "",
        school=school.name if school else "",
        season_code=request.season_code,
        closes_on=format_date(state.closes_on) if state.closes_on else "",
        status=status, status_label=FAMILY_STATUS_LABELS[status],
        step=request.current_step, step_count=BOURSE_STEP_COUNT,
        guardians=request.guardians,
        dependent_children="" if request.dependent_children is None else str(request.dependent_children),
        rfr_euros="" if request.rfr_euros is None else str(request.rfr_euros),
        avis_year="" if request.avis_year is None else str(request.avis_year),
        avis_attached=f"Avis d'imposition joint ({media})" if media else "",
        estimate_text=_estimate_text(request.season_code, request.dependent_children, request.rfr_euros),
        reference=request.reference or "",
        sent_on=f"{format_date(sent)} à {format_hour(sent)}" if sent else "",
        decision_text=_decision_text(request),
        can_attach_avis=status in (RequestStatus.DRAFT, RequestStatus.INCOMPLETE),
    )


def _open_request(session: Session, actor: Actor, pupil_id: int | None,
                  now: dt.datetime | None) -> tuple[BourseRequest, ServiceState]:
    """The child's request, after checking the service is open now (window and school)."""
    pupil = _parent_child(session, actor, pupil_id)
    state = require_open(session, BOURSE, pupil.establishment_id, now)
    return requests.start_or_resume(session, pupil, state.season_code, actor.account_id), state


def open_bourse(actor: Actor | None, child: str | None, now: dt.datetime | None = None) -> BourseOpening:
    """Opening the form: the child's draft (or sent request), refused when the service is closed."""
    actor = _parent(actor)
    with session_scope() as session:
        children = children_of(session, session.get(Account, actor.account_id))
        chosen = [c for c in children if str(c.id) == (child or "").strip()]
        if not children or (child and not chosen):
            raise ChildNotFound()
        if len(children) > 1 and not chosen:
            return BourseOpening(children=tuple(ChildChoice(c.id or 0, f"{c.first_name} {c.last_name}")
                                                for c in children))
        request, state = _open_request(session, actor, (chosen or children)[0].id, now)
        return BourseOpening(screen=_bourse_screen(session, request, state))


@dataclass(frozen=True)
class BourseSaved:
    errors: dict[str, str]
    screen: BourseScreen


def save_bourse_step(actor: Actor | None, pupil_id: int, step: int, values: Mapping[str, object],
                     now: dt.datetime | None = None) -> BourseSaved:
    """"Suivant": the step stored in the draft (and the next one shown), or the errors per field."""
    actor = _parent(actor)
    with session_scope() as session:
        request, state = _open_request(session, actor, pupil_id, now)
        errors = requests.save_step(request, step, values)
        return BourseSaved(errors, _bourse_screen(session, request, state))


def bourse_go_to_step(actor: Actor | None, pupil_id: int, step: int, now: dt.datetime | None = None) -> BourseScreen:
    """"Précédent": the earlier step, kept in the draft."""
    actor = _parent(actor)
    with session_scope() as session:
        request, state = _open_request(session, actor, pupil_id, now)
        requests.go_to_step(request, step)
        return _bourse_screen(session, request, state)


def attach_avis(actor: Actor | None, pupil_id: int, data: bytes, now: dt.datetime | None = None) -> BourseScreen:
    """The avis d'imposition (PDF or JPEG) kept privately with the request; the previous one deleted."""
    actor = _parent(actor)
    media_type = avis.media_type_of(data)  # refused before anything is written
    with session_scope() as session:
        request, state = _open_request(session, actor, pupil_id, now)
        key, media_type = avis.store(data)
        try:
            previous = requests.attach_avis(request, key, media_type, len(data))
            session.flush()
        except BaseException:
            avis.delete(key, media_type)
            raise
        screen = _bourse_screen(session, request, state)
    if previous is not None:
        avis.delete(*previous)
    return screen


def send_bourse(actor: Actor | None, pupil_id: int, attested: bool, now: dt.datetime | None = None) -> BourseScreen:
    """"Envoyer": the request goes to the school (to instruct), with its reference; receipt by e-mail."""
    actor = _parent(actor)
    with session_scope() as session:
        request, state = _open_request(session, actor, pupil_id, now)
        requests.submit(request, attested, now)
        session.flush()
        screen = _bourse_screen(session, request, state)
        account = session.get(Account, actor.account_id)
        if account is not None and account.email:
            queue_notice(session, account.email, f"Demande de bourse de collège {screen.reference} reçue", [
                f"Nous avons bien reçu la demande de bourse de collège de {screen.child_name} pour l'année "
                f"scolaire {screen.season_code}, envoyée le {screen.sent_on}.",
                f"Référence : {screen.reference}. {screen.estimate_text}",
                "L'établissement instruit la demande ; vous recevrez sa décision par e-mail.",
            ], public_url(ONLINE_SERVICES), "Voir la demande et télécharger l'accusé de réception")
        return screen


@dataclass(frozen=True)
class FileDownload:
    filename: str
    body: bytes


def bourse_receipt(actor: Actor | None, pupil_id: int) -> FileDownload:
    """The accusé de réception of the child's request of this school year (sent requests only)."""
    actor = _parent(actor)
    with session_scope(read_only=True) as session:
        pupil = _parent_child(session, actor, pupil_id)
        request = requests.request_of(session, pupil.id or 0, current_season_code())
        if request is None or request.submitted_at is None or request.reference is None:
            raise RequestNotFound()
        school = session.get(Establishment, request.establishment_id)
        body = receipt_pdf(Receipt(
            request.reference, request.submitted_at, f"{pupil.first_name} {pupil.last_name}",
            school.name if school else "", request.season_code, request.guardians,
            request.dependent_children or 0, request.rfr_euros or 0, request.avis_year or 0,
            request.avis_key is not None,
            _estimate_text(request.season_code, request.dependent_children, request.rfr_euros)))
        return FileDownload(f"accuse-reception-{request.reference}.pdf", body)


# --------------------------------------------------------------------------------------------
# Fiche de renseignements (open all year: checked like any service all the same)


@dataclass(frozen=True)
class FicheScreen:
    pupil_id: int
    child_name: str
    school: str
    class_name: str
    birth_date: str
    fiche: fiche.Fiche


@dataclass(frozen=True)
class FicheOpening:
    screen: FicheScreen | None = None
    children: tuple[ChildChoice, ...] = ()


def _fiche_screen(session: Session, pupil: Pupil) -> FicheScreen:
    school = session.get(Establishment, pupil.establishment_id)
    return FicheScreen(pupil.id or 0, f"{pupil.first_name} {pupil.last_name}", school.name if school else "",
                       pupil.class_name, format_date(pupil.birth_date), fiche.fiche_of(session, pupil.id or 0))


def open_fiche(actor: Actor | None, child: str | None, now: dt.datetime | None = None) -> FicheOpening:
    actor = _parent(actor)
    with session_scope(read_only=True) as session:
        children = children_of(session, session.get(Account, actor.account_id))
        chosen = [c for c in children if str(c.id) == (child or "").strip()]
        if not children or (child and not chosen):
            raise ChildNotFound()
        if len(children) > 1 and not chosen:
            return FicheOpening(children=tuple(ChildChoice(c.id or 0, f"{c.first_name} {c.last_name}")
                                               for c in children))
        pupil = (chosen or children)[0]
        require_open(session, Teleservice.FICHE_RENSEIGNEMENTS, pupil.establishment_id, now)
        return FicheOpening(screen=_fiche_screen(session, pupil))


@dataclass(frozen=True)
class FicheSaved:
    errors: dict[str, str]
    screen: FicheScreen


def save_fiche(actor: Actor | None, pupil_id: int, values: Mapping[str, object],
               now: dt.datetime | None = None) -> FicheSaved:
    """"Enregistrer": the corrections kept (each change dated for the school), or the errors per field."""
    actor = _parent(actor)
    with session_scope() as session:
        pupil = _parent_child(session, actor, pupil_id)
        require_open(session, Teleservice.FICHE_RENSEIGNEMENTS, pupil.establishment_id, now)
        errors = fiche.save_fiche(session, pupil, actor.account_id, values, now=now)
        return FicheSaved(errors, _fiche_screen(session, pupil))


# --------------------------------------------------------------------------------------------
# School staff


def _staff(actor: Actor | None) -> tuple[Actor, int]:
    actor = require_signed_in(actor)
    if actor.role is not Role.ESTABLISHMENT or actor.establishment_id is None:
        raise NotSchoolStaff()
    return actor, actor.establishment_id


@dataclass(frozen=True)
class RequestRow:
    request_id: int
    reference: str
    pupil_name: str
    class_name: str
    status: RequestStatus
    status_label: str
    channel_label: str
    sent_on: str
    guardians: str
    dependent_children: int
    rfr_euros: int
    avis_year: int
    has_avis: bool
    estimated_echelon: str  # "2", "aucun", ""
    decision_text: str
    decided_text: str  # "par Claire Dupont le 03/10/2026"
    decidable: bool  # waiting for the school's decision


@dataclass(frozen=True)
class PupilChoice:
    pupil_id: int
    name: str


@dataclass(frozen=True)
class ContactChangeRow:
    pupil_name: str
    subject: str
    field: str
    old_value: str
    new_value: str
    changed_on: str  # "27/09/2026 à 18 h 05"


@dataclass(frozen=True)
class SchoolTeleservices:
    school: str
    season_code: str
    services: tuple[ServiceView, ...]
    requests: tuple[RequestRow, ...]
    pupils_without_request: tuple[PupilChoice, ...]
    contact_changes: tuple[ContactChangeRow, ...]


STAFF_FILTERS = {
    "a_instruire": (RequestStatus.TO_INSTRUCT,),
    "accordees": (RequestStatus.GRANTED,),
    "refusees": (RequestStatus.REFUSED,),
    "incompletes": (RequestStatus.INCOMPLETE,),
}


def _row(request: BourseRequest, pupil: Pupil) -> RequestRow:
    status = RequestStatus(request.status)
    sent = request.submitted_at
    decided = (f"par {request.decided_by_name} le {format_date(request.decided_at)}"
               if request.decided_at is not None else "")
    echelon = "" if request.estimated_echelon is None else (str(request.estimated_echelon)
                                                              if request.estimated_echelon else "aucun")
    return RequestRow(request.id or 0, request.reference or "", f"{pupil.last_name} {pupil.first_name}",
                      pupil.class_name, status, STATUS_LABELS[status], CHANNEL_LABELS[RequestChannel(request.channel)],
                      format_date(sent) if sent else "", request.guardians, request.dependent_children or 0,
                      request.rfr_euros or 0, request.avis_year or 0, request.avis_key is not None, echelon,
                      _decision_text(request), decided, status in requests.DECIDABLE)


def _school_rows(session: Session, establishment_id: int, season_code: str,
                 statuses: tuple[RequestStatus, ...] | None) -> list[tuple[BourseRequest, Pupil]]:
    query = (select(BourseRequest, Pupil).join(Pupil, col(Pupil.id) == BourseRequest.pupil_id)
             .where(BourseRequest.establishment_id == establishment_id, BourseRequest.season_code == season_code,
                    BourseRequest.status != RequestStatus.DRAFT)
             .order_by(col(Pupil.last_name), col(Pupil.first_name)))
    if statuses:
        query = query.where(col(BourseRequest.status).in_(statuses))
    return [(request, pupil) for request, pupil in session.exec(query).all()]


def school_teleservices(actor: Actor | None, status_filter: str | None = None,
                        now: dt.datetime | None = None) -> SchoolTeleservices:
    """The services of the staff's school and the sent bourse requests of its pupils (filtered)."""
    _actor, establishment_id = _staff(actor)
    with session_scope(read_only=True) as session:
        school = session.get(Establishment, establishment_id)
        if school is None:
            raise NotSchoolStaff()
        season_code = current_season_code(now)
        services = tuple(_service_view(service_state(session, d.service, establishment_id, now)) for d in CATALOGUE)
        rows = _school_rows(session, establishment_id, season_code, STAFF_FILTERS.get(status_filter or ""))
        with_request = set(session.exec(select(BourseRequest.pupil_id).where(
            BourseRequest.establishment_id == establishment_id, BourseRequest.season_code == season_code)).all())
        pupils = session.exec(select(Pupil).where(Pupil.establishment_id == establishment_id)
                              .order_by(col(Pupil.last_name), col(Pupil.first_name))).all()
        changes = tuple(ContactChangeRow(c.pupil_name, c.subject, c.field, c.old_value, c.new_value,
                                         f"{format_date(c.changed_at)} à {format_hour(c.changed_at)}")
                        for c in fiche.school_changes(session, establishment_id))
        return SchoolTeleservices(
            f"{school.name} ({school.uai})", season_code, services, tuple(_row(r, p) for r, p in rows),
            tuple(PupilChoice(p.id or 0, f"{p.last_name} {p.first_name} ({p.class_name})")
                  for p in pupils if p.id not in with_request), changes)


def set_school_service(actor: Actor | None, service: str, is_open: bool,
                       now: dt.datetime | None = None) -> ServiceView:
    """Open or close a service for the staff's school this school year (who and when are kept)."""
    actor, establishment_id = _staff(actor)
    chosen = service_from(service)
    if chosen is None:
        raise UnknownService()
    if not definition_of(chosen).closable:
        raise ServiceNotClosable()
    with session_scope() as session:
        season_code = current_season_code(now)
        opening = school_opening(session, establishment_id, chosen, season_code)
        if opening is None:
            opening = ServiceOpening(establishment_id=establishment_id, service=chosen, season_code=season_code)
            session.add(opening)
        opening.is_open, opening.changed_by_account_id = is_open, actor.account_id
        opening.changed_by_name, opening.changed_at = actor.display_name, now or utcnow()
        session.flush()
        school = session.get(Establishment, establishment_id)
        record(session, actor, AuditAction.SERVICE_OPENED if is_open else AuditAction.SERVICE_CLOSED,
               target_kind=AuditTarget.ESTABLISHMENT, target_id=establishment_id,
               target_label=school.name if school else "", details=f"{definition_of(chosen).label} ({season_code})",
               now=now)
        return _service_view(service_state(session, chosen, establishment_id, now))


def _school_request(session: Session, establishment_id: int, request_id: int) -> BourseRequest:
    request = session.get(BourseRequest, request_id)
    if request is None or request.establishment_id != establishment_id or request.status == RequestStatus.DRAFT:
        raise RequestNotFound()
    return request


@dataclass(frozen=True)
class AvisFile:
    filename: str
    media_type: str
    body: bytes


def school_avis(actor: Actor | None, request_id: int) -> AvisFile:
    """The avis d'imposition a family attached to a request of the staff's own school (to instruct
    it); RequestNotFound for another school's request, a draft, or a request without an avis."""
    _actor, establishment_id = _staff(actor)
    with session_scope(read_only=True) as session:
        request = _school_request(session, establishment_id, request_id)
        if request.avis_key is None or request.avis_media_type is None:
            raise RequestNotFound()
        key, media_type, reference = request.avis_key, request.avis_media_type, request.reference or ""
    suffix = "pdf" if media_type == avis.PDF else "jpg"
    return AvisFile(f"avis-imposition-{reference}.{suffix}", media_type, avis.load(key, media_type))


class Decision:
    GRANT = "accorder"
    REFUSE = "refuser"
    ASK_DOCUMENT = "demander_document"


DECISION_ACTIONS = {Decision.GRANT: AuditAction.BOURSE_GRANTED, Decision.REFUSE: AuditAction.BOURSE_REFUSED,
                    Decision.ASK_DOCUMENT: AuditAction.BOURSE_DOCUMENT_ASKED}


def decide_bourse(actor: Actor | None, request_id: int, decision: str, value: str) -> RequestRow:
    """Grant (value: the échelon), refuse (value: the reason) or ask for a missing document (value:
    which one). The family is told by e-mail and sees it on its page."""
    actor, establishment_id = _staff(actor)
    with session_scope() as session:
        request = _school_request(session, establishment_id, request_id)
        if decision == Decision.GRANT:
            requests.grant(request, value, actor.account_id, actor.display_name)
        elif decision == Decision.REFUSE:
            requests.refuse(request, value, actor.account_id, actor.display_name)
        elif decision == Decision.ASK_DOCUMENT:
            requests.ask_document(request, value, actor.account_id, actor.display_name)
        else:
            raise RequestNotFound()
        pupil = session.get(Pupil, request.pupil_id)
        assert pupil is not None
        record(session, actor, DECISION_ACTIONS[decision], target_kind=AuditTarget.BOURSE_REQUEST,
               target_id=request.id, target_label=f"{request.reference} — {pupil.first_name} {pupil.last_name}",
               reason=request.refusal_reason or request.missing_document, details=_decision_text(request),
               pupil_id=pupil.id)
        _tell_family(session, request, pupil)
        return _row(request, pupil)


def _tell_family(session: Session, request: BourseRequest, pupil: Pupil) -> None:
    emails = session.exec(select(Account.email).join(ParentLink, col(ParentLink.parent_account_id) == Account.id)
                          .where(ParentLink.pupil_id == pupil.id)).all()
    for email in {e for e in emails if e}:
        queue_notice(session, email, f"Demande de bourse de collège {request.reference} : décision", [
            f"L'établissement a examiné la demande de bourse de collège de {pupil.first_name} {pupil.last_name} "
            f"pour l'année scolaire {request.season_code}.",
            _decision_text(request),
        ], public_url(ONLINE_SERVICES), "Voir la demande sur la page Services en ligne")


@dataclass(frozen=True)
class PaperRecorded:
    errors: dict[str, str]
    row: RequestRow | None


def record_paper_request(actor: Actor | None, pupil_id: int, values: Mapping[str, object],
                         now: dt.datetime | None = None) -> PaperRecorded:
    """A CERFA request brought to the office, entered by the staff so that the list is complete."""
    actor, establishment_id = _staff(actor)
    with session_scope() as session:
        pupil = session.get(Pupil, pupil_id)
        if pupil is None or pupil.establishment_id != establishment_id:
            raise ChildNotFound("Cet élève n'est pas inscrit dans votre établissement.")
        errors, request = requests.record_paper(session, pupil, current_season_code(now), actor.account_id, values, now)
        return PaperRecorded(errors, _row(request, pupil) if request is not None else None)


CSV_COLUMNS = ("Référence", "Nom et prénom", "Classe", "Canal", "Envoyée le", "Statut", "Responsables légaux",
               "Enfants à charge", "Revenu fiscal de référence (€)", "Année de l'avis", "Avis joint",
               "Échelon estimé", "Décision", "Décidée")


def export_bourse_csv(actor: Actor | None, status_filter: str | None = None,
                      now: dt.datetime | None = None) -> FileDownload:
    """The list of the school's requests (with the filter shown), as CSV for a spreadsheet."""
    _actor, establishment_id = _staff(actor)
    with session_scope(read_only=True) as session:
        season_code = current_season_code(now)
        rows = [_row(r, p) for r, p in _school_rows(session, establishment_id, season_code,
                                                      STAFF_FILTERS.get(status_filter or ""))]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow((row.reference, row.pupil_name, row.class_name, row.channel_label, row.sent_on,
                         row.status_label, row.guardians, row.dependent_children, row.rfr_euros, row.avis_year,
                         "oui" if row.has_avis else "non", row.estimated_echelon, row.decision_text, row.decided_text))
    return FileDownload(f"bourses-{season_code}.csv", ("\ufeff" + out.getvalue()).encode("utf-8"))


# --------------------------------------------------------------------------------------------
# Agents of the Département


def _agent(actor: Actor | None) -> Actor:
    actor = require_signed_in(actor)
    if actor.role is not Role.AGENT:
        raise NotAnAgent()
    return actor


@dataclass(frozen=True)
class CatalogueLine:
    service: str
    label: str
    description: str
    open_by_default: bool
    window_text: str  # this school year's window, "toute l'année"
    window_is_default: bool


@dataclass(frozen=True)
class SchoolFigures:
    school: str
    bourse_open: bool
    requests: int
    to_instruct: int
    incomplete: int
    granted: int
    refused: int


@dataclass(frozen=True)
class AdminTeleservices:
    season_code: str
    catalogue: tuple[CatalogueLine, ...]
    figures: tuple[SchoolFigures, ...]


def admin_teleservices(actor: Actor | None, season_code: str | None = None,
                       now: dt.datetime | None = None) -> AdminTeleservices:
    _agent(actor)
    season_code = season_code or current_season_code(now)
    with session_scope(read_only=True) as session:
        catalogue = []
        for definition in CATALOGUE:
            dates = window_dates(session, definition.service, season_code) if definition.has_campaign else None
            text = f"du {format_date(dates[0])} au {format_date(dates[1])}" if dates else "toute l'année"
            catalogue.append(CatalogueLine(definition.service, definition.label, definition.description,
                                           definition.open_by_default, text,
                                           campaign_window(session, definition.service, season_code) is None))
        counts: dict[tuple[int, str], int] = {}
        for establishment_id, status, count in session.exec(
                select(BourseRequest.establishment_id, BourseRequest.status, func.count())
                .where(BourseRequest.season_code == season_code, BourseRequest.status != RequestStatus.DRAFT)
                .group_by(col(BourseRequest.establishment_id), col(BourseRequest.status))).all():
            counts[(establishment_id, status)] = count
        figures = []
        for school in session.exec(select(Establishment).order_by(col(Establishment.name))).all():
            sid = school.id or 0
            by = {status: counts.get((sid, status), 0) for status in RequestStatus}
            opening = school_opening(session, sid, BOURSE, season_code)
            figures.append(SchoolFigures(school.name, opening is not None and opening.is_open, sum(by.values()),
                                         by[RequestStatus.TO_INSTRUCT], by[RequestStatus.INCOMPLETE],
                                         by[RequestStatus.GRANTED], by[RequestStatus.REFUSED]))
        return AdminTeleservices(season_code, tuple(catalogue), tuple(figures))


def set_campaign_window(actor: Actor | None, service: str, season_code: str, opens_on: str,
                        closes_on: str) -> AdminTeleservices:
    """The Département's window of a campaign for one school year (days in Paris time, both included)."""
    actor = _agent(actor)
    chosen = service_from(service)
    if chosen is None or not definition_of(chosen).has_campaign:
        raise UnknownService()
    try:
        first, last = parse_date_fr(opens_on), parse_date_fr(closes_on)
    except ValueError as error:
        raise InvalidWindow() from error
    if first > last or not season_code[:4].isdigit():
        raise InvalidWindow()
    with session_scope() as session:
        window = campaign_window(session, chosen, season_code)
        if window is None:
            window = CampaignWindow(service=chosen, season_code=season_code, opens_on=first, closes_on=last)
            session.add(window)
        window.opens_on, window.closes_on = first, last
        window.updated_by_account_id, window.updated_at = actor.account_id, utcnow()
        record(session, actor, AuditAction.CAMPAIGN_WINDOW_SET, target_kind=AuditTarget.TELESERVICE,
               target_label=definition_of(chosen).label,
               details=f"{season_code} : du {format_date(first)} au {format_date(last)}")
    return admin_teleservices(actor, season_code)
