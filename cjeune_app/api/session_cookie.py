"""The session cookie: the one place that sets and clears it, and keeps it away from the page's state.

- `set_session_cookie(response, token, remember)` / `clear_session_cookies(response)`: any door
  that opens or ends a session over HTTP calls these (the sign-in ticket route below, FranceConnect's
  return and first visit in `api.franceconnect`).
  The cookie is HttpOnly (no script reads it), SameSite=Strict, Secure and `__Host-` prefixed
  when the public URL is https (`core.accounts.web`).
- `POST routes.SESSION_OPEN` exchanges a sign-in ticket (form field `ticket`, posted by the sign-in
  page) for the cookie, then sends the browser to the dashboard; `GET routes.SESSION_CLOSED` clears
  it after the page revoked the session.
- `HandshakeFilter` (ASGI): Reflex keeps the headers of its websocket's handshake in the pages'
  state, which is pickled to `.states` or Redis. The filter refuses a handshake from another
  origin, and rewrites the session cookie of the handshake to the token's sha256 (what the
  database keeps): the pages resolve the session from it (`ui.state`), no token is ever stored.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from cjeune_app import routes
from cjeune_app.api.csrf import FOREIGN_PAGE, asked_by_foreign_page, from_own_origin
from cjeune_app.core.accounts.sessions import SESSION_REMEMBER, digest
from cjeune_app.core.accounts.web import (
    HANDSHAKE_MARK,
    cookie_name,
    cookie_names,
    parse_cookie_header,
    secure_cookies,
)
from cjeune_app.core.errors import Refusal
from cjeune_app.core.use_cases import sessions

EVENT_PATH = "/_event"  # Reflex's websocket (socket.io)
router = APIRouter(include_in_schema=False)


def set_session_cookie(response: Response, token: str, remember: bool) -> None:
    """The browser keeps the session: 30 days when remembered, else until it closes."""
    clear_session_cookies(response)
    response.set_cookie(
        cookie_name(remember), token,
        max_age=int(SESSION_REMEMBER.total_seconds()) if remember else None,
        path="/", secure=secure_cookies(), httponly=True, samesite="strict",
    )


def clear_session_cookies(response: Response) -> None:
    for name in cookie_names():
        response.delete_cookie(name, path="/", secure=secure_cookies(), httponly=True, samesite="strict")


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303, headers={"Cache-Control": "no-store"})


@router.post(routes.SESSION_OPEN)
async def open_session(request: Request, ticket: Annotated[str, Form(alias=routes.SESSION_TICKET_FIELD)] = ""):
    # Only the site's sign-in page may post a ticket (no one is signed in into another's account).
    if not from_own_origin(request.headers):
        raise FOREIGN_PAGE
    try:
        opened = await asyncio.to_thread(sessions.exchange_ticket, ticket)
    except Refusal:
        return _see_other(routes.SIGN_IN)
    response = _see_other(routes.DASHBOARD)
    set_session_cookie(response, opened.token, opened.remember)
    return response


@router.get(routes.SESSION_CLOSED)
def session_closed(request: Request):
    """Clears the cookie (the page revoked the session first), then the sign-in page. Coming from
    another site (FranceConnect's end of session sends the browser back here) the cookie is left
    alone, as a foreign page may not sign anyone out: the session it names was revoked already."""
    response = _see_other(routes.SIGN_IN)
    if not asked_by_foreign_page(request.headers):
        clear_session_cookies(response)
    return response


def _handshake_cookie(value: bytes) -> bytes:
    """The cookie header with each session token replaced by HANDSHAKE_MARK + its digest."""
    cookies = parse_cookie_header(value.decode("latin-1"))
    names = cookie_names()
    kept = [f"{name}={HANDSHAKE_MARK}{digest(token)}" if name in names else f"{name}={token}"
            for name, token in cookies.items() if not (name in names and token.startswith(HANDSHAKE_MARK))]
    return "; ".join(kept).encode("latin-1")


class HandshakeFilter:
    """See the module's docstring. Applies to the websocket path only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope.get("path", "").startswith(EVENT_PATH):
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        if not from_own_origin(headers):
            await _refuse(scope, send)
            return
        scope = dict(scope)
        scope["headers"] = [(name, _handshake_cookie(value) if name.lower() == b"cookie" else value)
                            for name, value in scope["headers"]]
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "http.response.start", "status": 403, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"Forbidden"})
