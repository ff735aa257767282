"""FastAPI dependencies: who is calling, resolved once per request (routes declare what they need
with `Annotated[..., Depends(...)]`; tests override them through `app.dependency_overrides`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cjeune_app.core.accounts.web import token_from_cookies
from cjeune_app.core.actor import Actor
from cjeune_app.core.use_cases import school, sessions

# ---------------------------------------------------------------------------------------------
# Accounts: the person signed in on the site, from the session cookie (SameSite=Strict)


def session_token(request: Request) -> str | None:
    return token_from_cookies(request.cookies)


SessionToken = Annotated[str | None, Depends(session_token)]


def current_actor(token: SessionToken) -> Actor | None:
    """The signed-in actor, or None (a plain function: FastAPI runs it in its thread pool)."""
    return sessions.actor_for_session(token)


CurrentActor = Annotated[Actor | None, Depends(current_actor)]


def school_staff(actor: CurrentActor) -> Actor:
    """A school's staff member; NotSignedIn (401) or Forbidden (403) in the school's words."""
    school.require_school_staff(actor)
    assert actor is not None
    return actor


SchoolStaff = Annotated[Actor, Depends(school_staff)]
