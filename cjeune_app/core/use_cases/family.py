"""What a family's screens show about who is signed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.parents import children_of
from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role


@dataclass(frozen=True)
class Header:
    children: list[str] = field(default_factory=list)  # a parent's children, "Prénom Nom"


def header_of(actor: Actor) -> Header:
    if actor.role is not Role.PARENT:
        return Header()
    with session_scope(read_only=True) as session:
        parent = session.get(Account, actor.account_id)
        if parent is None:
            return Header()
        return Header([f"{c.first_name} {c.last_name}" for c in children_of(session, parent)])
