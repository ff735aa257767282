"""Security headers on every answer of the server: pages (served by the backend in single-port
production mode), API answers, downloaded files, uploaded photos.

No inline script runs unless the policy names its hash: the pages Reflex compiles carry a few
inline scripts (theme, scroll restoration, the router's context and module imports), always the
same for a build, so their sha256 are read once from the built pages (`.web/build/client`) and
listed in `script-src` ('unsafe-inline' is gone). 'unsafe-eval' stays: Reflex's `call_script`,
which the pages use (focus, geolocation, posting files), runs its code with `eval`. Framing
(`frame-ancestors 'none'` and X-Frame-Options), plugins, foreign scripts, a foreign <base> or form
target and connections to other sites are forbidden. The API docs page (Swagger UI) keeps its own
looser policy: FastAPI's page loads Swagger UI from a CDN and starts it with an inline script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cjeune_app.core.settings import PROJECT_ROOT, settings

API_DOCS_PATH = "/api/v1/docs"
# Swagger UI's page (FastAPI) loads its script and style from this CDN.
_DOCS_CDN = "https://cdn.jsdelivr.net"
TILES = "https://tile.openstreetmap.org"


BUILT_PAGES = PROJECT_ROOT / ".web" / "build" / "client"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


@cache
def inline_script_hashes() -> tuple[str, ...]:
    """The CSP sources of every inline script of the built pages ('sha256-...'), read once."""
    hashes = set()
    for page in BUILT_PAGES.rglob("*.html") if BUILT_PAGES.is_dir() else ():
        for script in _INLINE_SCRIPT.findall(page.read_text(encoding="utf-8", errors="replace")):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return tuple(sorted(hashes))


def content_security_policy(path: str = "") -> str:
    docs = path.startswith(API_DOCS_PATH)
    cdn = f" {_DOCS_CDN}" if docs else ""
    scripts = "'unsafe-inline'" if docs else " ".join(inline_script_hashes())
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'unsafe-eval' {scripts}{cdn}".replace("  ", " ").strip(),
        "style-src": f"'self' 'unsafe-inline'{cdn}",
        "img-src": f"'self' data: blob: {TILES}" + (" https://fastapi.tiangolo.com" if docs else ""),
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
