"""What a phone downloads on a first load: two build plugins (rxconfig.py).

NoDynamicComponentLibraries keeps Radix Themes out of the JavaScript every page shares. Reflex
lists the component libraries a *dynamic* component (a component sent by the backend at run time)
could need, and root.jsx imports them for it: with `frontend_lazy_bundled_libraries`, as
`import("@radix-ui/themes")`. That one dynamic import of the whole package makes the bundler put
every Radix component, used or not, in a single chunk (≈ 75 KB gzip) that every page loads. This
app renders no dynamic component: the list is cut back to Reflex's own modules, and each page then
loads only the Radix components it draws.

RadixThemesUsedColors links Radix Themes' stylesheet without the colour scales no page uses.
"""

from __future__ import annotations

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


class RadixThemesUsedColors(rx.plugins.RadixThemesPlugin):
    """Radix Themes' stylesheet without the 24 colour scales no page uses: the same rules (base
    tokens, components, utilities) in the split form Radix documents, ≈ 20 KB gzip less of
    render-blocking CSS on every first load."""

    def get_stylesheet_paths(self, **context: Any) -> tuple[str, ...]:
        if not self.enabled:
            return ()
        return ("@radix-ui/themes/tokens/base.css",
                *(f"@radix-ui/themes/tokens/colors/{color}.css" for color in RADIX_COLORS),
                "@radix-ui/themes/components.css", "@radix-ui/themes/utilities.css")
