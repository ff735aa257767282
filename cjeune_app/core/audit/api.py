"""Appending to the audit trail, reading it back with filters, and its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.actor import Actor
from cjeune_app.core.audit.models import AUDIT_ACTION_LABELS, AUDIT_TARGET_LABELS, AuditAction, AuditEntry, AuditTarget
from cjeune_app.core.dates import PARIS
from cjeune_app.core.db import utcnow

# Who acted when no person is signed in: the operators' command line (`cjeune ...`).
OPERATOR_ROLE = "operateur"
OPERATOR_NAME = "Opérateur (ligne de commande)"
MAX_REASON_CHARS = 2000


def record(
    session: Session,
    actor: Actor | None,
    action: AuditAction,
    *,
    target_kind: AuditTarget,
    target_id: int | None = None,
    target_label: str = "",
    reason: str = "",
    details: str = "",
    pupil_id: int | None = None,
    partner_id: int | None = None,
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Appends one line (who: `actor`, when: now, what: action + target + details, why: reason)
    to the trail, in the caller's transaction: it is committed with the change it tells, or not
    at all. `actor` None means the operators' command line. Call it after the change succeeded."""
    entry = AuditEntry(
        created_at=now or utcnow(),
        # account 0: the command line's operator, who has no account
        actor_account_id=actor.account_id if actor and actor.account_id else None,
        actor_role=str(actor.role) if actor else OPERATOR_ROLE,
        actor_name=(actor.display_name if actor else OPERATOR_NAME)[:200],
        action=str(action),
        target_kind=str(target_kind),
        target_id=target_id,
        target_label=target_label[:200],
        pupil_id=pupil_id,
        partner_id=partner_id,
        reason=reason.strip()[:MAX_REASON_CHARS],
        details=details,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilter:
    """Every field optional; dates are Paris days, both included."""

    action: AuditAction | None = None
    target_kind: AuditTarget | None = None
    target_id: int | None = None
    actor_account_id: int | None = None
    pupil_id: int | None = None
    partner_id: int | None = None
    text: str = ""  # in the actor's name, the target's label, the reason or the details
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    moment: dt.datetime  # UTC
    when: str  # "26/11/2026 14:32", Paris
    actor_name: str
    actor_role: str
    action: str
    action_label: str
    target_kind: str
    target_label: str
    target_id: int | None
    reason: str
    details: str


def _paris_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=PARIS).astimezone(dt.UTC)


def _statement(wanted: AuditFilter) -> sa.Select[tuple[AuditEntry]]:
    query = select(AuditEntry)
    if wanted.action is not None:
        query = query.where(AuditEntry.action == str(wanted.action))
    if wanted.target_kind is not None:
        query = query.where(AuditEntry.target_kind == str(wanted.target_kind))
    if wanted.target_id is not None:
        query = query.where(AuditEntry.target_id == wanted.target_id)
    if wanted.actor_account_id is not None:
        query = query.where(AuditEntry.actor_account_id == wanted.actor_account_id)
    if wanted.pupil_id is not None:
        query = query.where(AuditEntry.pupil_id == wanted.pupil_id)
    if wanted.partner_id is not None:
        query = query.where(AuditEntry.partner_id == wanted.partner_id)
    if wanted.date_from is not None:
        query = query.where(col(AuditEntry.created_at) >= _paris_midnight(wanted.date_from))
    if wanted.date_to is not None:
        query = query.where(col(AuditEntry.created_at) < _paris_midnight(wanted.date_to + dt.timedelta(days=1)))
    text = wanted.text.strip().lower()
    if text:
        pattern = f"%{text}%"
        query = query.where(sa.or_(*(
            sa.func.lower(column).like(pattern)
            for column in (AuditEntry.actor_name, AuditEntry.target_label, AuditEntry.reason, AuditEntry.details)
        )))
    return query  # type: ignore[return-value]


def action_label(action: str) -> str:
    """The French label of a stored action (the code itself for an action this version does not know)."""
    known = {str(action): label for action, label in AUDIT_ACTION_LABELS.items()}
    return known.get(action, action)


def target_label(kind: str) -> str:
    known = {str(target): label for target, label in AUDIT_TARGET_LABELS.items()}
    return known.get(kind, kind)


def _row(entry: AuditEntry) -> AuditRow:
    assert entry.id is not None
    moment = entry.created_at if entry.created_at.tzinfo else entry.created_at.replace(tzinfo=dt.UTC)
    return AuditRow(
        id=entry.id,
        moment=moment,
        when=moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M"),
        actor_name=entry.actor_name,
        actor_role=entry.actor_role,
        action=entry.action,
        action_label=action_label(entry.action),
        target_kind=entry.target_kind,
        target_label=entry.target_label,
        target_id=entry.target_id,
        reason=entry.reason,
        details=entry.details,
    )


def list_entries(session: Session, wanted: AuditFilter, *, limit: int = 200, offset: int = 0) -> list[AuditRow]:
    """The newest first."""
    query = _statement(wanted).order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
    entries = session.exec(query.offset(offset).limit(limit)).all()  # type: ignore[call-overload]
    return [_row(entry) for entry in entries]


CSV_HEADER = ["date", "heure", "auteur", "rôle", "action", "code action", "objet", "numéro", "libellé",
              "motif", "détails"]


def audit_csv(session: Session, wanted: AuditFilter) -> str:
    """';'-separated, UTF-8 with a byte order mark (a French spreadsheet reads it right), oldest first."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    query = _statement(wanted).order_by(col(AuditEntry.created_at), col(AuditEntry.id))
    for entry in session.exec(query).all():  # type: ignore[call-overload]
        row = _row(entry)
        local = row.moment.astimezone(PARIS)
        writer.writerow([
            local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S"), row.actor_name, row.actor_role,
            row.action_label, row.action, target_label(row.target_kind),
            row.target_id if row.target_id is not None else "", row.target_label, row.reason, row.details,
        ])
    return buffer.getvalue()
