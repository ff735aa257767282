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
A page whose opening reads from the database names that read (`_page_read`): it runs in the same
thread hop and unit of work as the actor and the header (`family.open_page`), and the page gets
it in `_opened_with`. Every later event of the page resolves the actor again (`await self._actor()`,
or the use case itself through `_as_session`, in its own transaction), so a session revoked or
expired meanwhile stops working at once.

Reflex sends every assigned var in the event's delta and saves the state when anything was
assigned: the opening assigns only what changed (`assign_changed`).
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
from cjeune_app.core.errors import NotSignedIn, Refusal
from cjeune_app.core.use_cases import family, sessions
from cjeune_app.ui.browser import load_page


def client_ip(state: rx.State) -> str | None:
    """The address of the browser behind this websocket: the peer's, or X-Forwarded-For's when the
    peer is a configured trusted proxy (core.accounts.throttle.client_address)."""
    headers = state.router.headers.raw_headers
    peer = headers.get("asgi-scope-client") or state.router.session.client_ip
    return client_address(peer, headers.get("x-forwarded-for"))


def assign_changed(state: rx.State, **values: Any) -> None:
    """Sets the vars whose value differs, only: an assigned var is sent and saved even when equal."""
    for name, value in values.items():
        if state.get_value(name) != value:
            setattr(state, name, value)


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
        assign_changed(self, first_name="", role="", role_label="", csrf_token="", children=[])

    def _show_header(self, actor: Actor, header: family.Header, token_hash: str | None) -> None:
        assign_changed(self, first_name=actor.display_name, role=str(actor.role), role_label=ROLE_LABELS[actor.role],
                       children=header.children, csrf_token=csrf_token(token_hash))

    async def _actor(self) -> Actor | None:
        """Who is signed in now, from the database (None, and the header cleared, when nobody)."""
        actor = await asyncio.to_thread(sessions.actor_for_digest, self._token_hash())
        if actor is None:
            self._forget()
        return actor

    async def _load(self) -> Actor | None:
        """The actor, with the header's name, role and (for a parent) children refreshed."""
        opened = await asyncio.to_thread(family.open_page, self._token_hash())
        return self._opened_as(opened)

    def _opened_as(self, opened: family.Opened | None) -> Actor | None:
        """The header shown for what `family.open_page` found (cleared when nobody is signed in)."""
        if opened is None:
            self._forget()
            return None
        self._show_header(opened.actor, opened.header, self._token_hash())
        return opened.actor

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
            await self._signed_out()
        return actor

    async def _as_session(self, use_case: Any, *args: Any) -> Any:
        """`use_case(<this page's session>, *args)` off the event loop: the use case resolves the session
        from its digest in its own transaction (one thread hop and one transaction for the event, not
        one of each to find the actor first). A refusal is returned, not raised; when nobody is signed
        in any more, the header forgets the name."""
        try:
            return await asyncio.to_thread(
                use_case, sessions.SessionDigest(digest_from_handshake(self.router.headers.cookie)), *args)
        except Refusal as refusal:
            if isinstance(refusal, NotSignedIn):
                await self._signed_out()
            return refusal

    async def _signed_out(self) -> None:
        """Nobody is signed in any more: the header forgets the name."""
        (await self.get_state(SessionState))._forget()

    async def _csrf_token(self) -> str:
        """The session's CSRF token, for a script that posts to a changing HTTP route (api.csrf)."""
        return (await self.get_state(SessionState)).csrf_token

    def _page_read(self) -> family.PageRead | None:
        """The core read the page's opening needs, run with the actor's lookup (None: nothing)."""
        return None

    async def _opened(self, actor: Actor) -> Any:
        """What the page does once the actor is known and allowed (returns events, if any)."""
        return None

    async def _opened_with(self, actor: Actor, page: Any) -> Any:
        """`_opened`, given what `_page_read` returned."""
        return await self._opened(actor)

    @rx.event
    async def open_page(self):
        session_state = await self.get_state(SessionState)
        read = self._page_read()
        opened = await asyncio.to_thread(family.open_page, session_state._token_hash(), read, self.allowed_roles)
        actor = session_state._opened_as(opened)
        if actor is None:
            return rx.redirect(self.sign_in_route)
        if self.allowed_roles and actor.role not in self.allowed_roles:
            return rx.redirect(self.refused_route)
        return await self._opened_with(actor, opened.page if opened is not None else None)
