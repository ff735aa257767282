"""FastAPI dependencies: who is calling, resolved once per request and handed to the use cases.

Routes take the caller as a parameter (`actor: CurrentActor`); tests replace the resolver with
`app.dependency_overrides[current_actor] = ...`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cjeune_app.core.accounts.web import token_from_cookies
from cjeune_app.core.actor import Actor
from cjeune_app.core.use_cases.sessions import actor_for_session

# ---------------------------------------------------------------------------------------------
# Session cookie → Actor
# (the pages' own HTTP routes: photo upload and display, authenticated by the SameSite=Strict
# session cookie the browser sends with them)


def current_actor(request: Request) -> Actor | None:
    """The signed-in person behind the session cookie, or None (unknown, expired, revoked)."""
    return actor_for_session(token_from_cookies(request.cookies))


CurrentActor = Annotated[Actor | None, Depends(current_actor)]
