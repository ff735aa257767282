"""Load test over the websocket: simulated visitors of /partenaires, each paced like a person (1–4 s
between actions), typing searches and changing filters; optionally one worker killed mid-run, after
which its sessions reconnect (same token) to another worker and must find their state in Redis.

    make run-scale WORKERS=2 PORT=3017     # then, in another terminal:
    python bench/load_search.py --url http://127.0.0.1:3017 --visitors 100 --actions 8 --kill-worker-after 10

Prints per event kind p50/p95/p99 and errors, events/s, server CPU per event (from /proc) and the
load average. Bounded: every visitor does `--actions` actions then stops; 127.0.0.1 only.
`make run-scale` serves with `cjeune serve`, whose supervisor respawns a killed worker; the whole family
journey (sign-in, stepper, photo, card, dashboard) with database checks is bench/load_families.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from bench_events import Session, cpu_seconds, server_pids

WORDS = ["judo", "théâtre", "musique", "soutien", "danse", "piscine", "foot", "cinéma", "maths", "escalade"]
FILTERS = [("category", "sport"), ("category", "culture"), ("category", ""), ("envelope", "soutien_scolaire"),
           ("envelope", "")]


class Visitor:
    def __init__(self, base: str, number: int, stats, search_state: str) -> None:
        self.session = Session(base, "/partenaires")
        self.number, self.stats, self.search = number, stats, search_state
        self.query = ""
        self.rng = random.Random(number)

    async def timed(self, kind: str, name: str, payload: dict) -> None:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(self.session.send(name, payload), 30)
            self.stats[kind].append(time.perf_counter() - started)
        except Exception:  # noqa: BLE001 - a lost worker: reconnect with the same token
            self.stats[f"{kind} errors"].append(1)
            await self.reconnect()

    async def reconnect(self) -> None:
        for _attempt in range(20):
            try:
                self.session.last_state = {}  # what the server sends back, not what we remember
                await self.session.open()
                state = await self.hydrated_query()
                self.stats["reconnections"].append(1)
                if state != self.query:
                    self.stats["state lost after reconnection"].append(1)
                return
            except Exception:  # noqa: BLE001 - the socket may still be closing
                await asyncio.sleep(0.5)
        self.stats["reconnection failures"].append(1)

    async def hydrated_query(self) -> str | None:
        """The search text the server kept for this token (sent back with the reconnection's hydrate)."""
        return self.session.last_state.get(self.search, {}).get("q_rx_state_")

    async def run(self, actions: int, pause: tuple[float, float]) -> None:
        await self.session.open()
        for _ in range(actions):
            await asyncio.sleep(self.rng.uniform(*pause))
            if self.rng.random() < 0.7:
                word = self.rng.choice(WORDS)
                for end in range(3, len(word) + 1, 2):  # typed, debounced a few times
                    self.query = word[:end]
                    await self.timed("search (set_q)", f"{self.search}.set_q", {"value": self.query})
            else:
                name, value = self.rng.choice(FILTERS)
                await self.timed("filter (set_filter)", f"{self.search}.set_filter", {"name": name, "value": value})
        await self.session.close()


def worker_pids(port: int) -> list[int]:
    """The backend worker processes (children of the reflex supervisor) serving `port`."""
    pids = server_pids(port)
    parents = {pid: int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) for pid in pids}
    return [pid for pid, parent in parents.items() if parent in pids]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:3017")
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--actions", type=int, default=8)
    parser.add_argument("--pause", type=float, nargs=2, default=(1.0, 4.0))
    parser.add_argument("--kill-worker-after", type=float, default=0)
    args = parser.parse_args()
    assert urlsplit(args.url).hostname in {"127.0.0.1", "localhost"}, "127.0.0.1 only"
    from cjeune_app.ui.pages.partners_search import SearchState

    search = SearchState.get_full_name()
    port = urlsplit(args.url).port
    stats: dict[str, list[float]] = defaultdict(list)
    pids = server_pids(port)
    print(f"{args.visitors} visitors × {args.actions} actions, pause {args.pause} s; "
          f"load average {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
    cpu_start = {pid: cpu_seconds([pid]) for pid in pids}
    killed_cpu, started = 0.0, time.perf_counter()
    visitors = [Visitor(args.url, n, stats, search) for n in range(args.visitors)]
    tasks = [asyncio.create_task(v.run(args.actions, tuple(args.pause))) for v in visitors]
    if args.kill_worker_after:
        await asyncio.sleep(args.kill_worker_after)
        workers = worker_pids(port)
        if len(workers) > 1:
            victim = workers[0]
            killed_cpu = cpu_seconds([victim]) - cpu_start.pop(victim)  # its CPU until its death stays counted
            os.kill(victim, signal.SIGKILL)
            print(f"killed worker {victim} at {args.kill_worker_after:.0f} s", flush=True)
        else:
            print("only one worker: none killed", flush=True)
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    cpu = killed_cpu + sum(cpu_seconds([pid]) - before for pid, before in cpu_start.items()
                           if Path(f"/proc/{pid}").exists())
    events = sum(len(v) for k, v in stats.items() if not k.endswith("errors") and " " in k and "(" in k)
    print(f"{'event kind':24} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for kind in sorted(k for k in stats if "(" in k and not k.endswith("errors")):
        times = sorted(stats[kind])
        q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        print(f"{kind:24} {len(times):6d} {1000 * q[49]:8.1f} {1000 * q[94]:8.1f} {1000 * q[98]:8.1f} "
              f"{len(stats.get(kind + ' errors', [])):6d}")
    for name in ("reconnections", "reconnection failures", "state lost after reconnection"):
        print(f"{name}: {len(stats.get(name, []))}")
    print(f"events/s {events / wall:.1f} over {wall:.0f} s; server CPU per event {1000 * cpu / max(events, 1):.2f} ms "
          f"(a respawned worker not counted); load average "
          f"{Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    asyncio.run(main())
