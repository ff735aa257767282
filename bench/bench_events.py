"""Server CPU per screen event and state bytes per session, measured by replaying Reflex's socket.io
events (the frames the browser sends) against running servers, the blank Reflex app first as reference.

    python bench/bench_events.py --app http://127.0.0.1:3017 --blank http://127.0.0.1:3018 \
        --redis redis://127.0.0.1:6379/6 --blank-redis redis://127.0.0.1:6379/5 [--events 300]

Start the servers with REFLEX_REDIS_URL (state bytes are read from Redis): `make run-scale WORKERS=1` for
the app, bench/blank_app for the reference, in one process as the app measured (`cd bench/blank_app &&
GRANIAN_WORKERS=1 REFLEX_REDIS_URL=redis://127.0.0.1:6379/5 reflex run --env prod --backend-only
--backend-port 3018`; without GRANIAN_WORKERS=1 Reflex starts one per core plus one, and their CPU adds
up). CPU is read from /proc for every process listening for the port's `reflex run` (user + system
time), before a run of events sent one at a time from one session and once the server is idle after it.
Printed only; never asserted.

Reflex marks no end of an event's answer (a delta may be followed by a frame of events for the browser):
one cycle of the script, each event read until a quiet time, tells how many frames each answers with, and
the timed events wait for that many. Reflex sends nothing for an event that changed nothing (a dashboard
opened again, unchanged): such events are sent without waiting (the server runs a session's events in
order) and not timed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import redis
import websockets

ROOT = "reflex___state____state"
QUIET_AFTER = 0.5  # seconds without any frame after which an event's answer is taken as complete
ANSWER_LIMIT = 10.0  # seconds an event known to answer may take before the run stops


class Session:
    """One browser tab: a socket.io connection to /_event with its own token."""

    def __init__(self, base: str, path: str, cookie: str = "") -> None:
        self.base, self.path, self.token, self.cookie = base, path, str(uuid.uuid4()), cookie
        self.ws = None
        self.last_state: dict = {}  # the last delta received, by state name

    async def open(self) -> None:
        url = urlsplit(self.base)
        self.ws = await websockets.connect(
            f"ws://{url.netloc}/_event/?EIO=4&transport=websocket&token={self.token}",
            origin=f"{url.scheme}://{url.netloc}", max_size=None,
            additional_headers={"Cookie": self.cookie} if self.cookie else None)
        json.loads((await self.ws.recv())[1:])  # engine.io OPEN
        boot = self.event(f"{ROOT}.hydrate_and_load", {})
        await self.ws.send("40/_event," + json.dumps({"event": boot}))
        await self.answer()  # the hydration, then the page's on_load

    def event(self, name: str, payload: dict, as_path: str = "") -> dict:
        return {"name": name, "payload": payload,
                "router_data": {"pathname": self.path, "asPath": as_path or self.path}}

    async def send(self, name: str, payload: dict, as_path: str = "", frames: int | None = None) -> tuple[int, int]:
        """Sends one event (`as_path`: the address with its query, after a navigation) and reads its
        answer (see `answer`)."""
        await self.post(name, payload, as_path)
        return await self.answer(frames)

    async def post(self, name: str, payload: dict, as_path: str = "") -> None:
        """Sends one event without waiting for its answer."""
        await self.ws.send("42/_event," + json.dumps(["event", self.event(name, payload, as_path)]))

    async def answer(self, frames: int | None = None) -> tuple[int, int]:
        """The frames of an event's answer and their bytes. Reflex marks no end of an event (a delta
        may be followed by events for the browser, in a frame of their own): `frames` of them when
        known, else all those that come before QUIET_AFTER seconds without any."""
        count = size = 0
        while frames is None or count < frames:
            try:
                frame = await asyncio.wait_for(self.ws.recv(), QUIET_AFTER if frames is None else ANSWER_LIMIT)
            except TimeoutError:
                if frames is None:
                    return count, size
                raise
            if frame == "2":  # engine.io ping
                await self.ws.send("3")
                continue
            if not frame.startswith("42/_event,"):
                continue
            count, size = count + 1, size + len(frame)
            kind, update = json.loads(frame[len("42/_event,"):])[:2]
            if kind == "event":
                for name, values in (update.get("delta") or {}).items():
                    self.last_state.setdefault(name, {}).update(values)
        return count, size

    async def close(self) -> None:
        await self.ws.close()


def server_pids(port: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if ("reflex run" in cmdline and (f"--frontend-port {port}" in cmdline or
                                             f"--backend-port {port}" in cmdline)) or \
                    ("cjeune serve" in cmdline and f"--port {port}" in cmdline):  # make run-scale
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


async def cpu_once_idle(pids: list[int], settle: float = 0.5, limit: float = 30.0) -> float:
    """The servers' CPU seconds once they stopped using any for `settle` seconds."""
    cpu, started = cpu_seconds(pids), time.perf_counter()
    while time.perf_counter() - started < limit:
        await asyncio.sleep(settle)
        now = cpu_seconds(pids)
        if now == cpu:
            return now
        cpu = now
    return cpu


