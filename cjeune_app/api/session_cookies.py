"""Setting the browser's session cookie from an HTTP answer (a sign-in that ends on an HTTP route,
like FranceConnect's return), with the same name and attributes as the pages' own cookie
(`ui/state.py`): the one place to change if the cookie becomes HttpOnly."""

from __future__ import annotations

from starlette.responses import Response

from cjeune_app.core.accounts.web import SESSION_COOKIE, secure_cookies


def start_browser_session(response: Response, token: str) -> None:
    """A session cookie (gone with the browser, as "Rester connecté : Non"); readable by the page's
    script, which is how Reflex's `rx.Cookie` picks it up."""
    response.set_cookie(SESSION_COOKIE, token, path="/", samesite="strict", secure=secure_cookies())
