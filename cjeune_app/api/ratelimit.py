"""Requests allowed per API key: a token bucket in this process's memory.

Each key may send `burst` requests at once, then `per_minute` requests a minute. The buckets live
in the memory of one server process: with N processes behind a load balancer a key may send up to
N times as much, and a restart forgets them. That is enough to stop a partner's program that loops
by mistake, which is what it is for (a shared limit would go in Redis, REFLEX_REDIS_URL).
Settings: CJEUNE_API_REQUESTS_PER_MINUTE (default 300), CJEUNE_API_BURST (default 120).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from cjeune_app.core.settings import settings


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: float, burst: int, clock=time.monotonic) -> None:
        self.rate, self.burst, self.clock = per_minute / 60.0, burst, clock
        self._buckets: dict[object, _Bucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> RateLimiter:
        return cls(settings().api_requests_per_minute, settings().api_burst)

    def acquire(self, key) -> float:
        """0 when the request may go; else the seconds to wait before the next one will."""
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate if self.rate > 0 else math.inf

    def retry_after_seconds(self, wait: float) -> int:
        return max(1, math.ceil(min(wait, 3600)))
