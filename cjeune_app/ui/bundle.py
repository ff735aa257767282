"""What the phone downloads on a first load: the build plugin that keeps Radix Themes out of the
JavaScript every page shares.

Reflex lists the component libraries a *dynamic* component (a component sent by the backend at
run time) could need, and root.jsx imports them for it: with `frontend_lazy_bundled_libraries`, as
`import("@radix-ui/themes")`. That one dynamic import of the whole package makes the bundler put
every Radix component, used or not, in a single chunk (≈ 75 KB gzip) that every page loads. This
app renders no dynamic component: the list is cut back to Reflex's own modules, and each page then
loads only the Radix components it draws.
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
