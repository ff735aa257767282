"""Every screen event (websocket) counted and timed per kind for Prometheus and given an `event_id` that
the log lines written while it runs carry (a money movement, a refusal...). Registered once in
cjeune_app.py with `app.add_middleware(EventTelemetry())`.

Reflex 0.10 calls a middleware's `preprocess` before each event but never its `postprocess`. Each event
runs in an asyncio task of its own (its handler, its state saved, its update sent), and `preprocess`
runs inside it: the latency histogram (cjeune_event_seconds) is observed when that task ends.
"""

from __future__ import annotations

import asyncio
import time

import structlog
from reflex.event import Event
from reflex.middleware import Middleware

from cjeune_app.core.telemetry import EVENT_SECONDS, EVENTS, new_id


def event_kind(event: Event) -> str:
    """`…state.cjeune_app___ui___pages___partners_search____search_state.set_q` → `search_state.set_q`:
    the page's state (without its module) and what was done."""
    state, handler = event.name.split(".")[-2:]
    return f"{state.rsplit('____', 1)[-1]}.{handler}"


class EventTelemetry(Middleware):
    async def preprocess(self, app, state, event):  # type: ignore[no-untyped-def]
        kind = event_kind(event)
        EVENTS.labels(kind).inc()
        structlog.contextvars.bind_contextvars(event_id=new_id(), event_kind=kind)
        task = asyncio.current_task()
        if task is not None:
            task.add_done_callback(_timer(kind, time.perf_counter()))
        return None


def _timer(kind: str, started: float):  # type: ignore[no-untyped-def]
    def observe(_task: asyncio.Task) -> None:  # type: ignore[type-arg]
        EVENT_SECONDS.labels(kind).observe(time.perf_counter() - started)
    return observe
