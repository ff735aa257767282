"""Who may do what: the one module every use case asks before reading or changing anything.

Checks take the `Actor` resolved at the door. A refusal never says whether the thing asked for
exists: a parent asking for another family's child gets the same answer as for an unknown id.
"""

from __future__ import annotations

from sqlmodel import Session, select

from cjeune_app.core.accounts.models import ParentLink
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden, NotSignedIn
from cjeune_app.core.establishments.models import Pupil


def require_signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise NotSignedIn()
    return actor


def require_role(actor: Actor | None, *roles: Role) -> Actor:
    """The actor itself when it has one of `roles`; NotSignedIn or Forbidden otherwise."""
    actor = require_signed_in(actor)
    if actor.role not in roles:
        raise Forbidden()
    return actor


def can_see_pupil(session: Session, actor: Actor | None, pupil_id: int | None) -> bool:
    """Pupil (or a Jeune whose account keeps a pupil record, and so a card): themselves; parent:
    linked children; agent: everyone; school staff: their pupils."""
    if actor is None or pupil_id is None:
        return False
    if actor.role in (Role.PUPIL, Role.YOUTH):
        return actor.pupil_id == pupil_id
    if actor.role is Role.PARENT:
        link = session.exec(
            select(ParentLink.id).where(
                ParentLink.parent_account_id == actor.account_id, ParentLink.pupil_id == pupil_id
            )
        ).first()
        return link is not None
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        return False
    if actor.role is Role.AGENT:
        return True
    if actor.role is Role.ESTABLISHMENT:
        return actor.establishment_id is not None and pupil.establishment_id == actor.establishment_id
    return False


def require_pupil_access(session: Session, actor: Actor | None, pupil_id: int | None) -> Pupil:
    """The pupil record when `actor` may see it; NotSignedIn or Forbidden otherwise."""
    require_signed_in(actor)
    pupil = session.get(Pupil, pupil_id) if can_see_pupil(session, actor, pupil_id) else None
    if pupil is None:
        raise Forbidden()
    return pupil


def require_partner(actor: Actor | None) -> int:
    """The id of the signed-in partner's own structure (a validated one: sessions of others do not open)."""
    actor = require_role(actor, Role.PARTNER)
    if actor.partner_id is None:
        raise Forbidden()
    return actor.partner_id


def require_partner_access(actor: Actor | None, partner_id: int | None) -> Actor:
    """A partner's own structure, or an agent."""
    actor = require_signed_in(actor)
    if actor.role is Role.AGENT:
        return actor
    if actor.role is Role.PARTNER and partner_id is not None and actor.partner_id == partner_id:
        return actor
    raise Forbidden()
