"""`cjeune serve`: Reflex's production server whose supervisor respawns a worker that dies.

`reflex run --env prod` builds the pages and starts granian with N worker processes, but without
granian's `respawn_failed_workers`: one worker killed (out of memory, kill -9) and the whole server
stops. Reflex builds granian's server in code (no command-line option reaches it), so its class is
given that option here before `reflex run` starts; everything else is `reflex run` unchanged (build
lock, frontend build, workers forked from a preloaded app).
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

RESPAWN_INTERVAL_S = 0.5  # granian's pause between starting the new worker and stopping the old one


def respawn_failed_workers() -> None:
    import granian.server

    base = granian.server.Server
    if getattr(base, "respawns_failed_workers", False):
        return

    class RespawningServer(base):  # type: ignore[valid-type,misc]
        respawns_failed_workers = True

        def __init__(self, *args, **kwargs) -> None:
            kwargs.setdefault("respawn_failed_workers", True)
            kwargs.setdefault("respawn_interval", RESPAWN_INTERVAL_S)
            super().__init__(*args, **kwargs)

    granian.server.Server = RespawningServer  # type: ignore[misc]


# Objects allocated between two collections of the youngest generation (Python's default: 700).
GC_YOUNG_THRESHOLD = 10_000


def tune_garbage_collector() -> None:
    """Lifespan of every worker: the garbage collector tuned for a server's latency.

    The young generation is collected every 10 000 allocations instead of 700, so that full
    collections, which stop every event in flight, come rarely; what the start made (the modules, the
    app) is moved out of the collector's reach. In a run of bench/load_families.py (500 families, one
    worker) there were 16 full collections, up to 218 ms each (1 931 young, 175 middle); the freeze
    alone left 16 of up to 192 ms (they go through what the run created); with the threshold, none in
    the run (66 young of 11 ms on average, 5 middle of at most 99 ms)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)


def serve(*, workers: int, port: int, host: str, backend_only: bool) -> None:
    from reflex.reflex import cli as reflex_cli

    project = Path(__file__).resolve().parents[1]
    if (project / "rxconfig.py").exists():
        os.chdir(project)
    os.environ["GRANIAN_WORKERS"] = str(workers)
    respawn_failed_workers()
    where = (["--backend-only", "--backend-port", str(port)] if backend_only
             else ["--single-port", "--frontend-port", str(port)])
    reflex_cli.main(args=["run", "--env", "prod", "--backend-host", host, *where], prog_name="reflex")
