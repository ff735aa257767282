"""Requests forged from another page: what a cookie-authenticated request must prove.

A page of another origin of the same site (another port, a sibling subdomain) gets the session
cookie sent with its requests despite SameSite=Strict. So:

- every cookie-authenticated request that changes something (`SiteChange`) must come from the
  site's own origin: its `Origin` header (or, without one, `Sec-Fetch-Site: same-origin`) is
  checked against `settings().public_origins`; and it must carry the session's CSRF token
  (synchronizer token: an HMAC of the session's digest, `core.accounts.web.csrf_token`) in the
  `X-CSRF-Token` header or the `csrf_token` form field. The page knows it from its state, sent
  over the websocket that only the site's origin may open; another page can neither read it nor
  compute it (the cookie is HttpOnly);
- every cookie-authenticated read of private data (`SiteRead`: photos, statements, card files)
  is refused when the browser says it was asked by another origin (`Sec-Fetch-Site` same-site or
  cross-site): the answer is not even produced for a foreign page.

Page events (Reflex's websocket) are covered by `api.session_cookie.HandshakeFilter`: the socket
is refused unless its handshake comes from the site's origin, and the session of every event is the
one of that handshake's cookie.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cjeune_app.api.deps import SessionToken, current_actor
from cjeune_app.api.errors import ApiError
from cjeune_app.core.accounts.sessions import digest
from cjeune_app.core.accounts.web import CSRF_FIELD, CSRF_HEADER, csrf_token_matches
from cjeune_app.core.actor import Actor
from cjeune_app.core.settings import settings

FOREIGN_PAGE = ApiError(403, "foreign_origin", "Requête refusée : elle ne vient pas d'une page de ce site.")
NO_CSRF = ApiError(403, "csrf_token_invalid", "Requête refusée : rechargez la page puis recommencez.")
# What the browser says of who asked (Fetch Metadata): the site itself, or the user (address bar, bookmark).
_OWN_FETCH = {"same-origin", "none"}


def from_own_origin(headers: dict[str, str] | object) -> bool:
    """True when the request was sent by a page of the site (Origin, else Sec-Fetch-Site)."""
    get = headers.get  # type: ignore[attr-defined]
    origin = get("origin")
    if origin:
        return origin in settings().public_origins
    return get("sec-fetch-site") == "same-origin"


def asked_by_foreign_page(headers: dict[str, str] | object) -> bool:
    fetch_site = headers.get("sec-fetch-site")  # type: ignore[attr-defined]
    if fetch_site:
        return fetch_site not in _OWN_FETCH
    origin = headers.get("origin")  # type: ignore[attr-defined]
    return bool(origin) and origin not in settings().public_origins


async def _sent_csrf_token(request: Request) -> str | None:
    sent = request.headers.get(CSRF_HEADER)
    if sent:
        return sent
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return str((await request.form()).get(CSRF_FIELD) or "") or None
    return None


async def site_change(request: Request, token: SessionToken) -> str | None:
    """The session token of a request allowed to change something (see the module's docstring)."""
    if not from_own_origin(request.headers):
        raise FOREIGN_PAGE
    if token and not csrf_token_matches(digest(token), await _sent_csrf_token(request)):
        raise NO_CSRF
    return token


def site_change_actor(token: Annotated[str | None, Depends(site_change)]) -> Actor | None:
    return current_actor(token)


def site_read(request: Request, token: SessionToken) -> str | None:
    if asked_by_foreign_page(request.headers):
        raise FOREIGN_PAGE
    return token


def site_read_actor(token: Annotated[str | None, Depends(site_read)]) -> Actor | None:
    return current_actor(token)


SiteChange = Annotated[Actor | None, Depends(site_change_actor)]
SiteChangeToken = Annotated[str | None, Depends(site_change)]
SiteRead = Annotated[Actor | None, Depends(site_read_actor)]
