"""Several workers, states in Redis: a worker holds a tab's state between its events (the opportunistic
lock), yet every change is in Redis as soon as its event ends, so that another worker (the tab
reconnected after a crash, or a new event routed there) reads it. A redis-server of the test's own."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken

from cjeune_app.cjeune_app import app  # noqa: F401 - the app's states, as a worker has them
from cjeune_app.ui.pages.partners_search import SearchState
from cjeune_app.ui.redis_states import IDLE_LOCK_MARGIN_MS, WriteThroughRedisStateManager, held_if_in_redis
from tests.support.redis_server import private_redis

HOLD_MS = 5_000


@pytest.fixture
def redis_url(tmp_path):
    with private_redis(tmp_path) as url:
        yield f"{url}/0"


async def worker(redis_url: str) -> StateManagerRedis:
    """A running worker's manager, made as the app makes it from Reflex's, listening to the lock's news."""
    manager = held_if_in_redis(StateManagerRedis(redis=Redis.from_url(redis_url), oplock_hold_time_ms=HOLD_MS))
    await manager._ensure_lock_task_subscribed()
    return manager


async def typed(manager: StateManagerRedis, token: BaseStateToken, words: str) -> None:
    async with manager.modify_state(token) as root:
        (await root.get_state(SearchState)).q = words


async def stored_search(redis_url: str, token: BaseStateToken) -> str:
    """What another process reads in Redis, without waiting for any lock."""
    reader = StateManagerRedis(redis=Redis.from_url(redis_url))
    root = await reader.get_state(token)
    await reader.close()
    return root.get_substate(SearchState.get_full_name().split(".")).q


def test_the_app_holds_states_in_redis_with_reflexs_settings(redis_url):
    reflexs = StateManagerRedis(redis=Redis.from_url(redis_url), lock_expiration=30_000, token_expiration=3600)
    ours = held_if_in_redis(reflexs)
    assert isinstance(ours, WriteThroughRedisStateManager) and ours._oplock_enabled
    assert (ours.redis, ours.lock_expiration, ours.token_expiration) == (reflexs.redis, 30_000, 3600)


def test_each_change_is_in_redis_while_the_worker_still_holds_the_tab(redis_url):
    token = BaseStateToken(ident=str(uuid.uuid4()), cls=SearchState)

    async def scenario() -> None:
        first = await worker(redis_url)
        await typed(first, token, "judo")
        assert token.lock_key in first._local_leases  # held: the next events skip Redis's lock and read
        assert await stored_search(redis_url, token) == "judo"
        await typed(first, token, "judo club")
        assert token.lock_key in first._local_leases
        assert await stored_search(redis_url, token) == "judo club"
        # Were this worker killed now, its lock would not keep the tab waiting Reflex's 30 s.
        lock_ttl_ms = await first.redis.pttl(first._lock_key(token))
        assert 0 < lock_ttl_ms <= HOLD_MS + IDLE_LOCK_MARGIN_MS

        # Another worker asking for the tab ends the hold and gets the tab with its changes.
        second = await worker(redis_url)
        await asyncio.wait_for(typed(second, token, "judo club marseille"), timeout=HOLD_MS / 1000)
        assert token.lock_key not in first._local_leases
        assert await stored_search(redis_url, token) == "judo club marseille"
        for manager in (first, second):
            await manager.close()

    asyncio.run(scenario())
