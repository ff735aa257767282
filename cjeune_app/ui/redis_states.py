"""Several workers keep the tabs' states in Redis: a worker keeps a tab's state, and its Redis lock, for a
moment after each event (Reflex's opportunistic lock), and still writes every change to Redis at once.

Without the hold, each event of a tab takes the lock, reads the tab's states from Redis, writes them
back and releases the lock: with 2 workers and 500 families (`bench/load_families.py --workers 2 --db
postgres`), that took 29 % of a worker's event loop (py-spy), and 8 kinds of event stayed above 100 ms
at p95 (4 to 8 with this module, in three runs). Reflex 0.10.1's hold skips the lock and the read for
the events that follow within the hold, but writes the state only when the hold ends: a worker killed
meanwhile would lose its tabs' last changes. Here each event's changes are written while the lock is
still held, so a tab that reconnects to another worker finds them; only the lock's round trips and the
read are saved. That write also shortens the lock's expiration, so that a killed worker's tabs wait
seconds for it, not Reflex's 30. Another worker asking for the lock ends the hold at once (Reflex's
contention notice).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import weakref
from collections.abc import AsyncIterator
from typing import Any

from reflex.istate.manager import StateManager
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken
from reflex_base.utils.exceptions import LockExpiredError

HOLD_MS = 2_000  # a page opening's events and the next quick actions; REFLEX_OPLOCK_HOLD_TIME overrides
# Between two events of a hold, the lock expires at least this long after the hold's end: a killed
# worker's tabs wait at most the hold and this for their state on another worker, not Reflex's lock
# expiration (30 s, for the slow events: a first sign-in under load). Longer than the event loop's
# delays under load, so that a live hold's lock does not expire before its end.
IDLE_LOCK_MARGIN_MS = 3_000

# The writes of an event, and the lock's shorter expiration, if the lock is still the hold's.
_WRITE_AND_SHORTEN = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
    return nil
end
for i = 2, #KEYS do
    redis.call('SET', KEYS[i], ARGV[i + 2], 'EX', ARGV[2])
end
return redis.call('PEXPIRE', KEYS[1], ARGV[3])
"""


@dataclasses.dataclass
class WriteThroughRedisStateManager(StateManagerRedis):
    """Reflex's Redis state manager with the opportunistic lock on, writing each event's changes."""

    _oplock_enabled: bool = dataclasses.field(default=True, init=False)
    # The Redis lock id of each hold (its lease task), to fence the writes made during it.
    _hold_lock_ids: weakref.WeakKeyDictionary[Any, bytes] = dataclasses.field(
        default_factory=weakref.WeakKeyDictionary, init=False
    )
    # The holds whose lock already has the short expiration.
    _shortened: weakref.WeakSet[Any] = dataclasses.field(default_factory=weakref.WeakSet, init=False)
    _extensions: set[asyncio.Task] = dataclasses.field(default_factory=set, init=False)

    async def _create_lease_break_task(self, token, lock_id, cleanup_ctx, **context):  # type: ignore[no-untyped-def,override]
        task = await super()._create_lease_break_task(token, lock_id, cleanup_ctx, **context)
        if task is not None:
            self._hold_lock_ids[task] = lock_id
        return task

    @contextlib.asynccontextmanager
    async def _get_state_cached(self, token) -> AsyncIterator[Any]:  # type: ignore[no-untyped-def,override]
        async with super()._get_state_cached(token) as cached_state:
            lease = self._local_leases.get(token.lock_key) if cached_state is not None else None
            lock_id = self._hold_lock_ids.get(lease) if isinstance(token, BaseStateToken) and lease else None
            if lock_id is None:
                yield cached_state
                return
            # A slow event (argon2 under load) gets the lock's full expiration back before the short
            # one runs out; a quick one costs no round trip for it.
            extension = asyncio.get_running_loop().call_later(
                IDLE_LOCK_MARGIN_MS / 2000, self._extend_lock_soon, token)
            try:
                yield cached_state
            finally:
                extension.cancel()
            # Still under the hold's local lock: the write cannot cross the hold's final flush.
            await self._write_changes(token, cached_state, lease, lock_id)

    def _extend_lock_soon(self, token: Any) -> None:
        task = asyncio.create_task(self._try_extend_lock(self._lock_key(token)))
        self._extensions.add(task)
        task.add_done_callback(self._extensions.discard)

    async def _write_changes(self, token: BaseStateToken, state: Any, lease: asyncio.Task, lock_id: bytes) -> None:
        changed = [s for s in _tree(state) if s._was_touched]
        if not changed and lease in self._shortened:
            return  # the expiration set by the hold's last write still outlasts the hold
        # As Reflex's `_collect_state_writes`, from the states already found (one walk of the tree).
        writes = [(token._state_key(type(s)), payload) for s in changed if (payload := s._serialize())]
        lock_key = self._lock_key(token)
        kept = await self.redis.eval(  # type: ignore[misc]
            _WRITE_AND_SHORTEN, 1 + len(writes), lock_key, *(key for key, _ in writes),
            lock_id, self.token_expiration, self.oplock_hold_time_ms + IDLE_LOCK_MARGIN_MS,
            *(payload for _, payload in writes))
        if not kept:
            raise LockExpiredError(f"Verrou perdu pendant l'événement de {token} : changements non écrits.")
        self._shortened.add(lease)
        for written in changed:
            written._was_touched = False  # the hold's final flush writes only what changes after this

    async def set_state(self, token, state, *, lock_id=None, **context):  # type: ignore[no-untyped-def,override]
        # Nothing changed (the hold's final flush, every change being written already): no round trip,
        # and no error if the lock expired just before it.
        if isinstance(token, BaseStateToken) and not any(s._was_touched for s in _tree(state)):
            return
        await super().set_state(token, state, lock_id=lock_id, **context)


def _tree(state: Any) -> list[Any]:
    states, stack = [], [state]
    while stack:
        current = stack.pop()
        states.append(current)
        stack.extend(current.substates.values())
    return states


def held_if_in_redis(manager: StateManager) -> StateManager:
    """The manager Reflex made, or ours in place of its Redis one (same settings)."""
    if type(manager) is not StateManagerRedis:
        return manager
    return WriteThroughRedisStateManager(
        redis=manager.redis,
        token_expiration=manager.token_expiration,
        lock_expiration=manager.lock_expiration,
        lock_warning_threshold=manager.lock_warning_threshold,
        oplock_hold_time_ms=manager.oplock_hold_time_ms or HOLD_MS,
    )
