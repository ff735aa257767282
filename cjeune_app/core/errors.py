"""The one family of refusals: every rule of core that says "no" raises a subclass of `Refusal`.

A refusal carries a stable `code` (for programs: the API answers it) and a French `message` that
tells the person what to do, formatted from the constants it talks about (a limit, an amount, a
date), never a number typed twice. Each concept has one class, defined once, in the domain that
owns the rule; the same class is raised wherever the rule is checked.

The HTTP edge maps refusals to statuses by the *kind* below (api/errors.py), once: a domain class
says what kind of "no" it is by inheriting one of them, never which HTTP status it deserves.
"""

from __future__ import annotations

from typing import Any, ClassVar

from cjeune_app.core.telemetry import REFUSALS, log


class Refusal(Exception):
    """A refusal the user can act on: a stable `code` and a French `message`."""

    code: ClassVar[str] = "refused"
    message: str = "L'opération n'a pas pu aboutir."
    # When True, the unit of work commits what the operation wrote before refusing (e.g. a counted
    # wrong card number) instead of rolling it back. Only for refusals raised before any money moved.
    keep_changes: ClassVar[bool] = False

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or self.message
        self.details = details
        super().__init__(self.message)
        # The code only: a refusal's message and details may quote what the person typed.
        REFUSALS.labels(self.code).inc()
        log.info("refusal", code=self.code, refusal=type(self).__name__)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


# The kinds of "no" (each maps to one HTTP status at the API edge).


class InvalidInput(Refusal):
    """What was typed or sent breaks a rule (422)."""

    code = "invalid_input"


class NotSignedIn(Refusal):
    """No valid session or API key (401)."""

    code = "not_signed_in"
    message = "Votre session a expiré ou vous n'êtes pas connecté(e) : connectez-vous pour continuer."


class Forbidden(Refusal):
    """The actor may not do or see this; never says whether the target exists (403)."""

    code = "forbidden"
    message = "Vous n'avez pas accès à cette page ou à cette information."


class NotFound(Refusal):
    """The thing asked for does not exist, or is not the actor's to see (404)."""

    code = "not_found"
    message = "Ressource introuvable."


class Conflict(Refusal):
    """The request is valid but the state of things forbids it now (409)."""

    code = "conflict"


class TooManyAttempts(Refusal):
    """A limit on attempts or requests is reached; `retry_after_seconds` in `details` (429)."""

    code = "too_many_attempts"
    message = "Trop de tentatives : réessayez dans quelques minutes."

