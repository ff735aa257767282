"""The app served as at scale (PostgreSQL + Redis, `cjeune serve --workers N`), backend only: for the
tests that speak to its websocket directly (tests.support.event_socket). A database and a redis-server
of their own."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.appserver import PROJECT_ROOT, free_port, reflex_environment
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.support.event_socket import children
from tests.support.redis_server import private_redis

METRICS_TOKEN = "jeton-de-supervision"


@pytest.fixture
def redis_url(tmp_path):
    with private_redis(tmp_path) as url:
        yield f"{url}/0"


@contextlib.contextmanager
def serving(tmp_path: Path, postgres_server: str, redis_url: str, workers: int) -> Iterator[tuple]:
    """`cjeune serve --workers N --backend-only` on a new database: (process, base URL, port, database URL)."""
    name, db_url = _create_postgres_database(postgres_server)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = reflex_environment(tmp_path / "data", db_url, {
        "REFLEX_REDIS_URL": redis_url, "CJEUNE_PUBLIC_URL": base, "CJEUNE_LOG_LEVEL": "warning",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "NO_PROXY": "127.0.0.1,localhost",
        "CJEUNE_METRICS_TOKEN": METRICS_TOKEN})
    (tmp_path / "metrics").mkdir()
    cjeune = str(PROJECT_ROOT / ".venv" / "bin" / "cjeune")
    subprocess.run([cjeune, "migrate"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [cjeune, "serve", "--workers", str(workers), "--port", str(port), "--host", "127.0.0.1", "--backend-only"],
        env={**env, "CJEUNE_MIGRATE_AT_START": "0"}, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not answers(base):
            assert process.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(0.5)
        while len(children(process.pid)) < workers:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        yield process, base, port, db_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()
        _drop_postgres_database(postgres_server, name)


def answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/health", timeout=2).json() == {"status": "ok"}
    except (httpx.HTTPError, ValueError):
        return False


@pytest.fixture
def scale_server(tmp_path, postgres_server, redis_url):
    """Two workers: (process, base URL, port)."""
    with serving(tmp_path, postgres_server, redis_url, workers=2) as (process, base, port, _):
        yield process, base, port


@pytest.fixture
def one_worker(tmp_path, postgres_server, redis_url):
    """One worker: (base URL, database URL)."""
    with serving(tmp_path, postgres_server, redis_url, workers=1) as (_, base, _, db_url):
        yield base, db_url
