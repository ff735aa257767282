"""The audit trail: every action of an agent or school staff (and a family's own change of address),
appended with who, when, what and why.

Record an entry with `record(...)` (core/audit/api.py) inside the use case's transaction: the entry
is committed with the change it describes, or not at all. The table is append-only in the database
itself (migration 0012_audit_assistance).
"""

from cjeune_app.core.audit.api import AuditFilter, AuditRow, audit_csv, list_entries, record
from cjeune_app.core.audit.models import AuditAction, AuditEntry, AuditTarget

__all__ = [
    "AuditAction", "AuditEntry", "AuditFilter", "AuditRow", "AuditTarget", "audit_csv", "list_entries", "record",
]
