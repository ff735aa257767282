"""The photo editor: a local React component (photo_editor.jsx) wrapping react-easy-crop and react-webcam."""

from __future__ import annotations

import reflex as rx

_source = rx.asset("photo_editor.jsx", shared=True)


class PhotoEditor(rx.NoSSRComponent):
    library = f"$/public{_source}"
    tag = "PhotoEditor"
    lib_dependencies: list[str] = ["react-easy-crop@6.2.5", "react-webcam@7.2.0"]

    upload_url: rx.Var[str]
    csrf_token: rx.Var[str]  # sent in the X-CSRF-Token header of the upload (api.csrf)
    on_uploaded: rx.EventHandler[rx.event.passthrough_event_spec(dict)]
    on_failed: rx.EventHandler[rx.event.passthrough_event_spec(str)]
    # True while a photo is chosen (being framed) but not sent yet.
    on_pending_change: rx.EventHandler[rx.event.passthrough_event_spec(bool)]


photo_editor = PhotoEditor.create
