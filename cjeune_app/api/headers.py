"""Security headers on every answer of the server: pages (served by the backend in single-port
production mode), API answers, downloaded files, uploaded photos.

The script policy of the pages cannot be strict yet: the pages Reflex compiles carry inline
scripts (theme, scroll restoration, the router's context) and, once running, insert more, and
Reflex's `call_script` (used by the pages: focus, geolocation, posting files) runs its code with
`eval`; so `script-src` allows 'unsafe-inline' and 'unsafe-eval' on pages. What such a policy can
still forbid is: framing (`frame-ancestors 'none'` and X-Frame-Options), plugins, foreign scripts,
a foreign <base> or form target, connections to other sites. The API docs page (Swagger UI from
local files, api.docs) is strict: its one inline script is allowed by its hash, nothing else.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cjeune_app.api.docs import API_DOCS_PATH, DOCS_SCRIPT_SOURCE
from cjeune_app.core.settings import settings

TILES = "https://tile.openstreetmap.org"


def content_security_policy(path: str = "") -> str:
    scripts = DOCS_SCRIPT_SOURCE if path == API_DOCS_PATH else "'unsafe-inline' 'unsafe-eval'"
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {scripts}",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {TILES}",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "media-src": "'self' blob:",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(path: str = "") -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(path),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()",
    }
    if settings().secure_cookies:  # the public URL is https
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP answer (not to the websocket, which has no page to protect)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = security_headers(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in added.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
