"""Security headers on every answer of the server: pages (served by the backend in single-port
production mode), API answers, downloaded files, uploaded photos.

The script policy is strict on every answer: `script-src 'self'` and, for an HTML page, the
sha256 hashes of the inline scripts of that very page — no 'unsafe-inline', no 'unsafe-eval'.
The pages Reflex compiles (React Router + Vite) carry inline scripts (theme, scroll restoration,
the router's context and streaming, the route modules' import); a build changes them, so their
hashes are not written anywhere: the middleware reads the HTML answer it passes on (gzip
included: Reflex serves precompressed pages, brotli or gzip), hashes its inline scripts and writes the policy
before the first byte leaves (`inline_script_sources`, cached by the page's digest). The API docs
page (Swagger UI from local files, api.docs) is covered the same way. Nothing of the app needs
eval: what events ask of the browser goes through ui.browser's fixed commands, not Reflex's
`call_script`.

Styles keep 'unsafe-inline': Emotion (Radix themes, Reflex's style props) injects <style>
elements at run time and React writes `style` attributes; a style cannot run code. What the policy
forbids besides: framing (`frame-ancestors 'none'` and X-Frame-Options), plugins, a foreign
<base> or form target, connections to other sites.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import anyio
import brotli
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cjeune_app.core.settings import settings

TILES = "https://tile.openstreetmap.org"
# A page larger than this is passed on without hashes (its inline scripts are then refused).
MAX_HTML_BYTES = 4 * 1024 * 1024
_INLINE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC_ATTRIBUTE = re.compile(rb"\bsrc\s*=", re.I)
_log = logging.getLogger(__name__)


def content_security_policy(script_sources: Iterable[str] = ()) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_sources]),
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


def security_headers(script_sources: Iterable[str] = (), *, policy: bool = True) -> dict[str, str]:
    headers = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()",
    }
    if policy:
        headers["Content-Security-Policy"] = content_security_policy(script_sources)
    if settings().secure_cookies:  # the public URL is https
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def script_hashes(html: bytes) -> list[str]:
    """The CSP sources ('sha256-…') of the inline scripts of an HTML page, in order, once each."""
    sources: list[str] = []
    for attributes, text in _INLINE_SCRIPT.findall(html):
        if _SRC_ATTRIBUTE.search(attributes):
            continue
        # The browser hashes the script's text after its input preprocessing (CR LF → LF).
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        source = f"'sha256-{base64.b64encode(hashlib.sha256(text).digest()).decode()}'"
        if source not in sources:
            sources.append(source)
    return sources


class _SourcesCache:
    """Hashes of the pages already seen, by the digest of the bytes served (a new build: new bytes)."""

    def __init__(self, size: int = 512) -> None:
        self._entries: OrderedDict[bytes, list[str]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def sources(self, body: bytes, encoding: str) -> list[str]:
        key = hashlib.sha256(encoding.encode() + b"\0" + body).digest()
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        sources = script_hashes(_decoded(body, encoding))
        with self._lock:
            self._entries[key] = sources
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return sources


def _decoded(body: bytes, encoding: str) -> bytes:
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        return brotli.decompress(body)
    _log.warning("page encoded as %r: its inline scripts are not allowed", encoding)
    return b""


_CACHE = _SourcesCache()


def inline_script_sources(body: bytes, encoding: str = "") -> list[str]:
    try:
        return _CACHE.sources(body, encoding.strip().lower())
    except (OSError, EOFError, zlib.error, brotli.error):
        _log.warning("unreadable page: its inline scripts are not allowed")
        return []


def _add(message: Message, added: dict[str, str]) -> None:
    headers = MutableHeaders(scope=message)
    for name, value in added.items():
        if name not in headers:
            headers[name] = value


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP answer (not to the websocket, which has no page to protect).
    An HTML answer is held until complete, to write the hashes of its inline scripts in its policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None  # the start of an HTML answer, until its body is complete
        chunks: list[bytes] = []
        size = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal held, size
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                if html and message["status"] != 304 and scope.get("method") != "HEAD":
                    held = message
                    return
                # A 304 keeps the policy of the page the browser has: sending one without the
                # hashes would replace it (the stored headers are updated by the 304's).
                _add(message, security_headers(policy=message["status"] != 304))
                await send(message)
                return
            if held is None:
                await send(message)
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if message.get("more_body", False) and size <= MAX_HTML_BYTES:
                    return
                body = b"".join(chunks)
            elif message["type"] == "http.response.pathsend":  # a static file sent by the server
                body = await anyio.to_thread.run_sync(Path(message["path"]).read_bytes)
            else:
                body = b""
            start, held = held, None
            encoding = MutableHeaders(scope=start).get("content-encoding", "")
            sources = inline_script_sources(body, encoding) if size <= MAX_HTML_BYTES else []
            _add(start, security_headers(sources))
            await send(start)
            if message["type"] == "http.response.body":
                await send({**message, "body": body})
            else:
                await send(message)

        await self.app(scope, receive, send_with_headers)
