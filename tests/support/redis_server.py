"""The real Redis on 127.0.0.1:6379 for tests of what workers share, each test under its own key prefix
(removed afterwards). Without a server the test is skipped with the reason, except in CI.
`private_redis` starts a redis-server of a test's own (a server the app's processes fill at will)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REDIS_URL = "redis://127.0.0.1:6379/0"


@contextmanager
def private_redis(folder: Path) -> Iterator[str]:
    """A redis-server on a free port, nothing saved; its URL (without database number)."""
    import redis

    from tests.appserver import free_port

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server absent")
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--dir", str(folder)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


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
