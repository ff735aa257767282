"""What an event asks of the browser — focus a field, load or post to an HTTP route, post a chosen
file, read the position — without sending it code to run.

Reflex's `rx.call_script` runs the code it is given with `eval` in the page, which a strict
script policy (api.headers: no 'unsafe-eval') forbids. Instead, every page holds one `Browser`
component (browser.jsx, mounted once for the whole app in cjeune_app.py), which knows a
fixed set of commands. An event returns one of the functions below: a Reflex `set_value` event on
the component's ref carrying the command as JSON, which the component runs. Commands that answer
(`post_files`, `position`) name a handler among those registered with `answers_to`; the answer
comes back through `BrowserState.answer`, which passes it on to that handler and to no other.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex.event import EventHandler, EventSpec

from cjeune_app.core.accounts.web import CSRF_HEADER

BROWSER_ID = "navigateur"
_source = rx.asset("browser.jsx", shared=True)

# Handlers that may receive an answer of the browser (registered at import, in every worker).
_ANSWERS: dict[str, EventHandler] = {}


def answers_to(*handlers: EventHandler) -> None:
    for handler in handlers:
        _ANSWERS[_name(handler)] = handler


def _name(handler: EventHandler) -> str:
    return str(handler.fn.__qualname__)


class BrowserState(rx.State):
    @rx.event
    def answer(self, reply: str, value: Any) -> Any:
        handler = _ANSWERS.get(str(reply))
        return handler(value) if handler is not None else None


class Browser(rx.Component):
    library = f"$/public{_source}"
    tag = "Browser"

    on_answer: rx.EventHandler[rx.event.passthrough_event_spec(str, dict)]


def browser() -> rx.Component:
    return Browser.create(id=BROWSER_ID, on_answer=BrowserState.answer)


def _command(do: str, reply: EventHandler | None = None, **fields: Any) -> EventSpec:
    if reply is not None:
        name = _name(reply)
        assert name in _ANSWERS, f"{name} must be registered with answers_to"
        fields["reply"] = name
    return rx.set_value(BROWSER_ID, json.dumps({"do": do, **fields}))


def focus(element_id: str, *, top: bool = False, center: bool = True, delay_ms: int = 80) -> EventSpec:
    """Focus an element once React has drawn it; `top` first scrolls to the top of the page,
    `center` scrolls the element to the middle (away from the header)."""
    return _command("focus", id=element_id, top=top, center=center, delay=delay_ms)


def load_page(path: str) -> EventSpec:
    """A full page load of `path` (an HTTP route, not a page of the app: the router cannot go there)."""
    return _command("load", path=path)


def post_form(path: str, fields: dict[str, str]) -> EventSpec:
    """The browser posts a form to `path` (a full page load, as a form's submission)."""
    return _command("post_form", path=path, fields=fields)


def replace_address(page: str, path: str) -> EventSpec:
    """Rewrites the current address (history.replaceState), only while still on `page`."""
    return _command("replace_address", page=page, path=path)


def post_files(url: str, files: dict[str, str], reply: EventHandler, *, csrf: str = "", missing: str = "",
               network: str) -> EventSpec:
    """Posts the files chosen in the page's inputs (`files`: form field → input id) with the page's
    cookies and the CSRF token; `reply` receives the JSON answer (a PDF in it becomes `pdf_url`,
    a blob: address), or {"failure": missing} when no file is chosen, {"failure": network} when
    the answer is an error without message or does not come."""
    return _command("post_files", reply, url=url, files=list(files.items()),
                    csrf=[CSRF_HEADER, csrf] if csrf else None, missing=missing, network=network)


def position(reply: EventHandler) -> EventSpec:
    """`reply` receives [latitude, longitude], or None when the position is refused or unknown."""
    return _command("position", reply)
