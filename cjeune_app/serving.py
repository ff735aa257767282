"""`cjeune serve`: Reflex's production server whose supervisor respawns a worker that dies.

`reflex run --env prod` builds the pages and starts granian with N worker processes, but without
granian's `respawn_failed_workers`: one worker killed (out of memory, kill -9) and the whole server
stops. Reflex builds granian's server in code (no command-line option reaches it), so its class is
given that option here before `reflex run` starts; everything else is `reflex run` unchanged (build
lock, frontend build, workers forked from a preloaded app).
"""

from __future__ import annotations

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