def state_bytes(redis_url: str, token: str) -> tuple[int, int]:
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{token}*"))
    size = sum(client.strlen(key) for key in keys)
    client.close()
    return size, len(keys)


async def measure(label: str, base: str, path: str, redis_url: str, script: list[tuple[str, dict]],
                  events: int, cookie: str = "", opening: list[tuple[str, dict]] = ()) -> dict:
    port = urlsplit(base).port
    pids = server_pids(port)
    session = Session(base, path, cookie)
    await session.open()
    for name, payload, *path in opening:  # the page's on_load, as the browser sends it after hydration
        await session.send(name, payload, *path)
    for name, payload, *path in script[:3]:  # warm up
        await session.send(name, payload, *path)
    # One cycle read to its end tells how many frames each event of the script answers with.
    frames = [(await session.send(name, payload, *path))[0] for name, payload, *path in script]
    times, received, silent = [], 0, 0
    cpu_before, wall = cpu_seconds(pids), time.perf_counter()
    for i in range(events):
        name, payload, *path = script[i % len(script)]
        if not frames[i % len(script)]:
            # Changes nothing once warm, so the server answers nothing: sent without waiting (the
            # server runs a session's events one after the other); no round trip to time.
            await session.post(name, payload, *path)
            silent += 1
            continue
        started = time.perf_counter()
        received += (await session.send(name, payload, *path, frames=frames[i % len(script)]))[1]
        times.append(time.perf_counter() - started)
    answered = time.perf_counter() - wall
    # Read once the server is idle: every event sent has run, the silent ones too.
    cpu = await cpu_once_idle(pids) - cpu_before
    wall = answered if times else time.perf_counter() - wall
    times = times or [float("nan")]
    size, entries = state_bytes(redis_url, session.token) if redis_url else (0, 0)
    await session.close()
    times.sort()
    row = dict(label=label, cpu_ms=1000 * cpu / events, p50=1000 * statistics.median(times),
               p95=1000 * times[int(0.95 * len(times)) - 1], events_s=events / wall,
               update_bytes=received / events, state_bytes=size, state_entries=entries, silent=silent)
    print(f"{label:38} CPU/event {row['cpu_ms']:5.2f} ms  p50 {row['p50']:6.2f} ms  p95 {row['p95']:6.2f} ms  "
          f"{row['events_s']:6.0f} ev/s  update {row['update_bytes']:7.0f} B  state {size:6d} B in {entries} entries"
          + (f"  ({silent} events changed nothing: no update sent, not timed)" if silent else ""), flush=True)
    return row


def search_scripts() -> dict[str, tuple[str, list[tuple[str, dict]]]]:
    from cjeune_app import routes
    from cjeune_app.ui.pages.partners_search import SearchState

    search = SearchState.get_full_name()
    words = ["j", "ju", "jud", "judo", "", "t", "th", "théâ", "théâtre", ""]
    filters = [("category", "categorie", c) for c in ("sport", "culture", "")] + [
        ("envelope", "enveloppe", e) for e in ("soutien_scolaire", "")]
    # A filter is a navigation: set_filter answers with the new address, which the browser then loads
    # (the page's on_load, `load`, searches): both events, as the browser sends them.
    changes = []
    for name, url_name, value in filters:
        address = routes.PARTNERS_SEARCH + (f"?{url_name}={value}" if value else "")
        changes += [(f"{search}.set_filter", {"name": name, "value": value}), (f"{search}.load", {}, address)]
    return {
        "search typing (set_q)": (routes.PARTNERS_SEARCH, [(f"{search}.set_q", {"value": w}) for w in words]),
        "filter change (set_filter + load)": (routes.PARTNERS_SEARCH, changes),
    }


