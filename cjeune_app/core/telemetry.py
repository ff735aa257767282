"""What operators see: structured logs (structlog, one JSON object a line on standard output) and
Prometheus metrics (prometheus-client), defined once here for every layer.

Logs: `log.info("money_movement", kind=..., amount_cents=...)`. Every line carries the id of the HTTP
request (`request_id`) or of the screen event (`event_id`) it belongs to (bound by the doors with
`bind_ids`). Never a password, a token, a key or a photo: the doors log names and ids only, and the
`_redact` step below blanks any field whose name says it holds one, and any value that looks like a
session token or an API key, whatever a later line of code passes.

Metrics: with several worker processes, set PROMETHEUS_MULTIPROC_DIR (make run-scale does) so that
`/metrics` adds up every worker's counts.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

_SECRET_NAMES = re.compile(r"pass|token|secret|key|authorization|cookie|photo|image|content|body", re.I)
_SECRET_VALUES = re.compile(r"cjp_[A-Za-z0-9_\-]{8,}|[A-Za-z0-9_\-]{32,}")  # API keys, session tokens
_SAFE_NAMES = {"event_id", "request_id", "key_id", "idempotency_key_hash", "event", "level", "timestamp"}


def _redact(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for name, value in list(event.items()):
        if name in _SAFE_NAMES:
            continue
        if _SECRET_NAMES.search(name):
            event[name] = "[masqué]"
        elif isinstance(value, bytes):
            event[name] = f"[{len(value)} octets]"
        elif isinstance(value, str) and _SECRET_VALUES.search(value):
            event[name] = _SECRET_VALUES.sub("[masqué]", value)
    return event


# CJEUNE_LOG_LEVEL (read here, the bottom layer, straight from the environment): "warning" keeps a
# command such as `cjeune seed-demo` from printing each money movement it makes.
_LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40}


def configure_logging() -> None:
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(
            _LEVELS.get(os.environ.get("CJEUNE_LOG_LEVEL", "info").strip().lower(), 20)),
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact,
            structlog.processors.JSONRenderer(),
        ],
        # Standard error as it is at each line: standard output stays the commands' own answer
        # (`cjeune ... --json`), and logs go where process managers collect them.
        logger_factory=lambda *_: structlog.PrintLogger(sys.stderr),
        cache_logger_on_first_use=False,
    )


configure_logging()
log = structlog.get_logger("cjeune")


def new_id() -> str:
    """A request's or event's id in the logs (64 random bits). Not a secret: drawn without a system
    call (uuid4 reads os.urandom), since every screen event takes one on the event loop's thread, where
    a system call gives the GIL away to the database threads and waits to get it back."""
    return f"{random.getrandbits(64):016x}"


@contextmanager
def bind_ids(**ids: str) -> Iterator[None]:
    """Every log line written inside carries these ids (request_id=..., event_id=...)."""
    with structlog.contextvars.bound_contextvars(**ids):
        yield


def fingerprint(text: str) -> str:
    """A short digest to follow one identifier across lines without writing it (e-mail, login)."""
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()[:12]


# --- metrics -----------------------------------------------------------------------------------

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

HTTP_REQUESTS = Counter("cjeune_http_requests_total", "HTTP requests answered", ["method", "status"])
HTTP_SECONDS = Histogram("cjeune_http_request_seconds", "HTTP answer time", ["method"], buckets=_LATENCY_BUCKETS)
EVENTS = Counter("cjeune_events_total", "Screen events processed (websocket)", ["kind"])
EVENT_SECONDS = Histogram("cjeune_event_seconds", "Screen event processing time", ["kind"], buckets=_LATENCY_BUCKETS)
ERRORS = Counter("cjeune_errors_total", "Unexpected errors (HTTP 5xx, event handler exceptions)", ["where"])
REFUSALS = Counter("cjeune_refusals_total", "Refusals (rules saying no)", ["code"])
MONEY_MOVEMENTS = Counter("cjeune_money_movements_total", "Ledger entries written", ["kind"])
DB_CONNECTIONS_IN_USE = Gauge("cjeune_db_connections_in_use", "Database connections checked out of the pool",
                              multiprocess_mode="livesum")
REDIS_ROUND_TRIPS = Counter("cjeune_redis_round_trips_total", "Round trips to Redis made by our code", ["use"])


def metrics_page() -> tuple[bytes, str]:
    """The text Prometheus reads, summed over every worker when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
