"""A short read-only use case runs in the event loop's own thread when the database is SQLite.

On SQLite such a read waits for nothing: the database is a local file and, in WAL mode, a reader never
waits for the writer: handing it to a thread and back is CPU spent for nothing
(`bench/bench_events.py` on SQLite, one worker, alternated pairs of runs: search typing 6.47 against
7.10 ms of CPU per event, a filter change 3.78 against 4.55 ms). On PostgreSQL every statement waits
for the network, which would stall every session of the worker: the read keeps its thread there.
Writes keep theirs everywhere (on SQLite a writer may wait for the lock).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from cjeune_app.core.settings import uses_sqlite

T = TypeVar("T")


async def short_read(use_case: Callable[..., T], /, *args: Any) -> T:
    """`asyncio.to_thread` for a read-only use case of a few milliseconds (never a write)."""
    if uses_sqlite():
        return use_case(*args)
    return await asyncio.to_thread(use_case, *args)