def signed_in_family(db_url: str) -> str:
    """A new pupil of the first school, signed in (a session opened through core as a sign-in would):
    the Cookie header of its websocket."""
    import datetime as dt

    from sqlmodel import Session as DbSession
    from sqlmodel import select

    from cjeune_app.core.accounts.pupils import create_pupil_with_account
    from cjeune_app.core.accounts.sessions import open_session
    from cjeune_app.core.accounts.web import cookie_name
    from cjeune_app.core.db import engine_for
    from cjeune_app.core.establishments.models import Establishment

    with DbSession(engine_for(db_url), expire_on_commit=False) as db:
        school = db.exec(select(Establishment).order_by(Establishment.id)).first()
        pupil, account, _ = create_pupil_with_account(db, school, "Banc", f"Essai{uuid.uuid4().hex[:6]}",
                                                      dt.date(2013, 5, 4), "5e B")
        account.must_change_password = False
        db.add(account)
        token = open_session(db, account, remember=True)
        db.commit()
    return f"{cookie_name(True)}={token}"


def family_scripts(db_url: str) -> dict[str, tuple[str, list, list]]:
    from cjeune_app import routes
    from cjeune_app.ui.pages.card_association import CardAssociationState
    from cjeune_app.ui.pages.dashboard import DashboardState
    from cjeune_app.ui.pages.enrollment_state import EnrollmentState

    stepper, dashboard, card = (EnrollmentState.get_full_name(), DashboardState.get_full_name(),
                                CardAssociationState.get_full_name())
    step_one = {"guardian_last_name": "Martin", "guardian_first_name": "Nadia"}
    return {
        "stepper Suivant/Précédent": (routes.ENROLLMENT, [(f"{stepper}.open_page", {}), (f"{stepper}.start", {})],
                                      [(f"{stepper}.next_step", {"form": step_one}),
                                       (f"{stepper}.previous_step", {})]),
        "stepper typing (set_text)": (routes.ENROLLMENT, [(f"{stepper}.open_page", {})],
                                      [(f"{stepper}.set_text", {"name": "guardian_last_name", "value": w})
                                       for w in ("M", "Ma", "Mar", "Mart")]),
        "dashboard opening (open_page)": (routes.DASHBOARD, [], [(f"{dashboard}.open_page", {})]),
        "card association (steps, number)": (routes.CARD_ASSOCIATION, [(f"{card}.open_page", {})],
                                             [(f"{card}.next_step", {}),
                                              (f"{card}.type_number", {"typed": "4970 1234 5678"}),
                                              (f"{card}.leave_number", {"_value": ""}),
                                              (f"{card}.previous_step", {})]),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", default="http://127.0.0.1:3017")
    parser.add_argument("--blank", default="")
    parser.add_argument("--redis", default="")
    parser.add_argument("--blank-redis", default="")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=1, help="every kind measured this many times (medians)")
    parser.add_argument("--db", default="", help="the app's database: adds the signed-in family's events")
    parser.add_argument("--only", default="", help="only the kinds whose label contains this text")
    args = parser.parse_args()
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    from_blank = [(f"{ROOT}.blank___blank____blank_state.set_q", {"value": w}) for w in ("a", "ab", "abc", "")]
    kinds = [(label, path, [], script, "") for label, (path, script) in search_scripts().items()]
    if args.db:
        kinds += [(label, path, opening, script, signed_in_family(args.db))
                  for label, (path, opening, script) in family_scripts(args.db).items()]
    kinds = [kind for kind in kinds if args.only in kind[0]]
    ratios: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for label, path, opening, script, cookie in kinds:
            # The blank app just before each kind: the machine is shared and its load moves.
            blank = (await measure("  blank Reflex app (set_q)", args.blank, "/", args.blank_redis, from_blank,
                                   args.events)) if args.blank else None
            row = await measure(label, args.app, path, args.redis, script, args.events, cookie, opening)
            if blank:
                ratios.setdefault(label, []).append((row["cpu_ms"], blank["cpu_ms"]))
    print(f"median of {args.rounds} round(s):")
    for label, pairs in ratios.items():
        cpu, blank_cpu = statistics.median(c for c, _ in pairs), statistics.median(b for _, b in pairs)
        ratio = statistics.median(c / b for c, b in pairs)
        print(f"{label:38} {cpu:5.2f} ms = {ratio:.1f} × the blank app's {blank_cpu:.2f} ms per event")
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    asyncio.run(main())
