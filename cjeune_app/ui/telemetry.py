"""Every screen event (websocket) counted per kind for Prometheus and given an `event_id` that the log
lines written while it runs carry (a money movement, a refusal...). Registered once in cjeune_app.py
with `app.add_middleware(EventTelemetry())`.

Reflex 0.10 calls a middleware's `preprocess` before each event but never its `postprocess`, so the
per-kind latency histogram (cjeune_event_seconds) is only filled if a later Reflex calls it; the time
of the whole HTTP side is in cjeune_http_request_seconds.
"""

from __future__ import annotations

import time

import structlog
from reflex.event import Event
from reflex.middleware import Middleware

from cjeune_app.core.telemetry import EVENT_SECONDS, EVENTS, new_id


def event_kind(event: Event) -> str:
    """`state.sub_state.handler` → `sub_state.handler`: the page's state and what was done."""
    return ".".join(event.name.split(".")[-2:])


class EventTelemetry(Middleware):
    def __init__(self) -> None:
        self._started: dict[int, float] = {}

    async def preprocess(self, app, state, event):  # type: ignore[no-untyped-def]
        kind = event_kind(event)
        EVENTS.labels(kind).inc()
        structlog.contextvars.bind_contextvars(event_id=new_id(), event_kind=kind)
        if len(self._started) > 10_000:  # bounded, whatever calls postprocess or not
            self._started.clear()
        self._started[id(event)] = time.perf_counter()
        return None

    async def postprocess(self, app, state, event, update):  # type: ignore[no-untyped-def]
        started = self._started.pop(id(event), None)
        if started is not None and update.final:
            EVENT_SECONDS.labels(event_kind(event)).observe(time.perf_counter() - started)
        return update
