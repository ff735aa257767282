"""Shared state: who is signed in; the one guard of private pages. Imports no page.

The session token is the only secret the browser holds, in an HttpOnly cookie no script can read
(`api.session_cookie` sets and clears it over HTTP: the sign-in ends by posting a single-use ticket
there). It authenticates the HTTP routes the page calls (photo upload and display) and the page's
websocket: the handshake filter replaces the cookie of the handshake with the token's digest, from
which every event resolves its actor here. So the state never holds the token, and nothing of it
is pickled to `.states` or Redis. The CSRF token the page sends to changing HTTP routes is derived
from that digest (`core.accounts.web`) and reaches the page through this state.

Private pages mix in `PrivatePage`: its `open_page` (the page's on_load, run by Reflex after
hydration) resolves the actor once through core, sends a visitor without a valid session to the
sign-in page and someone of another role to `refused_route`, then calls the page's `_opened(actor)`.
Every later event of the page asks `await self._actor()` again, so a session revoked or expired
meanwhile stops working at once.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.accounts.throttle import client_address
from cjeune_app.core.accounts.web import csrf_token, digest_from_handshake
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import ROLE_LABELS, Role
from cjeune_app.core.use_cases import family, sessions
from cjeune_app.ui.browser import load_page


def client_ip(state: rx.State) -> str | None:
    """The address of the browser behind this websocket: the peer's, or X-Forwarded-For's when the
    peer is a configured trusted proxy (core.accounts.throttle.client_address)."""
    headers = state.router.headers.raw_headers
    peer = headers.get("asgi-scope-client") or state.router.session.client_ip
    return client_address(peer, headers.get("x-forwarded-for"))


class SessionState(rx.State):
    # What the header shows.
    first_name: str = ""
    role: str = ""
    role_label: str = ""
    children: list[str] = []
    # Sent by the page's scripts to the changing HTTP routes (api.csrf); not a credential by itself.
    csrf_token: str = ""

    def _token_hash(self) -> str | None:
        """The session's digest, from the cookie of this websocket's handshake (api.session_cookie)."""
        return digest_from_handshake(self.router.headers.cookie)

    def _forget(self) -> None:
        self.first_name = self.role = self.role_label = self.csrf_token = ""
        self.children = []

    async def _actor(self) -> Actor | None:
        """Who is signed in now, from the database (None, and the header cleared, when nobody)."""
        actor = await asyncio.to_thread(sessions.actor_for_digest, self._token_hash())
        if actor is None:
            self._forget()
        return actor

    async def _load(self) -> Actor | None:
        """The actor, with the header's name, role and (for a parent) children refreshed."""
        actor = await self._actor()
        if actor is not None:
            header = await asyncio.to_thread(family.header_of, actor)
            self.first_name, self.role = actor.display_name, str(actor.role)
            self.role_label, self.children = ROLE_LABELS[actor.role], header.children
            self.csrf_token = csrf_token(self._token_hash())
        return actor

    @rx.event
    async def sign_out(self):
        # A session opened through FranceConnect ends there too: the provider sends the browser back
        # to the route that clears the cookie.
        provider_sign_out = await asyncio.to_thread(sessions.sign_out_digest, self._token_hash())
        self._forget()
        return load_page(provider_sign_out or routes.SESSION_CLOSED)


class PrivatePage(rx.State, mixin=True):
    """Mixed into the state of every page that needs someone signed in (see the module's docstring)."""

    allowed_roles: ClassVar[tuple[Role, ...]] = ()  # empty: any signed-in person
    sign_in_route: ClassVar[str] = routes.SIGN_IN  # where a visitor without a session goes
    refused_route: ClassVar[str] = routes.DASHBOARD  # where someone of another role goes

    async def _actor(self) -> Actor | None:
        # From this page's own router (the handshake's cookie): the session state is loaded (one more
        # read and write of the session's states) only to clear the header when nobody is signed in.
        actor = await asyncio.to_thread(sessions.actor_for_digest, digest_from_handshake(self.router.headers.cookie))
        if actor is None:
            (await self.get_state(SessionState))._forget()
        return actor

    async def _csrf_token(self) -> str:
        """The session's CSRF token, for a script that posts to a changing HTTP route (api.csrf)."""
        return (await self.get_state(SessionState)).csrf_token

    async def _opened(self, actor: Actor) -> Any:
        """What the page does once the actor is known and allowed (returns events, if any)."""
        return None

    @rx.event
    async def open_page(self):
        actor = await (await self.get_state(SessionState))._load()
        if actor is None:
            return rx.redirect(self.sign_in_route)
        if self.allowed_roles and actor.role not in self.allowed_roles:
            return rx.redirect(self.refused_route)
        return await self._opened(actor)
