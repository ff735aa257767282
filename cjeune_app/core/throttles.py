"""Caps on how often something may happen (partner API requests, card numbers typed, SMS, e-mails),
shared by every worker and kept across restarts.

Each cap is a moving window counted by the `limits` library in the storage the settings name:
- `CJEUNE_LIMITS_STORAGE_URL` when set (e.g. `redis://127.0.0.1:6379/0`);
- otherwise `REFLEX_REDIS_URL`, the Redis the workers already share for Reflex's state;
- otherwise `memory://`, this process's memory: right ONLY when a single process serves the site
  (a laptop, `make run`); with several workers each would count alone and a restart forgets.
Keys are `<CJEUNE_LIMITS_KEY_PREFIX>/<throttle name>/<caller key>`, so tests and several sites can
share one Redis. Reuse: `Throttle("sms", [per_hour(3)]).hit(phone_number)`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from functools import cache

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from cjeune_app.core.settings import settings
from cjeune_app.core.telemetry import REDIS_ROUND_TRIPS


def per_seconds(amount: int, seconds: int) -> RateLimitItem:
    return RateLimitItemPerSecond(max(1, amount), seconds)


def per_minute(amount: int) -> RateLimitItem:
    return RateLimitItemPerMinute(max(1, amount))


def per_hour(amount: int) -> RateLimitItem:
    return RateLimitItemPerHour(max(1, amount))


def storage_url() -> str:
    return settings().limits_storage_url or settings().redis_url or "memory://"


def open_storage(url: str, key_prefix: str) -> Storage:
    """A storage of its own (tests use one per simulated process, with a key prefix per test)."""
    options: dict[str, float | str | bool] = {"key_prefix": key_prefix} if url.startswith("redis") else {}
    storage = storage_from_string(url, **options)
    assert isinstance(storage, Storage)  # a synchronous one: the URL names no async driver
    return storage


@cache
def shared_storage() -> Storage:
    """The storage of this process, from the settings (opened once)."""
    return open_storage(storage_url(), settings().limits_key_prefix)


class Throttle:
    """A name and its caps: `hit(key)` counts one more event for `key` if every cap allows it."""

    def __init__(self, name: str, caps: Sequence[RateLimitItem], storage: Storage | None = None) -> None:
        self.name, self.caps = name, list(caps)
        self._round_trips = REDIS_ROUND_TRIPS.labels(f"throttle:{name}")
        self._counts_round_trips = type(storage if storage is not None else shared_storage()).__name__ == "RedisStorage"
        self._limiter = MovingWindowRateLimiter(storage if storage is not None else shared_storage())

    def hit(self, key: str | int) -> int:
        """0 when the event may happen (and it is counted); else the seconds to wait before it may."""
        if self._counts_round_trips:
            self._round_trips.inc(2 * len(self.caps))  # a test and a hit per cap
        for cap in self.caps:
            if not self._limiter.test(cap, self.name, str(key)):
                return self._wait(cap, key)
        for cap in self.caps:
            if not self._limiter.hit(cap, self.name, str(key)):  # another worker took the last one
                return self._wait(cap, key)
        return 0

    def _wait(self, cap: RateLimitItem, key: str | int) -> int:
        reset_at = self._limiter.get_window_stats(cap, self.name, str(key)).reset_time
        return max(1, min(3600, math.ceil(reset_at - time.time())))
