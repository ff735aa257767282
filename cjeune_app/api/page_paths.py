"""A page answers at once with or without its trailing slash.

The built site stores each page as `<path>/index.html` (and `<path>.html`); the static file server
answers `/partenaires` with a 307 to `/partenaires/`, which costs a phone a round trip (≈ 600 ms)
on every link typed, shared or e-mailed without the slash. This middleware serves the page itself:
a GET or HEAD of a path with no trailing slash and no extension whose `index.html` exists in the
build is handed to the file server as the slashed path. Anything else (the API, the websocket,
downloads, dynamic pages, unknown paths) is left untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send


def built_pages_dir() -> Path:
    """Where `reflex run --env prod` serves the built pages from (.web/build/client)."""
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base import constants

    return get_web_dir() / constants.Dirs.STATIC


class SlashlessPagesMiddleware:
    def __init__(self, app: ASGIApp, pages_dir: Callable[[], Path] = built_pages_dir) -> None:
        self.app = app
        self.pages_dir = pages_dir

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path: str = scope["path"]
            if self._is_built_page_without_slash(path):
                scope = {**scope, "path": path + "/", "raw_path": (path + "/").encode()}
        await self.app(scope, receive, send)

    def _is_built_page_without_slash(self, path: str) -> bool:
        if path in ("", "/") or path.endswith("/") or "." in path.rsplit("/", 1)[-1] or ".." in path:
            return False
        try:
            return (self.pages_dir() / path.lstrip("/") / "index.html").is_file()
        except (OSError, ValueError):
            return False
