"""What a phone downloads on a first load, and when: three build plugins (rxconfig.py).

NoDynamicComponentLibraries keeps Radix Themes out of the JavaScript every page shares. Reflex
lists the component libraries a *dynamic* component (a component sent by the backend at run time)
could need, and root.jsx imports them for it: with `frontend_lazy_bundled_libraries`, as
`import("@radix-ui/themes")`. That one dynamic import of the whole package makes the bundler put
every Radix component, used or not, in a single chunk (≈ 75 KB gzip) that every page loads. This
app renders no dynamic component: the list is cut back to Reflex's own modules, and each page then
loads only the Radix components it draws.

RadixThemesUsedColors links Radix Themes' stylesheet without the colour scales no page uses, and
with the rules of only the Radix components the pages draw (ui/radix_css.py).

ScriptsAfterFirstPaint has each prerendered page fetch its scripts once it has painted
(ui/first_paint.py).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import reflex as rx


class NoDynamicComponentLibraries(rx.plugins.Plugin):
    def pre_compile(self, **context: Any) -> None:
        from reflex_base.registry import RegistrationContext, _default_bundled_libraries

        core = set(_default_bundled_libraries())
        libraries = RegistrationContext.ensure_context().bundled_libraries
        libraries[:] = [library for library in libraries if library in core]


# The Radix colour scales the pages use (theme: indigo accent, slate grey; color_scheme="gray", "red",
# "green", "orange", "amber"; var(--gray-…), var(--red-…), var(--green-…) in assets/styles.css). A new
# color_scheme needs its scale added here.
RADIX_COLORS = ("indigo", "slate", "gray", "red", "green", "orange", "amber")


# Written by each compile from Radix's components.css (ui/radix_css.py), next to the root stylesheet.
USED_COMPONENTS_CSS = "radix-components.css"
RADIX_THEMES = "@radix-ui/themes"


@dataclasses.dataclass
class RadixThemesUsedColors(rx.plugins.RadixThemesPlugin):
    """Radix Themes' stylesheet without the 24 colour scales no page uses (the same rules — base
    tokens, components, utilities — in the split form Radix documents, ≈ 20 KB gzip less of
    render-blocking CSS on every first load), and without the rules of the Radix components no page
    draws (≈ 17 KB gzip less).

    The components drawn are the Radix Themes imports of every component the compiler walks
    (`enter_component`, pages and their memoized parts); the stylesheet is written once the npm
    packages are installed (a compile's modify task), before the frontend build."""

    _drawn: set[str] = dataclasses.field(default_factory=set, init=False, repr=False)

    def get_stylesheet_paths(self, **context: Any) -> tuple[str, ...]:
        if not self.enabled:
            return ()
        return ("@radix-ui/themes/tokens/base.css",
                *(f"@radix-ui/themes/tokens/colors/{color}.css" for color in RADIX_COLORS),
                f"./{USED_COMPONENTS_CSS}", "@radix-ui/themes/utilities.css")

    def enter_component(self, comp: Any, /, **context: Any) -> Any:
        from reflex_base.components.component import Component

        if isinstance(comp, Component):
            for library, imports in comp._get_imports().items():
                if library == RADIX_THEMES or library.startswith(f"{RADIX_THEMES}@"):
                    self._drawn.update(str(var.tag).split(".")[0] for var in imports if var.tag)
        return super().enter_component(comp, **context)

    def pre_compile(self, **context: Any) -> None:
        from reflex.compiler.utils import get_root_stylesheet_path

        if not self.enabled:
            return
        path = str(Path(get_root_stylesheet_path()).parent / USED_COMPONENTS_CSS)
        context["add_save_task"](lambda: (path, ""))
        context["add_modify_task"](path, self._used_components_css)

    def _used_components_css(self, _placeholder: str) -> str:
        from reflex.utils.prerequisites import get_web_dir

        from cjeune_app.ui.radix_css import used_components_css

        radix_dir = get_web_dir() / "node_modules" / "@radix-ui" / "themes"
        if not self._drawn:  # a compile that walked no component: every component's rules
            return (radix_dir / "components.css").read_text(encoding="utf-8")
        return used_components_css(radix_dir, self._drawn)


class ScriptsAfterFirstPaint(rx.plugins.Plugin):
    """Each prerendered page fetches its scripts once it has painted (ui/first_paint.py): first
    paint no longer waits for ≈ 170 KB of JavaScript on a phone's connection."""

    def post_build(self, **context: Any) -> None:
        # Before Reflex compresses the build (the .br/.gz copies are made from the rewritten pages).
        from cjeune_app.ui.first_paint import defer_scripts_in_build

        _rewritten, left = defer_scripts_in_build(Path(context["static_dir"]))
        for page in left:
            print(f"ScriptsAfterFirstPaint: {page} left as built (its module script has an unknown shape)")
