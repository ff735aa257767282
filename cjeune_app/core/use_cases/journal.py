"""The audit trail as agents read it (/admin/journal): filtered, newest first, exported as CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from cjeune_app.core import audit
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit.api import action_label
from cjeune_app.core.audit.models import AUDIT_ACTION_LABELS, AuditAction
from cjeune_app.core.dates import parse_date_fr
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


def filter_from_fields(params: Mapping[str, str]) -> audit.AuditFilter:
    """The filter from the page's form or the CSV link's query: action, texte, du, au (jj/mm/aaaa);
    a wrong date or an unknown action is ignored."""
    def day(name: str) -> dt.date | None:
        try:
            return parse_date_fr(params.get(name, "")) if params.get(name) else None
        except ValueError:
            return None

    return audit.AuditFilter(action=parse_action(params.get("action", "")), text=params.get("texte", "")[:100],
                             date_from=day("du"), date_to=day("au"))


def parse_action(code: str) -> AuditAction | None:
    """The filter's action from a query string; None for "toutes" or an unknown code."""
    try:
        return AuditAction(code) if code else None
    except ValueError:
        return None


__all__ = ["JournalPage", "action_choices", "action_label", "export_journal", "filter_from_fields", "parse_action",
           "read_journal"]
