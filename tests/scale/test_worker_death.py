"""`cjeune serve --workers 2` on PostgreSQL + Redis: one worker killed (kill -9), the server still
answers, a new worker takes its place, and the tabs it held reconnect to the other worker with their
token and their state (the handover of ui.worker_handover). A database and a redis-server of its own."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import uuid

import httpx
import pytest

from cjeune_app import routes
from cjeune_app.ui.pages.partners_search import SearchState
from tests.appserver import PROJECT_ROOT, free_port, reflex_environment
from tests.conftest import _create_postgres_database, _drop_postgres_database
from tests.support.event_socket import EventSocket, children, process_holding
from tests.support.redis_server import private_redis

pytestmark = pytest.mark.postgres
SEARCH = SearchState.get_full_name()
WORDS = ["judo", "danse", "piscine", "musique", "escalade", "théâtre"]
METRICS_TOKEN = "jeton-de-supervision"


@pytest.fixture
def redis_url(tmp_path):
    with private_redis(tmp_path) as url:
        yield f"{url}/0"


@pytest.fixture
def scale_server(tmp_path, postgres_server, redis_url):
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
        [cjeune, "serve", "--workers", "2", "--port", str(port), "--host", "127.0.0.1", "--backend-only"],
        env={**env, "CJEUNE_MIGRATE_AT_START": "0"}, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not answers(base):
            assert process.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(0.5)
        while len(children(process.pid)) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        yield process, base, port
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


async def still_connected(tab: EventSocket, word: str) -> bool:
    try:
        await asyncio.wait_for(tab.send(f"{SEARCH}.set_q", {"value": word}), 5)
        return True
    except Exception:  # noqa: BLE001 - its worker died under it
        return False


async def reconnect(tab: EventSocket) -> None:
    """What the page's socket.io client does: connect again, same token, until a worker answers."""
    deadline = time.monotonic() + 40
    while True:
        tab.state = {}
        try:
            await tab.open()
            return
        except Exception:  # noqa: BLE001 - refused while the port has no live worker for a moment
            assert time.monotonic() < deadline, "the tab never got a worker back"
            await asyncio.sleep(0.3)


def test_a_killed_worker_loses_no_session(scale_server):
    process, base, port = scale_server
    workers_before = children(process.pid)

    async def scenario() -> None:
        tabs = [EventSocket(base, routes.PARTNERS_SEARCH) for _ in WORDS]
        words = {tab.token: f"{word} {uuid.uuid4().hex[:4]}" for tab, word in zip(tabs, WORDS, strict=True)}
        for tab in tabs:
            await tab.open()
            await tab.send(f"{SEARCH}.set_q", {"value": words[tab.token]})
            assert tab.state[SEARCH]["q_rx_state_"] == words[tab.token]
        holders = {tab.token: process_holding(workers_before, port, tab.ws.local_address[1]) for tab in tabs}
        assert set(holders.values()) <= set(workers_before) and None not in holders.values()
        victim = holders[tabs[0].token]
        await asyncio.sleep(1.5)  # between two events, as a family reading the screen
        os.kill(victim, signal.SIGKILL)

        for tab in tabs:
            if holders[tab.token] == victim:
                assert not await still_connected(tab, words[tab.token] + " club")
                await reconnect(tab)
                # Its token and its state: the search it had typed is still there (the state the
                # reconnection's hydrate sent back, before the page's load reads the address).
                assert tab.new_token is None
                assert tab.hydrated[SEARCH]["q_rx_state_"] == words[tab.token]
                assert await still_connected(tab, words[tab.token] + " club")
            else:
                assert await still_connected(tab, words[tab.token] + " club")
            assert tab.state[SEARCH]["q_rx_state_"] == words[tab.token] + " club"
        for tab in tabs:
            await tab.close()
        return victim

    victim = asyncio.run(scenario())
    assert answers(base)
    deadline = time.monotonic() + 30
    while True:  # granian's supervisor starts a new worker in its place
        workers = children(process.pid)
        if len(workers) == 2 and victim not in workers:
            break
        assert time.monotonic() < deadline, f"no new worker: {workers}"
        time.sleep(0.3)
    assert process.poll() is None


def test_metrics_count_and_time_each_kind_of_screen_event_over_every_worker(scale_server):
    _, base, _ = scale_server

    async def typing() -> None:
        tabs = [EventSocket(base, routes.PARTNERS_SEARCH) for _ in range(4)]  # spread over both workers
        for tab in tabs:
            await tab.open()
            for word in ("ju", "judo"):
                await tab.send(f"{SEARCH}.set_q", {"value": word})
            await tab.close()

    asyncio.run(typing())
    page = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10).text
    kind = 'kind="search_state.set_q"'
    counted = next(line for line in page.splitlines() if line.startswith("cjeune_events_total{") and kind in line)
    timed = next(line for line in page.splitlines()
                 if line.startswith("cjeune_event_seconds_count{") and kind in line)
    assert float(counted.rsplit(" ", 1)[1]) == float(timed.rsplit(" ", 1)[1]) == 8
