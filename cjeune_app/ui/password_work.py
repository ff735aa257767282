"""Events that verify or hash a password run its argon2 work on threads of their own.

argon2 holds a core for about 10 ms per password (`core.accounts.passwords`) and releases the GIL. On
the pool shared by every `asyncio.to_thread` (cores + 4 threads), a burst of sign-ins at the rentrée
took every thread: the page openings' and the stepper's database calls waited behind them. Here
sign-ins wait for each other only, at most one per core at once.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_ARGON2 = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="argon2")


async def hashing_thread(function: Callable[..., T], /, *args: Any) -> T:
    """`asyncio.to_thread` for a use case that verifies or hashes a password."""
    return await asyncio.get_running_loop().run_in_executor(_ARGON2, functools.partial(function, *args))
