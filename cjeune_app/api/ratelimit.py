"""Requests allowed per API key, counted for every worker at once (core/throttles.py: Redis when
REFLEX_REDIS_URL or CJEUNE_LIMITS_STORAGE_URL is set, else this process's memory, for one process only).

A key may send CJEUNE_API_BURST requests in any 10 seconds (default 120) and
CJEUNE_API_REQUESTS_PER_MINUTE in any minute (default 300): moving windows, kept across restarts in Redis.
It stops a partner's program that loops by mistake.
"""

from __future__ import annotations

from limits.storage import Storage

from cjeune_app.core.settings import settings
from cjeune_app.core.throttles import Throttle, per_minute, per_seconds


class RateLimiter:
    def __init__(self, per_minute_allowed: int, burst: int, storage: Storage | None = None) -> None:
        self._throttle = Throttle("api", [per_seconds(burst, 10), per_minute(per_minute_allowed)], storage)

    @classmethod
    def from_environment(cls) -> RateLimiter:
        return cls(settings().api_requests_per_minute, settings().api_burst)

    def acquire(self, key: object) -> int:
        """0 when the request may go; else the seconds to wait before the next one will."""
        return self._throttle.hit(str(key))
