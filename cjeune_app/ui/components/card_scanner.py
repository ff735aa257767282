"""QR code scanner for card numbers (local React component decoding with jsQR)."""

from __future__ import annotations

import reflex as rx

_source = rx.asset("card_scanner.jsx", shared=True)


class CardScanner(rx.NoSSRComponent):
    library = f"$/public{_source}"
    tag = "CardScanner"
    lib_dependencies: list[str] = ["jsqr@1.4.0"]

    on_detected: rx.EventHandler[rx.event.passthrough_event_spec(str)]
    on_failed: rx.EventHandler[rx.event.passthrough_event_spec(str)]


card_scanner = CardScanner.create
