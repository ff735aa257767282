"""Reflex configuration. Settings come from the environment (CJEUNE_*, REFLEX_*)."""

import reflex as rx

from cjeune_app.core.settings import database_url, settings
from cjeune_app.ui.bundle import NoDynamicComponentLibraries, RadixThemesUsedColors, ScriptsAfterFirstPaint
from cjeune_app.ui.theme import theme

config = rx.Config(
    app_name="cjeune_app",
    db_url=database_url(),
    telemetry_enabled=False,
    # Never "*": with it, Reflex's CORS answers any origin with credentials (cookies), and its
    # websocket accepts any page. Only the site's own origin.
    cors_allowed_origins=settings().public_origins,
    show_built_with_reflex=False,
    # With several workers (state in Redis), an event whose state lock expires has all its writes
    # discarded: a first sign-in (two argon2 hashes) on a loaded server took longer than Reflex's
    # 10 s and the sign-in silently started over (bench/load_families.py). A lock held by a killed
    # worker is also waited for this long by the tab that reconnects. Milliseconds.
    redis_lock_expiration=30_000,
    # The component libraries are not all imported into every page's root for dynamic components
    # (the app has none): each page loads the components it draws (ui/bundle.py).
    frontend_lazy_bundled_libraries=True,
    # Built files also stored brotli-compressed (≈ 15 % smaller than gzip), served to browsers that
    # ask for it; gzip for the others.
    frontend_compression_formats=["brotli", "gzip"],
    plugins=[RadixThemesUsedColors(theme=theme), NoDynamicComponentLibraries(), ScriptsAfterFirstPaint()],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
