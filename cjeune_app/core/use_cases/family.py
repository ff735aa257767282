"""What a family's screens show about who is signed in, and the opening of a private page: the
actor, the header and what the page reads, in one unit of work (one thread hop for the page)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.parents import children_of
from cjeune_app.core.actor import Actor
from cjeune_app.core.dashboard.youth import Child, pupils_of
from cjeune_app.core.db import get_engine, session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.use_cases.sessions import actor_reading, push_back_due


@dataclass(frozen=True)
class Header:
    children: list[str] = field(default_factory=list)  # a parent's children, "Prénom Nom"
    pupils: tuple[Child, ...] = ()  # the same children, for a page that lists them too


def header_of(actor: Actor) -> Header:
    if actor.role is not Role.PARENT:
        return Header()
    with session_scope(read_only=True) as session:
        parent = session.get(Account, actor.account_id)
        if parent is None:
            return Header()
        return Header([f"{c.first_name} {c.last_name}" for c in children_of(session, parent)])


def _header(session: Session, actor: Actor) -> Header:
    if actor.role is not Role.PARENT:
        return Header()
    # The session lookup found the account active and a parent's: `children_of`'s checks hold.
    pupils = tuple(pupils_of(session, actor))
    return Header([child.full_name for child in pupils], pupils)


# What a page reads while it opens: a core read given the unit of work, the actor and its header.
PageRead = Callable[[Session, Actor, Header], Any]


@dataclass(frozen=True)
class Opened:
    actor: Actor
    header: Header
    page: Any = None  # what the page's read returned (None when it has none or the role is refused)


@lru_cache(maxsize=4)
def _autocommitting(engine: sa.Engine) -> sa.Engine:
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@contextlib.contextmanager
def _opening_scope() -> Iterator[Session]:
    """The unit of work of a page's opening, which only reads (a short session's expiry, when due, is
    pushed back after it). On PostgreSQL each statement is its own transaction: no BEGIN and COMMIT
    round trips around two or three reads (at READ COMMITTED a statement sees its own snapshot inside
    a transaction too). On SQLite a read-only transaction: no write lock taken."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        with session_scope(read_only=True) as session:
            yield session
        return
    with Session(_autocommitting(engine), expire_on_commit=False) as session:
        yield session


def open_page(token_hash: str | None, read: PageRead | None = None,
              allowed_roles: Sequence[Role] = ()) -> Opened | None:
    """Who is signed in (None: nobody, the session expired or was revoked), their header and, when
    their role may see the page, what it reads: one unit of work (a short session's idle expiry is
    pushed back after it, as `sessions.actor_for_digest` does)."""
    if not token_hash:
        return None
    with _opening_scope() as session:
        actor, due = actor_reading(session, token_hash)
        if actor is None:
            return None
        header = _header(session, actor)
        allowed = not allowed_roles or actor.role in allowed_roles
        opened = Opened(actor, header, read(session, actor, header) if read is not None and allowed else None)
    push_back_due(token_hash, due)
    return opened
