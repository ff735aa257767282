"""Transition: the Account-based checks still used by pages and modules of other areas; new code
uses `core.permissions` (Actor-based). Delete once nobody imports it.

Who may see what. Every page and API route goes through these before reading anything.

A refusal never says whether the thing asked for exists: a parent asking for another
family's child gets the same answer as for an id that does not exist.
"""

from __future__ import annotations

from sqlmodel import Session, select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden as PermissionDenied
from cjeune_app.core.errors import NotSignedIn
from cjeune_app.core.establishments.models import Pupil


def require_signed_in(account: Account | None) -> Account:
    if account is None or not account.is_active:
        raise NotSignedIn()
    return account


def require_role(account: Account | None, *roles: Role | str) -> Account:
    """The account itself when it has one of `roles`; NotSignedIn or PermissionDenied otherwise."""
    account = require_signed_in(account)
    if account.role not in {str(role) for role in roles}:
        raise PermissionDenied()
    return account


def can_see_pupil(session: Session, account: Account | None, pupil_id: int | None) -> bool:
    """Pupil: themselves; parent: linked children; agent: everyone; school staff: their pupils."""
    if account is None or not account.is_active or pupil_id is None:
        return False
    if account.role == Role.PUPIL:
        return account.pupil_id == pupil_id
    if account.role == Role.PARENT:
        link = session.exec(
            select(ParentLink.id).where(
                ParentLink.parent_account_id == account.id, ParentLink.pupil_id == pupil_id
            )
        ).first()
        return link is not None
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        return False
    if account.role == Role.AGENT:
        return True
    if account.role == Role.ESTABLISHMENT:
        return account.establishment_id is not None and pupil.establishment_id == account.establishment_id
    return False


def require_pupil_access(session: Session, account: Account | None, pupil_id: int | None) -> Pupil:
    """The pupil record when `account` may see it; NotSignedIn or PermissionDenied otherwise."""
    require_signed_in(account)
    pupil = session.get(Pupil, pupil_id) if can_see_pupil(session, account, pupil_id) else None
    if pupil is None:
        raise PermissionDenied()
    return pupil


def require_partner_access(account: Account | None, partner_id: int | None) -> Account:
    """A partner's own structure, or an agent."""
    account = require_signed_in(account)
    if account.role == Role.AGENT:
        return account
    if account.role == Role.PARTNER and partner_id is not None and account.partner_id == partner_id:
        return account
    raise PermissionDenied()
