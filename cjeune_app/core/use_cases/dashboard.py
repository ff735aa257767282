"""The dashboard of the signed-in person and of a chosen child, and the "which youth is this page
about" step every family page starts with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.actor import Actor
from cjeune_app.core.dashboard.youth import Child, YouthDashboard, chosen_pupil, pupils_of, youth_dashboard
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.permissions import require_signed_in

BOARD_ROLES = (Role.PUPIL, Role.PARENT)  # the roles whose home page shows a youth's board


@dataclass(frozen=True)
class FamilyScreen:
    """The youth a family page is about, as the signed-in person may see it."""

    actor: Actor
    child: Child

    @property
    def child_query(self) -> str:
        """Links about a parent's child name it; a youth's own pages need no id."""
        return f"?enfant={self.child.pupil_id}" if self.actor.role is Role.PARENT else ""


@dataclass(frozen=True)
class Dashboard:
    children: list[Child]  # a parent's children to switch between (empty for others)
    board: YouthDashboard | None
    forbidden: bool  # the child asked for is not this person's to see


def chosen_child(session: Session, actor: Actor | None, wanted: int | str | None) -> FamilyScreen:
    """The signed-in person and the youth the page is about (`?enfant=`): NotSignedIn, or Forbidden
    when that youth is not theirs to see (or they have none). Runs in the caller's use case."""
    actor = require_signed_in(actor)
    return FamilyScreen(actor, chosen_pupil(session, actor, wanted))


def dashboard(actor: Actor | None, wanted: str | None) -> Dashboard:
    actor = require_signed_in(actor)
    with session_scope(read_only=True) as session:
        children = pupils_of(session, actor) if actor.role is Role.PARENT else []
        if actor.role not in BOARD_ROLES:
            return Dashboard(children, None, False)
        try:
            child = chosen_pupil(session, actor, wanted)
            return Dashboard(children, youth_dashboard(session, actor, child.pupil_id), False)
        except Forbidden:
            return Dashboard(children, None, bool(wanted))
