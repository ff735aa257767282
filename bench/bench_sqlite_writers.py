"""SQLite's writers in one process: how long a short writing transaction takes from asking to commit
when threads write at once, with the app's queue of writers (`core.db._WriterQueue`) and without it
(SQLite's own busy handler: a writer that finds the lock taken sleeps 1, 2, 5... then 100 ms between
tries). Both runs in one invocation, alternated, on fresh database files.

    .venv/bin/python bench/bench_sqlite_writers.py [--threads 8] [--writes 60] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cjeune_app.core import db  # noqa: E402


def run(threads: int, writes: int, queued: bool) -> tuple[list[float], float]:
    url = "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="cjeune-writers-"), "writers.db")
    engine = db.engine_for(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
        connection.exec_driver_sql("INSERT INTO counter (n) VALUES (0)")
    original = db._WriterQueue.enter
    if not queued:  # SQLite's busy handler alone
        db._WriterQueue.enter = lambda self, info: None  # type: ignore[method-assign]
    latencies: list[float] = []

    def writer(number: int) -> None:
        rng = random.Random(number)
        for _ in range(writes):
            time.sleep(rng.uniform(0, 0.02))  # a family's pause, shortened
            started = time.perf_counter()
            with db.Session(engine) as session, session.begin():
                session.execute(sa.text("SELECT n FROM counter WHERE id = 1")).all()
                session.execute(sa.text("UPDATE counter SET n = n + 1 WHERE id = 1"))
                work = sum(range(20_000))  # some Python inside the transaction, as an ORM's
                session.execute(sa.text("INSERT INTO counter (n) VALUES (:n)"), {"n": work})
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    wall = time.perf_counter() - started
    db._WriterQueue.enter = original  # type: ignore[method-assign]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT n FROM counter WHERE id = 1").scalar() == threads * writes
    engine.dispose()
    return sorted(latencies), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--writes", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    assert args.threads * args.writes <= 20_000
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(f"{args.threads} threads × {args.writes} writing transactions; milliseconds from asking to commit")
    for round_number in range(1, args.rounds + 1):
        for queued in (True, False):
            lat, wall = run(args.threads, args.writes, queued)
            p50, p95, p99 = (lat[min(len(lat) - 1, int(len(lat) * q))] for q in (0.5, 0.95, 0.99))
            print(f"round {round_number} {'queue of writers' if queued else 'busy handler only':18} "
                  f"p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f}  max {lat[-1]:6.1f}  wall {wall:.2f} s")
    print(f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
