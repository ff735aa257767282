"""Radix Themes' component stylesheet cut down to the components the compiled app imports.

`@radix-ui/themes/components.css` styles all ≈ 50 Radix components (≈ 31 KB gzip, render-blocking
on every first load); the app draws about fifteen. For the names the compiled pages import from
"@radix-ui/themes" (collected by ui/bundle.py's plugin), each one's module in Radix's dist is
followed through its relative imports to the `rt-…` component classes it sets (`rt-Button`,
`rt-BaseButton`…), and every selector that needs a component class outside that set (outside
`:not(…)`) is dropped: no element can match it. Rules
that name no component class (reset, variants, animations, the theme root) are kept as they are.
The result is written in .web/styles with the root stylesheet, built and hashed by Vite like it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

COMPONENT_CLASS = re.compile(r"rt-[A-Z][A-Za-z0-9]*")
INDEX_IMPORT = re.compile(r'import\s*(?:\{([^}]*)\}|\*\s*as\s+([\w$]+))\s*from\s*"\./([\w./-]+)"')
INDEX_EXPORT = re.compile(r"export\s*\{([^}]*)\}")
RELATIVE_IMPORT = re.compile(r'from\s*"(\.{1,2}/[\w./-]+)"|import\s*"(\.{1,2}/[\w./-]+)"')
GROUP_AT_RULES = ("@media", "@supports", "@layer", "@container")


def component_classes(radix_dir: Path, names: Iterable[str]) -> set[str]:
    """The `rt-…` component classes the modules of these exported names (and what they import) set."""
    components = radix_dir / "dist" / "esm" / "components"
    index = (components / "index.js").read_text(encoding="utf-8")
    local_to_file: dict[str, str] = {}
    for match in INDEX_IMPORT.finditer(index):
        named, star, file = match.groups()
        if star:
            local_to_file[star] = file
        for part in (named or "").split(","):
            if part.strip():
                local_to_file[part.split(" as ")[-1].strip()] = file
    export_to_file: dict[str, str] = {}
    for match in INDEX_EXPORT.finditer(index):
        for part in match.group(1).split(","):
            local, _, exported = part.strip().partition(" as ")
            if local in local_to_file:
                export_to_file[(exported or local).strip()] = local_to_file[local]
    wanted = set(names)
    unknown = wanted - export_to_file.keys()
    if unknown:
        raise RuntimeError(f"Radix Themes exports not found in {components / 'index.js'}: {sorted(unknown)}")
    classes: set[str] = set()
    seen: set[Path] = set()
    todo = [(components / export_to_file[name]).resolve() for name in wanted]
    while todo:
        module = todo.pop()
        if module in seen or not module.exists():
            continue
        seen.add(module)
        text = module.read_text(encoding="utf-8")
        classes.update(COMPONENT_CLASS.findall(text))
        for match in RELATIVE_IMPORT.finditer(text):
            todo.append((module.parent / (match.group(1) or match.group(2))).resolve())
    return classes


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level (prelude, body) pairs; statements without a body (`@import …;`) have body None."""
    blocks: list[tuple[str, str | None]] = []
    index, length, start = 0, len(css), 0
    while index < length:
        char = css[index]
        if css.startswith("/*", index):
            end = css.find("*/", index + 2)
            index = length if end < 0 else end + 2
            if not css[start:index].replace("/*", "").strip():
                start = index
            continue
        if char in "\"'":
            end = index + 1
            while end < length and css[end] != char:
                end += 2 if css[end] == "\\" else 1
            index = end + 1
            continue
        if char == ";":
            blocks.append((css[start : index + 1], None))
            index += 1
            start = index
            continue
        if char == "{":
            depth, end = 1, index + 1
            while end < length and depth:
                if css.startswith("/*", end):
                    end = css.find("*/", end + 2) + 2
                    continue
                if css[end] in "\"'":
                    quote, end = css[end], end + 1
                    while end < length and css[end] != quote:
                        end += 2 if css[end] == "\\" else 1
                elif css[end] == "{":
                    depth += 1
                elif css[end] == "}":
                    depth -= 1
                end += 1
            blocks.append((css[start:index], css[index + 1:end - 1]))
            index = end
            start = index
            continue
        index += 1
    return blocks


def _positive_classes(selector: str) -> set[str]:
    """Component classes an element must carry for the selector to match: those under `:not(…)`
    are left out (`.rt-Button:not(.rt-IconButton)` matches whether or not IconButton is drawn)."""
    kept, index = [], 0
    while (start := selector.find(":not(", index)) >= 0:
        kept.append(selector[index:start])
        depth, end = 1, start + 5
        while end < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[end], 0)
            end += 1
        index = end
    kept.append(selector[index:])
    return set(COMPONENT_CLASS.findall("".join(kept)))


def _strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S).strip()


def keep_used(css: str, used: set[str]) -> str:
    """The stylesheet without the selectors that name a component class outside `used`."""
    out: list[str] = []
    for raw_prelude, body in _blocks(css):
        prelude = _strip_comments(raw_prelude)
        if body is None:
            out.append(prelude)
        elif prelude.startswith(GROUP_AT_RULES):
            inner = keep_used(body, used)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            selectors = [s.strip() for s in _split_top_level(prelude, ",")]
            kept = [s for s in selectors if _positive_classes(s) <= used]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "\n".join(out)


def used_components_css(radix_dir: Path, names: Iterable[str]) -> str:
    """Radix's components.css with only the rules the components `names` (as exported by
    "@radix-ui/themes") can match."""
    css = (radix_dir / "components.css").read_text(encoding="utf-8")
    return keep_used(css, component_classes(radix_dir, names))
