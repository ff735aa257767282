"""Shared state: the browser's session token and who is signed in; the one guard of private pages.
Imports no page.

The token is the only secret the browser holds, in a cookie: kept 30 days when the user chose
"Rester connecté", else a session cookie gone with the browser. Being a cookie (SameSite=Strict),
it also authenticates the HTTP routes the page calls (photo upload and display). The session
itself lives in the database (core.accounts), so it survives restarts and can be revoked.

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
from cjeune_app.core.accounts.web import (
    REMEMBERED_COOKIE,
    SESSION_COOKIE,
    secure_cookies,
)
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import ROLE_LABELS, Role
from cjeune_app.core.use_cases import family, sessions

REMEMBER_SECONDS = 30 * 24 * 3600


class SessionState(rx.State):
    kept_token: str = rx.Cookie(name=REMEMBERED_COOKIE, max_age=REMEMBER_SECONDS, same_site="strict",
                                secure=secure_cookies())
    tab_token: str = rx.Cookie(name=SESSION_COOKIE, same_site="strict", secure=secure_cookies())
    # What the header shows.
    first_name: str = ""
    role: str = ""
    role_label: str = ""
    children: list[str] = []

    def _token(self) -> str:
        return self.kept_token or self.tab_token

    def _keep(self, token: str, remember: bool) -> None:
        self.kept_token, self.tab_token = (token, "") if remember else ("", token)

    def _forget(self) -> None:
        self.kept_token = self.tab_token = ""
        self.first_name = self.role = self.role_label = ""
        self.children = []

    async def _actor(self) -> Actor | None:
        """Who is signed in now, from the database (None, and the cookies cleared, when nobody)."""
        actor = await asyncio.to_thread(sessions.actor_for_session, self._token())
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
        return actor

    @rx.event
    async def sign_out(self):
        # A session opened through FranceConnect ends there too: the provider sends the browser back.
        provider_sign_out = await asyncio.to_thread(sessions.sign_out, self._token())
        self._forget()
        return rx.redirect(provider_sign_out or routes.SIGN_IN)


class PrivatePage(rx.State, mixin=True):
    """Mixed into the state of every page that needs someone signed in (see the module's docstring)."""

    allowed_roles: ClassVar[tuple[Role, ...]] = ()  # empty: any signed-in person
    sign_in_route: ClassVar[str] = routes.SIGN_IN  # where a visitor without a session goes
    refused_route: ClassVar[str] = routes.DASHBOARD  # where someone of another role goes

    async def _actor(self) -> Actor | None:
        return await (await self.get_state(SessionState))._actor()

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
