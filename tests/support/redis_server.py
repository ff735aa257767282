"""The real Redis on 127.0.0.1:6379 for tests of what workers share, each test under its own key prefix
(removed afterwards). Without a server the test is skipped with the reason, except in CI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

REDIS_URL = "redis://127.0.0.1:6379/0"


def _client():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    client = _client()
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 - any connection failure means "no server here"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Redis tests: {error}")
        pytest.skip(f"no Redis on 127.0.0.1:6379 ({error})")
    prefix = f"cjeune-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()
