"""Which child a family's page is about: the pupil signed in, or one of a parent's children.

Shared by the family's use cases (enrollment, photo). Refusals say nothing of children that are
not the actor's: an unknown id and another family's child get the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.parents import children_of
from cjeune_app.core.actor import Actor
from cjeune_app.core.enrollment.errors import ChildNotFound, NotAFamilyAccount
from cjeune_app.core.enums import Role
from cjeune_app.core.permissions import can_see_pupil, require_signed_in

FAMILY_ROLES = (Role.PUPIL, Role.PARENT)


@dataclass(frozen=True)
class ChildChoice:
    """One of a parent's children, when they have several and chose none."""

    pupil_id: int
    name: str  # "Prénom Nom"


def family_actor(actor: Actor | None) -> Actor:
    """The pupil or parent acting; NotSignedIn or NotAFamilyAccount otherwise."""
    actor = require_signed_in(actor)
    if actor.role not in FAMILY_ROLES:
        raise NotAFamilyAccount()
    return actor


def family_pupil(session: Session, actor: Actor, child: str | None) -> int | tuple[ChildChoice, ...]:
    """The pupil the page is about: the pupil signed in, or a parent's child (chosen by `child`
    among several; the children to choose among when none was chosen)."""
    if actor.role is Role.PUPIL:
        if actor.pupil_id is None:
            raise ChildNotFound()
        return actor.pupil_id
    parent = session.get(Account, actor.account_id)
    children = children_of(session, parent) if parent is not None else []
    chosen = [c for c in children if str(c.id) == (child or "")]
    if (child and not chosen) or not children:
        raise ChildNotFound()
    if len(children) > 1 and not chosen:
        return tuple(ChildChoice(c.id, f"{c.first_name} {c.last_name}") for c in children if c.id is not None)
    pupil_id = (chosen or children)[0].id
    assert pupil_id is not None
    return pupil_id


def require_family_pupil(session: Session, actor: Actor | None, pupil_id: int) -> Actor:
    actor = family_actor(actor)
    if not can_see_pupil(session, actor, pupil_id):
        raise ChildNotFound()
    return actor
