"""Base of the refusals every domain raises: a stable code for programs, a French sentence for people."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user can act on. Subclasses set `code`, `http_status` and a default message."""

    code = "error"
    http_status = 400
    message = "L'opération n'a pas pu aboutir."
    # When True, session_scope commits what the operation wrote before refusing (e.g. a counted
    # wrong card number) instead of rolling it back. Only set by refusals raised before any money moved.
    keep_changes = False

    def __init__(self, message: str | None = None, **details) -> None:
        self.message = message or self.message
        self.details = details
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}
