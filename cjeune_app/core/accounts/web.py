"""How a browser carries its session: cookie names, and what the page's websocket and forms derive
from the session (pure functions; setting and clearing the cookie is `api.session_cookie`'s).

- The token lives only in an HttpOnly, SameSite=Strict cookie: `cjeune_session` when the user chose
  "Rester connecté" (30 days), `cjeune_session_tab` otherwise (gone with the browser). Over https
  both names take the `__Host-` prefix: the browser then accepts them only Secure, for this exact
  host and path /, so a sibling subdomain can neither set nor overwrite them.
- The page's websocket never sees the token: its handshake's cookie is rewritten to the token's
  digest (`HANDSHAKE_MARK` + sha256, what the database keeps), read back by `digest_from_handshake`.
- The CSRF token of a session is an HMAC of that digest: the page gets it from its state (over the
  websocket, which only the site's origin may open), a page of another origin cannot compute it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from cjeune_app.core.settings import settings

REMEMBERED_COOKIE = "cjeune_session"  # "Rester connecté : Oui" (30 days)
SESSION_COOKIE = "cjeune_session_tab"  # "Non": gone when the browser closes
SECURE_PREFIX = "__Host-"
HANDSHAKE_MARK = "sha256."
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def secure_cookies() -> bool:
    """Cookies only over HTTPS in production (CJEUNE_PUBLIC_URL starting with https)."""
    return settings().secure_cookies


def cookie_name(remember: bool) -> str:
    name = REMEMBERED_COOKIE if remember else SESSION_COOKIE
    return SECURE_PREFIX + name if secure_cookies() else name


def cookie_names() -> tuple[str, str]:
    return cookie_name(True), cookie_name(False)


def token_from_cookies(cookies: Mapping[str, str]) -> str | None:
    for name in cookie_names():
        value = cookies.get(name)
        if value and not value.startswith(HANDSHAKE_MARK):
            return value
    return None


def parse_cookie_header(header: str) -> dict[str, str]:
    """`a=1; b=2` as a dict (the first of a repeated name wins, as browsers send the most specific first)."""
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name and name not in cookies:
            cookies[name] = value.strip().strip('"')
    return cookies


def digest_from_handshake(cookie_header: str) -> str | None:
    """The session digest the handshake filter put in the websocket's cookie header, if any."""
    cookies = parse_cookie_header(cookie_header or "")
    for name in cookie_names():
        value = cookies.get(name, "")
        if value.startswith(HANDSHAKE_MARK):
            return value.removeprefix(HANDSHAKE_MARK) or None
    return None


def csrf_token(token_hash: str | None) -> str:
    """The session's CSRF token ("" without a session)."""
    if not token_hash:
        return ""
    return hmac.new(token_hash.encode(), b"cjeune-csrf", hashlib.sha256).hexdigest()


def csrf_token_matches(token_hash: str | None, sent: str | None) -> bool:
    expected = csrf_token(token_hash)
    return bool(expected) and bool(sent) and hmac.compare_digest(expected, sent or "")
