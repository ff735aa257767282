"""Sessions survive the death of the worker that held their websocket (several workers, state in Redis).

Reflex records in Redis which worker holds each tab's socket (`token_manager_socket_record_<token>`,
kept for an hour) and, when a tab connects with a token that such a record names, takes it for a
duplicated tab and hands it a NEW token: a fresh, empty state. A worker killed by the system (out of
memory, kill -9) deletes none of its records, so every family it served would reconnect to another
worker and lose its session: signed out, the stepper back at step 1.

Here each worker says it is alive (a Redis key with a short expiry, renewed every second), and a tab
that connects with a token held by another worker keeps its token when that worker is dead, or when
it lets the socket go within a few seconds (a reconnection racing the old socket's close). Only a
token still held by a live worker after that wait is a duplicated tab, as in Reflex.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from reflex.utils.token_manager import RedisTokenManager

from cjeune_app.core.telemetry import log

ALIVE_PREFIX = "cjeune_worker_alive_"
ALIVE_TTL_MS = 3000  # a killed worker is known dead at most this long after its last beat
BEAT_S = 1.0
POLL_S = 0.2


class HandoverTokenManager(RedisTokenManager):
    """Reflex's Redis token manager, which lets a tab take back its token from a dead worker."""

    def alive_key(self, instance_id: str) -> str:
        return f"{ALIVE_PREFIX}{instance_id}"

    async def beat(self) -> None:
        await self.redis.set(self.alive_key(self.instance_id), b"1", px=ALIVE_TTL_MS)

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        record_key = self._get_redis_key(token)
        with contextlib.suppress(Exception):  # Redis unreachable: Reflex's own handling follows
            await self.beat()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + ALIVE_TTL_MS / 1000 + 0.5
            while loop.time() < deadline:
                record = await self._fetch_socket_record(token)
                if record is None or record.instance_id == self.instance_id:
                    break  # nobody else holds it (or a reconnection to this same worker)
                if not await self.redis.exists(self.alive_key(record.instance_id)):
                    # Its worker died without letting go: the tab takes its token (and state) back.
                    await self.redis.delete(record_key)
                    self.token_to_socket.pop(token, None)
                    self.sid_to_token.pop(record.sid, None)
                    log.info("socket_taken_from_dead_worker", worker=record.instance_id[:8])
                    break
                await asyncio.sleep(POLL_S)
        return await super().link_token_to_sid(token, sid)


@contextlib.asynccontextmanager
async def keep_sessions_across_workers(app) -> AsyncIterator[None]:
    """Lifespan of every worker: installs the handover token manager, then beats while the worker lives."""
    namespace = app.event_namespace
    manager = getattr(namespace, "_token_manager", None) if namespace is not None else None
    if not isinstance(manager, RedisTokenManager):
        yield  # one process, state in memory: no other worker to hand over to
        return
    if not isinstance(manager, HandoverTokenManager):
        manager = HandoverTokenManager(manager.redis)
        namespace._token_manager = manager

    async def beat_forever() -> None:
        while True:
            with contextlib.suppress(Exception):
                await manager.beat()
            await asyncio.sleep(BEAT_S)

    beating = asyncio.create_task(beat_forever())
    try:
        yield
    finally:
        beating.cancel()
        with contextlib.suppress(Exception):  # a worker stopped cleanly is dead at once
            await manager.redis.delete(manager.alive_key(manager.instance_id))
