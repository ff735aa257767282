"""How a browser carries its session token: two cookie names shared by the pages and HTTP routes."""

from __future__ import annotations

import os
from collections.abc import Mapping

REMEMBERED_COOKIE = "cjeune_session"  # "Rester connecté : Oui" (30 days)
SESSION_COOKIE = "cjeune_session_tab"  # "Non": gone when the browser closes


def secure_cookies() -> bool:
    """Cookies only over HTTPS in production (CJEUNE_PUBLIC_URL starting with https)."""
    return os.environ.get("CJEUNE_PUBLIC_URL", "").startswith("https://")


def token_from_cookies(cookies: Mapping[str, str]) -> str | None:
    return cookies.get(REMEMBERED_COOKIE) or cookies.get(SESSION_COOKIE) or None
