"""A beneficiary's file as the assistance reads it: identity, collège, enrollment, photo, cards,
balances, ledger history, guardians' accounts, messages sent, corrections and the journal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.assistance import errors
from cjeune_app.core.assistance.models import CORRECTION_STATUS_LABELS, CorrectionStatus, LedgerCorrection
from cjeune_app.core.audit import AuditFilter, AuditRow, list_entries
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import mask_card_number
from cjeune_app.core.dashboard.history import history_of_season
from cjeune_app.core.dates import PARIS, format_date, paris_today
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.models import Enrollment, EnrollmentStatus
from cjeune_app.core.enrollment.validation import format_mobile
from cjeune_app.core.enums import ENVELOPE_LABELS, ROLE_LABELS, CardStatus, Envelope, Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.formats import format_cents
from cjeune_app.core.guardians.models import RELATION_LABELS
from cjeune_app.core.guardians.records import guardians_of_pupil
from cjeune_app.core.notifications.models import SentMessage
from cjeune_app.core.photos.api import photo_state
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.territory import commune_by_insee
from cjeune_app.core.wallet.api import balances

CARD_STATUS_LABELS = {CardStatus.STOCK: "En stock", CardStatus.ACTIVE: "Active", CardStatus.BLOCKED: "Bloquée"}
ENROLLMENT_LABELS = {EnrollmentStatus.NOT_STARTED: "Non commencée", EnrollmentStatus.DRAFT: "En cours",
                     EnrollmentStatus.COMPLETED: "Terminée"}
LOSS_LABELS = {"perte": "perte", "vol": "vol"}


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class CardLine:
    card_id: int
    masked: str
    status: str  # CardStatus
    status_label: str
    since: str


@dataclass(frozen=True)
class AccountLine:
    account_id: int
    role_label: str
    login: str
    name: str
    activated: bool
    locked: bool
    locked_until: str


@dataclass(frozen=True)
class GuardianLine:
    name: str  # "Marie FERNANDEZ (Mère)"
    mobile: str
    email: str
    account: str  # the Parent account's login, or "pas de compte"


@dataclass(frozen=True)
class MoneyLine:
    when: str
    envelope: str
    label: str
    amount: str  # signed, "+150,00 €"


@dataclass(frozen=True)
class MessageLine:
    when: str
    channel: str
    recipient: str
    subject: str


@dataclass(frozen=True)
class CorrectionLine:
    correction_id: int
    envelope: str
    amount: str
    reason: str
    status: str
    status_label: str
    proposed: str  # "26/11/2026 14:32 par Nadia"
    decided: str


@dataclass(frozen=True)
class PupilFile:
    pupil_id: int
    name: str
    birth_date: str
    class_name: str
    school: str
    login: str
    season_code: str
    enrollment_status: str
    guardian: str
    address: str
    email: str
    mobile: str
    postal_code: str
    commune_insee: str
    address_line: str
    address_complement: str
    photo: str
    cards: list[CardLine]
    active_card_id: int | None
    balances: list[tuple[str, str, str]]  # (envelope, label, amount)
    history: list[MoneyLine]
    guardians: list[GuardianLine]
    accounts: list[AccountLine]
    messages: list[MessageLine]
    corrections: list[CorrectionLine]
    journal: list[AuditRow]


def season_for_file(session: Session, now: dt.datetime | None = None) -> Season | None:
    """The season running today, else the latest one."""
    return current_season(session, paris_today(now)) or session.exec(
        select(Season).order_by(col(Season.starts_on).desc())).first()


def _accounts(session: Session, pupil_id: int, now: dt.datetime) -> list[Account]:
    own = session.exec(select(Account).where(col(Account.pupil_id) == pupil_id)).all()
    parents = session.exec(
        select(Account).join(ParentLink, col(ParentLink.parent_account_id) == col(Account.id))
        .where(col(ParentLink.pupil_id) == pupil_id).order_by(col(Account.id))
    ).all()
    return [*own, *parents]


def _is_locked(account: Account, now: dt.datetime) -> bool:
    until = account.locked_until
    if until is None:
        return False
    return (until if until.tzinfo else until.replace(tzinfo=dt.UTC)) > now


def accounts_of_file(session: Session, pupil_id: int) -> list[Account]:
    return _accounts(session, pupil_id, utcnow())


def pupil_file(session: Session, pupil_id: int, *, now: dt.datetime | None = None) -> PupilFile:
    now = now or utcnow()
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        raise errors.BeneficiaryNotFound()
    school = session.get(Establishment, pupil.establishment_id)
    season = season_for_file(session, now)
    enrollment = session.exec(select(Enrollment).where(
        col(Enrollment.pupil_id) == pupil_id, col(Enrollment.season_id) == (season.id if season else -1))).first()
    accounts = _accounts(session, pupil_id, now)
    own = next((a for a in accounts if a.role == Role.PUPIL), None)
    cards = session.exec(select(Card).where(col(Card.pupil_id) == pupil_id).order_by(col(Card.id).desc())).all()
    amounts = balances(session, pupil_id, season.id) if season and season.id else {}
    history = history_of_season(session, pupil_id, season) if season else []
    guardians = guardians_of_pupil(session, pupil_id)
    recipients = {a.login for a in accounts} | {a.email.lower() for a in accounts if a.email}
    recipients |= {g.email for g in guardians if g.email} | {g.mobile for g in guardians if g.mobile}
    if enrollment and enrollment.mobile:
        recipients.add(enrollment.mobile)
    if enrollment and enrollment.email:
        recipients.add(enrollment.email.lower())
    messages = session.exec(
        select(SentMessage).where(col(SentMessage.recipient).in_(sorted(recipients)))
        .order_by(col(SentMessage.created_at).desc()).limit(50)
    ).all() if recipients else []
    commune = commune_by_insee(enrollment.commune_insee) if enrollment and enrollment.commune_insee else None
    address = ""
    if enrollment and enrollment.address_line:
        parts = [enrollment.address_line, enrollment.address_complement,
                 f"{enrollment.postal_code} {commune.name if commune else ''}".strip()]
        address = ", ".join(p for p in parts if p)
    active = next((c for c in cards if c.status == CardStatus.ACTIVE), None)
    return PupilFile(
        pupil_id=pupil_id,
        name=f"{pupil.first_name} {pupil.last_name.upper()}",
        birth_date=format_date(pupil.birth_date),
        class_name=pupil.class_name,
        school=f"{school.name} ({school.uai})" if school else "",
        login=own.login if own else "",
        season_code=season.code if season else "",
        enrollment_status=ENROLLMENT_LABELS[EnrollmentStatus(enrollment.status)] if enrollment
        else ENROLLMENT_LABELS[EnrollmentStatus.NOT_STARTED],
        guardian=f"{enrollment.guardian_first_name} {enrollment.guardian_last_name}".strip() if enrollment else "",
        address=address,
        email=enrollment.email if enrollment else "",
        mobile=format_mobile(enrollment.mobile) if enrollment else "",
        postal_code=enrollment.postal_code if enrollment else "",
        commune_insee=enrollment.commune_insee if enrollment else "",
        address_line=enrollment.address_line if enrollment else "",
        address_complement=enrollment.address_complement if enrollment else "",
        photo=photo_state(session, pupil_id).label,
        cards=[CardLine(c.id or 0, mask_card_number(c.number), c.status, CARD_STATUS_LABELS[CardStatus(c.status)]
                        + (f" ({LOSS_LABELS.get(c.blocked_reason or '', c.blocked_reason)})"
                           if c.status == CardStatus.BLOCKED and c.blocked_reason else ""),
                        _when(c.blocked_at or c.activated_at or c.created_at)) for c in cards],
        active_card_id=active.id if active else None,
        balances=[(str(e), ENVELOPE_LABELS[e], format_cents(amounts.get(str(e), 0))) for e in Envelope],
        history=[MoneyLine(_when(h.created_at), ENVELOPE_LABELS.get(Envelope(h.envelope), h.envelope), h.label,
                           ("+" if h.amount_cents > 0 else "") + format_cents(h.amount_cents)) for h in history],
        guardians=[GuardianLine(f"{g.first_name} {g.last_name.upper()} ({RELATION_LABELS[g.relation]})",
                                format_mobile(g.mobile), g.email or "",
                                next((a.login for a in accounts if a.id == g.account_id), "pas de compte"))
                   for g in guardians],
        accounts=[AccountLine(a.id or 0, ROLE_LABELS.get(Role(a.role), a.role), a.login,
                              f"{a.first_name} {a.last_name}".strip(),
                              a.password_hash is not None, _is_locked(a, now), _when(a.locked_until))
                  for a in accounts],
        messages=[MessageLine(_when(m.created_at), m.channel, m.recipient, m.subject) for m in messages],
        corrections=corrections_of(session, pupil_id),
        journal=list_entries(session, AuditFilter(pupil_id=pupil_id), limit=50),
    )


def correction_line(session: Session, correction: LedgerCorrection) -> CorrectionLine:
    proposer = session.get(Account, correction.proposed_by_account_id)
    decider = session.get(Account, correction.decided_by_account_id) if correction.decided_by_account_id else None
    sign = "+" if correction.amount_cents > 0 else ""
    return CorrectionLine(
        correction_id=correction.id or 0,
        envelope=ENVELOPE_LABELS.get(Envelope(correction.envelope), correction.envelope),
        amount=sign + format_cents(correction.amount_cents),
        reason=correction.reason,
        status=correction.status,
        status_label=CORRECTION_STATUS_LABELS[CorrectionStatus(correction.status)],
        proposed=f"{_when(correction.proposed_at)} par {_agent_name(proposer)}",
        decided=f"{_when(correction.decided_at)} par {_agent_name(decider)}" if decider else "",
    )


def _agent_name(account: Account | None) -> str:
    if account is None:
        return ""
    return f"{account.first_name} {account.last_name}".strip() or account.login


def corrections_of(session: Session, pupil_id: int) -> list[CorrectionLine]:
    rows = session.exec(select(LedgerCorrection).where(col(LedgerCorrection.pupil_id) == pupil_id)
                        .order_by(col(LedgerCorrection.id).desc())).all()
    return [correction_line(session, c) for c in rows]
