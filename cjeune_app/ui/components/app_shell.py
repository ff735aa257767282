"""What every page carries besides its content: the installable app's head (manifest, icons,
service worker, offline snapshot), the "Installer l'application" button, and the French notices
that replace Reflex's English connection toast.

Reflex has no PWA support: the manifest, icons and worker are plain files of assets/ (served at
the site's root) and the scripts are registered here, in every page's head.
"""

from __future__ import annotations

import traceback

import reflex as rx
import structlog
from reflex.event import EventSpec
from reflex_components_core.core.banner import has_too_many_connection_errors

from cjeune_app.ui.theme import BRAND_BLUE

MANIFEST = "/manifest.webmanifest"
CONNECTION_LOST = "Connexion perdue, nouvelle tentative..."
OFFLINE = "Hors ligne : les informations affichées sont les dernières reçues."
SERVER_ERROR = ("Une erreur est survenue de notre côté. Réessayez dans un instant ; si elle revient, "
                "écrivez-nous depuis la page Contact.")


def pwa_head() -> list[rx.Component]:
    return [
        rx.el.meta(name="theme-color", content=BRAND_BLUE),
        rx.el.link(rel="manifest", href=MANIFEST),
        rx.el.link(rel="apple-touch-icon", href="/icons/apple-touch-icon.png"),
        rx.el.meta(name="mobile-web-app-capable", content="yes"),
        rx.el.script(src="/pwa.js", async_=True),
        rx.el.script(src="/offline.js", async_=True),
    ]


def install_button(button_id: str) -> rx.Component:
    """Hidden until Chromium offers the install (pwa.js adds `app-installable` to <html>)."""
    return rx.button("Installer l'application", id=button_id, custom_attrs={"data-installer-app": ""},
                     class_name="installer-app", size="3", variant="soft", type="button")


def connection_notice() -> rx.Component:
    """Replaces Reflex's overlay (an English toast): a French status line while the websocket
    reconnects by itself, and "Hors ligne" when the device has no network at all."""
    return rx.fragment(
        rx.cond(
            has_too_many_connection_errors,
            rx.box(CONNECTION_LOST, role="status", id="connexion-perdue", class_name="bandeau-connexion"),
        ),
        rx.box(OFFLINE, role="status", id="hors-ligne", class_name="bandeau-hors-ligne"),
    )


def backend_error(exception: Exception) -> EventSpec:
    """An unexpected error in a screen event: logged with its traceback, and told in French (Reflex's
    own handler shows an English toast, and its toast library weighs ≈ 10 KB on every first load)."""
    structlog.get_logger("cjeune_app.ui").error(
        "screen_event_failed", error=type(exception).__name__,
        traceback="".join(traceback.format_exception(type(exception), exception, exception.__traceback__)))
    return rx.window_alert(SERVER_ERROR)
