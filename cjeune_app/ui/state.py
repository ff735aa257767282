"""Shared state: the browser's session token and who is signed in. Imports no page.

The token is the only secret the browser holds: in localStorage when the user chose
"Rester connecté" (30 days), else in sessionStorage (gone with the tab). The session itself
lives in the database (core.accounts), so it survives restarts and can be revoked.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.accounts.api import account_for_token, children_of, close_session
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import ROLE_LABELS, Role
from cjeune_app.core.partners.models import Partner

SIGN_IN_ROUTE = "/connexion"
HOME_ROUTE = "/tableau-de-bord"


def _who(token: str) -> dict | None:
    """A plain summary of the signed-in account (no ORM object goes into the state)."""
    with session_scope() as session:
        account = account_for_token(session, token)
        if account is None:
            return None
        name = account.first_name
        if not name and account.partner_id:
            partner = session.get(Partner, account.partner_id)
            name = partner.name if partner else ""
        children = []
        if account.role == Role.PARENT:
            children = [f"{c.first_name} {c.last_name}" for c in children_of(session, account)]
        return {"first_name": name or account.login, "role": account.role,
                "role_label": ROLE_LABELS[Role(account.role)], "children": children}


def _close(token: str) -> None:
    with session_scope() as session:
        close_session(session, token)


class SessionState(rx.State):
    kept_token: str = rx.LocalStorage(name="cjeune_session", sync=True)
    tab_token: str = rx.SessionStorage(name="cjeune_session_tab")
    first_name: str = ""
    role: str = ""
    role_label: str = ""
    children: list[str] = []

    def _token(self) -> str:
        return self.kept_token or self.tab_token

    def _keep(self, token: str, remember: bool) -> None:
        self.kept_token, self.tab_token = (token, "") if remember else ("", token)

    async def _load(self) -> bool:
        summary = await asyncio.to_thread(_who, self._token()) if self._token() else None
        if summary is None:
            self.kept_token = self.tab_token = ""
            self.first_name = self.role = self.role_label = ""
            self.children = []
            return False
        self.first_name, self.role = summary["first_name"], summary["role"]
        self.role_label, self.children = summary["role_label"], summary["children"]
        return True

    @rx.event
    async def require_signed_in(self):
        """on_load of private pages: back to the sign-in page when the session is not valid."""
        if not await self._load():
            return rx.redirect(SIGN_IN_ROUTE)

    @rx.event
    async def sign_out(self):
        token = self._token()
        if token:
            await asyncio.to_thread(_close, token)
        self.kept_token = self.tab_token = ""
        self.first_name = self.role = self.role_label = ""
        self.children = []
        return rx.redirect(SIGN_IN_ROUTE)
