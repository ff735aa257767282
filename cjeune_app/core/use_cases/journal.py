"""The audit trail as agents read it (/admin/journal): filtered, newest first, exported as CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cjeune_app.core import audit
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit.api import action_label
from cjeune_app.core.audit.models import AUDIT_ACTION_LABELS, AuditAction
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.permissions import require_role

PAGE_SIZE = 100


@dataclass(frozen=True)
class JournalPage:
    rows: list[audit.AuditRow]
    actions: list[tuple[str, str]]  # (code, label) for the filter
    has_more: bool


def action_choices() -> list[tuple[str, str]]:
    return [(str(action), label) for action, label in AUDIT_ACTION_LABELS.items()]


def read_journal(actor: Actor | None, wanted: audit.AuditFilter, *, page: int = 0) -> JournalPage:
    """Agents only: one page of the trail, newest first."""
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        rows = audit.list_entries(session, wanted, limit=PAGE_SIZE + 1, offset=page * PAGE_SIZE)
    return JournalPage(rows[:PAGE_SIZE], action_choices(), len(rows) > PAGE_SIZE)


def export_journal(actor: Actor | None, wanted: audit.AuditFilter) -> tuple[str, bytes]:
    """Agents only: (file name, CSV bytes) of every entry the filter keeps, oldest first."""
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        text = audit.audit_csv(session, wanted)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    return f"journal-cjeune-{stamp}.csv", text.encode()


def parse_action(code: str) -> AuditAction | None:
    """The filter's action from a query string; None for "toutes" or an unknown code."""
    try:
        return AuditAction(code) if code else None
    except ValueError:
        return None


__all__ = ["JournalPage", "action_choices", "action_label", "export_journal", "parse_action", "read_journal"]
