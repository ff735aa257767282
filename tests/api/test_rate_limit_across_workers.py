"""The partner API's rate limit holds across workers: the real API served by granian with 2 worker
processes counting in the real Redis lets a key through exactly its allowance, whichever worker answers."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from cjeune_app.core.db import session_scope
from cjeune_app.core.partners.api_keys import create_api_key
from tests.appserver import PROJECT_ROOT, free_port, reflex_environment
from tests.support.partner_world import build_partner_world
from tests.support.redis_server import REDIS_URL, redis_prefix  # noqa: F401 - fixture

BURST = 10  # the minute's allowance here; the 10-second burst is set out of the way


@pytest.fixture
def two_workers(db_url, tmp_path, redis_prefix):  # noqa: F811
    port = free_port()
    env = reflex_environment(tmp_path, db_url, {"CJEUNE_API_BURST": "1000", "CJEUNE_API_REQUESTS_PER_MINUTE": str(BURST),
                                                "CJEUNE_LIMITS_STORAGE_URL": REDIS_URL,
                                                "CJEUNE_LIMITS_KEY_PREFIX": redis_prefix})
    log = (tmp_path / "granian.log").open("wb")
    process = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "granian"), "--interface", "asgi", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "2", "tests.api.partner_api_app:app"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(Path(tmp_path / "granian.log").read_text())
        time.sleep(0.2)
    yield base
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_burst_is_counted_once_for_both_workers(session, two_workers):
    world = build_partner_world(session)
    with session_scope() as s:
        secret = create_api_key(s, world.sport)[1]
    headers = {"Authorization": f"Bearer {secret}"}
    statuses = []
    # A fresh connection each time, so that both workers answer; well within the minute's window,
    # even on a loaded machine (a 10-second window was not).
    for _ in range(2 * BURST + 5):
        with httpx.Client(timeout=30) as client:
            response = client.get(f"{two_workers}/api/v1/offers", headers=headers)
            statuses.append(response.status_code)
    assert statuses.count(200) == BURST, statuses
    assert set(statuses) == {200, 429}
