"""How a browser carries its session token: two cookie names shared by the pages and HTTP routes."""

from __future__ import annotations

from collections.abc import Mapping

from cjeune_app.core.settings import settings

REMEMBERED_COOKIE = "cjeune_session"  # "Rester connecté : Oui" (30 days)
SESSION_COOKIE = "cjeune_session_tab"  # "Non": gone when the browser closes


def secure_cookies() -> bool:
    """Cookies only over HTTPS in production (CJEUNE_PUBLIC_URL starting with https)."""
    return settings().secure_cookies


def token_from_cookies(cookies: Mapping[str, str]) -> str | None:
    return cookies.get(REMEMBERED_COOKIE) or cookies.get(SESSION_COOKIE) or None
