"""The page paints before its scripts are fetched: a build step over the prerendered HTML.

React Router's prerendered pages carry one `<link rel="modulepreload">` per script of the page
(≈ 17, 170 KB brotli) and a module script that imports them. On a phone's connection those
downloads share the bandwidth with the render-blocking stylesheet, and first paint waited for
all of them, although the page's text is already in the HTML. After the build, each page's
preload links are taken out of the HTML and its module script waits for the first frame to be
painted, then adds the same preload links (fetched in parallel, as before) and imports the same
modules in the same order. A hidden tab (no frame painted) does not wait.

Nothing is evaluated from a string: the script is an ordinary inline module in the built HTML,
whose hash the page policy computes from the served file like every inline script's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)"/>')
MODULE_SCRIPT = re.compile(r'<script type="module" async="">(.*?)</script>', re.S)
SIDE_EFFECT_IMPORT = re.compile(r'^import "([^"]+)";$')
NAMESPACE_IMPORT = re.compile(r'^import \* as (\w+) from "([^"]+)";$')
ENTRY_IMPORT = re.compile(r'^import\("([^"]+)"\);$')
ROUTE_MODULES = re.compile(r"^window\.__reactRouterRouteModules = (\{.*\});$")
# After the first frame: rAF runs before that frame's paint, the task it queues after it.
AFTER_FIRST_PAINT = (
    'await new Promise((done) => document.visibilityState === "hidden"'
    " ? done() : requestAnimationFrame(() => setTimeout(done)));"
)


def _deferred_module(body: str, preloads: list[str]) -> str | None:
    """The module script rewritten to start after first paint; None if it is not of the known shape."""
    side_effects: list[str] = []
    namespaces: list[tuple[str, str]] = []
    entry = route_modules = None
    for line in (line.strip() for line in body.splitlines()):
        if not line:
            continue
        if match := SIDE_EFFECT_IMPORT.match(line):
            side_effects.append(match.group(1))
        elif match := NAMESPACE_IMPORT.match(line):
            namespaces.append((match.group(1), match.group(2)))
        elif match := ENTRY_IMPORT.match(line):
            entry = match.group(1)
        elif match := ROUTE_MODULES.match(line):
            route_modules = match.group(1)
        else:
            return None
    if entry is None or route_modules is None:
        return None
    return "".join([
        AFTER_FIRST_PAINT,
        f"for (const href of {json.dumps(preloads)}) {{",
        'const link = document.createElement("link"); link.rel = "modulepreload"; link.href = href;',
        "document.head.append(link); }",
        *(f"await import({json.dumps(path)});" for path in side_effects),
        # One after the other, in the static imports' order (their files are already being fetched).
        *(f"const {name} = await import({json.dumps(path)});" for name, path in namespaces),
        f"window.__reactRouterRouteModules = {route_modules};",
        f"import({json.dumps(entry)});",
    ])


def defer_scripts_after_first_paint(html: str) -> str | None:
    """The page with its script preloads started after first paint; None when it has none or its
    module script is not of the shape React Router writes (the page is then left as it is)."""
    preloads = PRELOAD.findall(html)
    scripts = [m for m in MODULE_SCRIPT.finditer(html) if "__reactRouterRouteModules" in m.group(1)]
    if not preloads or len(scripts) != 1:
        return None
    script = scripts[0]
    deferred = _deferred_module(script.group(1), preloads)
    if deferred is None:
        return None
    html = html[: script.start(1)] + deferred + html[script.end(1) :]
    return PRELOAD.sub("", html)


def defer_scripts_in_build(static_dir: Path) -> tuple[int, list[Path]]:
    """Rewrites every prerendered page under `static_dir`; returns (pages rewritten, pages with
    preloads left as they were)."""
    rewritten, left = 0, []
    for page in sorted(static_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        deferred = defer_scripts_after_first_paint(html)
        if deferred is not None:
            page.write_text(deferred, encoding="utf-8")
            rewritten += 1
        elif PRELOAD.search(html):
            left.append(page)
    return rewritten, left
