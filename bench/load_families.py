"""The family-journey load test: simulated families, each doing over the websocket what a parent's phone
does at the rentrée, against a server this script starts (`cjeune serve`) on a database of its own.

    python bench/load_families.py --families 50                                  # SQLite, 1 worker
    python bench/load_families.py --families 50 --workers 2 --db postgres        # PostgreSQL + Redis
    python bench/load_families.py --families 50 --workers 2 --db postgres --kill-worker-after 20
    python bench/load_families.py --families 200 --no-pause
    python bench/load_families.py --families 200 --no-pause --workers 1,2 --db postgres   # events/s compared

Each family: the pupil's first sign-in (identifier, temporary password, new password, "Rester
connecté ? Non", the ticket exchanged for the session cookie over HTTP, whose answer loads the
dashboard), the enrollment stepper ("Commencer", step 1 and "Suivant", step 2 with its town and
"Suivant", the photo sent to the upload route the page uses and "Suivant", the attestation and
"Terminer"), the dashboard, "Associer une carte" with a card of a batch issued for the run, which sends
it back to the dashboard, a few searches. A pause of 1–4 s between actions (none with `--no-pause`).
The sign-in page and the dashboard after the cookie are page loads (a new websocket with the same tab
token, the compiled state's hashes); the other pages are reached as in the browser, by the site's links
and redirects: a navigation over the same socket (`on_load_internal`); `--page-loads` opens every page
with a page load instead, as if its address were typed. The pupils
(with temporary passwords) and the cards are created by this script through core before the server
starts; the X-Forwarded-For of each family is its own address (the server trusts 127.0.0.1 as proxy),
as families sign in from their own homes.

A family whose socket breaks (a killed worker) reconnects with its token and cookie and goes on from
what the server's state says (the step it is at); a lost session or state is counted.

Prints per event kind p50/p95/p99 and errors, events/s, server CPU per event (from /proc, every
process of the server; a killed worker's CPU until its death is counted) and the load average; then
checks in the database that each family that finished has exactly one completed enrollment and one
active card, and the ledger's and cards' invariants (core.cards.invariants). Then the blank Reflex app
(bench/blank_app) gets the same load (as many visitors, as many events each, the same pace, workers and
Redis) and the ratios are printed (`--no-reference` skips it). 127.0.0.1 only; bounded.

Limits of this client: Reflex marks no end of an event, so an action is over when its first update has
come and nothing followed within 50 ms, and, for the stepper's actions, once the change it makes (the
next step, the photo seen, the town chosen...) or a refusal has come. On a saturated server (no pause,
load average far above the cores) a late update of another action can still be read as an answer, and
the family stops on a refusal it caused itself: such stops are printed, not hidden. A reconnection to
the sign-in page re-runs its load, as in a browser; the sign-in under way goes on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cjeune_app.serving import tune_garbage_collector  # noqa: E402
from tests.appserver import free_port  # noqa: E402
from tests.support.event_socket import live_parents  # noqa: E402

ROOT_STATE = "reflex___state____state"
ON_LOAD = f"{ROOT_STATE}.reflex___state____on_load_internal_state.on_load_internal"
NEW_PASSWORD = "Calanques13!"
WORDS = ["judo", "théâtre", "musique", "soutien", "danse", "piscine", "foot", "cinéma"]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def process_tree(pid: int) -> list[int]:
    parents = live_parents()
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU of every process of the server, including workers that die or are born during the run."""

    def __init__(self, supervisor: int) -> None:
        self.supervisor = supervisor
        self.start: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self) -> None:
        for pid in process_tree(self.supervisor):
            value = cpu_seconds(pid)
            self.start.setdefault(pid, value)
            self.last[pid] = max(value, self.last.get(pid, 0.0))

    def used(self) -> float:
        return sum(self.last[pid] - self.start[pid] for pid in self.last)

    def shares(self) -> str:
        """Each process's CPU seconds (the supervisor first): an imbalance between workers shows here."""
        return ", ".join(f"{pid} {self.last[pid] - self.start[pid]:.1f} s" for pid in self.last)


# --- the server and its data ----------------------------------------------------------------------


def stop_group(process: subprocess.Popen | None) -> None:
    """A server started in a session of its own, and every process it started."""
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)



class Server:
    def __init__(self, args, work: Path, workers: int) -> None:
        self.args, self.work, self.port, self.worker_count = args, work, free_port(), workers
        self.base = f"http://127.0.0.1:{self.port}"
        self.redis_process: subprocess.Popen | None = None
        self.process: subprocess.Popen | None = None
        self.pg_name = ""
        if args.db == "postgres":
            self.pg_name = f"cjeune_load_{uuid.uuid4().hex[:8]}"
            subprocess.run(["psql", PG_ADMIN, "-qc", f'CREATE DATABASE "{self.pg_name}"'], check=True)
            self.db_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.pg_name}"
        else:
            self.db_url = f"sqlite:///{work / 'cjeune.db'}"
        self.env = dict(os.environ, REFLEX_DB_URL=self.db_url, CJEUNE_DATA_DIR=str(work / "data"),
                        CJEUNE_PUBLIC_URL=self.base, CJEUNE_TRUSTED_PROXIES="127.0.0.1",
                        CJEUNE_LOG_LEVEL="warning", REFLEX_TELEMETRY_ENABLED="false",
                        PROMETHEUS_MULTIPROC_DIR=str(work / "metrics"), NO_PROXY="127.0.0.1,localhost")
        (work / "metrics").mkdir()
        if workers > 1 or args.db == "postgres":
            redis_port = free_port()
            self.redis_process = subprocess.Popen(
                ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(work)],
                stdout=subprocess.DEVNULL)
            self.env["REFLEX_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        os.environ.update(self.env)  # core, used below to create the families, reads the same database

    def cli(self, *args: str) -> str:
        return subprocess.run([str(ROOT / ".venv" / "bin" / "cjeune"), *args], env=self.env, cwd=ROOT,
                              check=True, capture_output=True, text=True).stdout

    def start(self) -> None:
        log = (self.work / "serve.log").open("wb")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "cjeune"), "serve", "--workers", str(self.worker_count),
             "--port", str(self.port), "--host", "127.0.0.1", "--backend-only"],
            env={**self.env, "CJEUNE_MIGRATE_AT_START": "0"}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_tail()
            try:
                if httpx.get(f"{self.base}/api/v1/health", timeout=2).status_code == 200 and \
                        len(self.workers()) >= self.worker_count:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(self.log_tail())

    def workers(self) -> list[int]:
        return [pid for pid in process_tree(self.process.pid)[1:]
                if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(self.process.pid)]

    def log_tail(self) -> str:
        return "\n".join((self.work / "serve.log").read_text(errors="replace").splitlines()[-40:])

    def stop_app(self) -> None:
        stop_group(self.process)

    def stop(self) -> None:
        self.stop_app()
        if self.redis_process and self.redis_process.poll() is None:
            self.redis_process.terminate()
            self.redis_process.wait(timeout=10)

    def drop(self) -> None:
        if self.pg_name:
            from cjeune_app.core.db import engine_for

            engine_for(self.db_url).dispose()
            subprocess.run(["psql", PG_ADMIN, "-qc", f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'],
                           check=False)


def create_families(count: int) -> tuple[list[dict], list[str]]:
    """`count` pupils of the first demo school with their temporary passwords, and as many cards."""
    import datetime as dt

    from cjeune_app.cli import _operator
    from cjeune_app.core.accounts.pupils import create_pupil_with_account
    from cjeune_app.core.db import session_scope
    from cjeune_app.core.establishments.api import establishment_by_uai
    from cjeune_app.core.settings import reload_settings
    from cjeune_app.core.use_cases.cards import issue_card_batch

    reload_settings()
    demo = json.loads(os.environ["_LOAD_DEMO"])
    uai = demo["establishments"][0]["uai"]
    families = []
    with session_scope() as session:
        school = establishment_by_uai(session, uai)
        for n in range(count):
            pupil, account, password = create_pupil_with_account(
                session, school, f"Charge{n:05d}", "Léo", dt.date(2013, 1 + n % 12, 1 + n % 28), "6e A")
            families.append({"pupil_id": pupil.id, "login": account.login, "password": password})
    numbers: list[str] = []
    while len(numbers) < count:
        numbers += issue_card_batch(_operator(), uai, min(5000, count - len(numbers))).numbers
    return families, numbers


def portrait_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (700, 900), (214, 196, 170)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


# --- one tab over the websocket ---------------------------------------------------------------------


# What the browser holds before its first hydrate: the compiled defaults of every state and their hashes
# (.web/utils/context.jsx sends them with the first `hydrate_and_load` of a page load; the server then
# sends only what differs). Set by `compiled_state`.
COMPILED: dict[str, object] = {}


def compiled_state() -> None:
    from reflex.state import State, _resolve_delta, state_snapshot_hashes
    from reflex.utils.format import json_dumps

    import cjeune_app.cjeune_app  # noqa: F401 - every state class the server has

    snapshot = asyncio.run(_resolve_delta(State(_reflex_internal_init=True).dict(initial=True)))
    COMPILED["defaults"], COMPILED["hashes"] = json.loads(json_dumps(snapshot)), state_snapshot_hashes(snapshot)


class Tab:
    def __init__(self, base: str, address: str, compiled: dict | None = None) -> None:
        self.base, self.address, self.token = base, address, str(uuid.uuid4())
        self.compiled = compiled  # the app's compiled state, as its pages carry it (None: none sent)
        self.cookie = ""
        self.path, self.ready = "/", ""
        self.ws = None
        self.state: dict[str, dict] = {}
        self.hydrated: dict[str, dict] = {}
        # The commands sent to the page's Browser component (ui/browser.py) since the last action.
        self.scripts: list[str] = []
        self.redirects: list[str] = []
        self.new_token = False
        self.done_at: float | None = None  # when the last update of the last action arrived

    async def open(self, path: str, ready: str = "", page_load: bool = True) -> None:
        """A page load: a new socket with the tab's token (and cookie), until hydrated and loaded (and,
        for a page whose load reads the database, until its state `ready` says it has done so). Not a
        page load (`page_load=False`): the page's socket reconnecting, which asks for the whole state."""
        if self.ws is not None:
            await self.close()
        self.path, self.ready = path, ready
        headers = {"X-Forwarded-For": self.address}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.base.rsplit(':', 1)[1]}/_event/?EIO=4&transport=websocket&token={self.token}",
            origin=self.base, additional_headers=headers, max_size=None, open_timeout=30)
        await asyncio.wait_for(self.ws.recv(), 30)  # engine.io OPEN
        first = page_load and self.compiled is not None
        payload = {"hashes": self.compiled["hashes"]} if first else {}
        await self.ws.send("40/_event," + json.dumps({"event": self.event(f"{ROOT_STATE}.hydrate_and_load",
                                                                          payload)}))
        self.state = json.loads(json.dumps(self.compiled["defaults"])) if first else {}
        await self.update()
        self.hydrated = {name: dict(values) for name, values in self.state.items()}
        while not self.state.get(ROOT_STATE, {}).get("is_hydrated_rx_state_"):
            await self.update()
        while ready and not self.state.get(ready, {}).get("ready_rx_state_"):
            await self.update()
        await self.drain()

    async def navigate(self, path: str, ready: str = "") -> None:
        """A link or a redirect inside the site: the browser keeps its socket and only sends the new
        page's `on_load_internal` (React Router's navigation, .web/utils/state.js), after marking the page
        not hydrated; done once the server says it is again (and `ready`, as `open`)."""
        self.path, self.ready = path, ready
        self.state.setdefault(ROOT_STATE, {})["is_hydrated_rx_state_"] = False
        await self.ws.send("42/_event," + json.dumps(["event", self.event(ON_LOAD, {})]))
        while not self.state[ROOT_STATE].get("is_hydrated_rx_state_"):
            await self.update()
        while ready and not self.state.get(ready, {}).get("ready_rx_state_"):
            await self.update()
        await self.drain()

    def event(self, name: str, payload: dict) -> dict:
        return {"name": name, "payload": payload,
                "router_data": {"pathname": self.path.split("?")[0], "asPath": self.path}}

    async def send(self, name: str, payload: dict, until=None) -> None:
        self.scripts, self.redirects = [], []
        await self.ws.send("42/_event," + json.dumps(["event", self.event(name, payload)]))
        await self.update()
        if until is not None:
            while not until(self):
                await self.update()
        await self.drain()

    async def update(self, timeout_s: float = 120) -> None:
        """Reads frames until the next state update (applied to `state`), for at most `timeout_s`."""
        await asyncio.wait_for(self._update(), timeout_s)

    async def _update(self) -> None:
        while True:
            frame = await self.ws.recv()
            if frame == "2":
                await self.ws.send("3")
                continue
            if not frame.startswith("42/_event,"):
                continue
            kind, update = json.loads(frame[len("42/_event,"):])[:2]
            if kind == "new_token":
                self.new_token, self.token = True, update
                continue
            if kind != "event":
                continue
            self.done_at = time.perf_counter()
            for name, values in (update.get("delta") or {}).items():
                self.state.setdefault(name, {}).update(values)
            for event in update.get("events") or []:
                if event.get("name") == "_set_value":  # a command of ui.browser, as JSON
                    self.scripts.append(str(event["payload"].get("value", "")))
                elif event.get("name") == "_redirect":
                    self.redirects.append(event["payload"].get("path", ""))
            return

    async def drain(self, quiet_s: float = 0.05) -> None:
        """Reflex marks no end of an event: what follows within a short quiet time belongs to it."""
        while True:
            try:
                await self.update(quiet_s)
            except TimeoutError:
                return

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):  # already broken
                await self.ws.close()
            self.ws = None


# --- a family ---------------------------------------------------------------------------------------


def letters(n: int) -> str:
    """A name without digits (names refuse them): 0 -> "Aaaa", 1 -> "Aaab"..."""
    text = ""
    for _ in range(4):
        n, rest = divmod(n, 26)
        text = chr(ord("a") + rest) + text
    return text.capitalize()


STATES: dict[str, str] = {}


def state_names() -> None:
    """The pages' state names, resolved once before the families start (imports Reflex's states)."""
    from cjeune_app.ui.pages.card_association import CardAssociationState
    from cjeune_app.ui.pages.enrollment_state import EnrollmentState
    from cjeune_app.ui.pages.partners_search import SearchState
    from cjeune_app.ui.pages.sign_in import SignInState
    from cjeune_app.ui.state import SessionState

    for key, cls in (("card", CardAssociationState), ("enrollment", EnrollmentState), ("search", SearchState),
                     ("sign_in", SignInState), ("session", SessionState)):
        STATES[key] = cls.get_full_name()


class Family:
    def __init__(self, number: int, data: dict, card: str, run) -> None:
        self.n, self.data, self.card, self.run = number, data, card, run
        self.tab = Tab(run.base, f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}", COMPILED)
        self.rng = random.Random(number)
        self.enrolled = self.associated = False
        self.http: httpx.AsyncClient | None = None  # the family's own cookies, the run's connections

    async def pause(self) -> None:
        if self.run.pause:
            await asyncio.sleep(self.rng.uniform(*self.run.pause))

    async def timed(self, kind: str, action, happened=None, replay: bool = True):
        """One action, timed; a broken socket (a killed worker) is reconnected and the action retried,
        unless `happened()` finds its change in the state read again at the reconnection (the worker ran
        it before it died: sent again, it would be a second tap, which the pages ignore in silence), or
        `replay` is False: the caller reads the screen again and does what it shows."""
        for attempt in range(3):
            started = time.perf_counter()
            self.tab.done_at = None
            try:
                result = await action()
                # Until the action's last update (not the quiet time after it); HTTP: until its answer.
                self.run.stats[kind].append((self.tab.done_at or time.perf_counter()) - started)
                self.run.events += 1
                return result
            except (websockets.ConnectionClosed, OSError, TimeoutError, httpx.HTTPError) as error:
                self.run.errors[kind] += 1
                self.run.error_kinds[f"{kind}: {type(error).__name__}"] += 1
                if attempt == 2 or isinstance(error, TimeoutError | httpx.TimeoutException):
                    raise  # no answer in time: the action may have happened, it is not replayed
                await self.reconnect()
                if not replay or (happened is not None and happened()):
                    return None
        return None

    async def reconnect(self) -> None:
        for _ in range(60):
            try:
                await self.tab.open(self.tab.path, self.tab.ready, page_load=False)
                self.run.reconnections += 1
                if self.tab.new_token:
                    self.run.lost_sessions += 1
                return
            except (websockets.WebSocketException, OSError, TimeoutError):
                await asyncio.sleep(0.5)
        raise RuntimeError("no worker answered")

    async def journey(self) -> None:
        self.run.active += 1
        self.run.most_active = max(self.run.most_active, self.run.active)
        # Made before the first action: a new client costs the load client about 25 ms of CPU (its
        # TLS settings), which would be counted in the answer's time.
        self.http = httpx.AsyncClient(base_url=self.run.base, timeout=120, transport=self.run.http_pool(),
                                      trust_env=False)
        try:
            await asyncio.wait_for(self.steps(), 900)  # bounded, whatever happens
        except Exception as error:  # noqa: BLE001 - counted, the other families go on
            self.run.failed_families[f"{type(error).__name__}: {str(error)[:80]}"] += 1
        finally:
            self.run.active -= 1
            await self.tab.close()  # self.http: nothing of its own to close (the run's pool is closed in `drive`)

    async def steps(self) -> None:
        await self.sign_in()
        await self.enroll()
        await self.associate()
        await self.search()

    async def go(self, kind: str, path: str, ready: str = "") -> None:
        """A page reached by a link or a redirect of the site: a navigation over the same socket, as
        the browser does (with `--page-loads`, a page load, as if typed in the address bar)."""
        if self.run.page_loads:
            await self.timed(kind, lambda: self.tab.open(path, ready))
        else:
            await self.timed(kind, lambda: self.tab.navigate(path, ready))

    async def sign_in(self) -> None:
        tab, sign_in = self.tab, STATES["sign_in"]
        step = lambda: tab.state.get(sign_in, {}).get("step_rx_state_")  # noqa: E731
        await self.timed("open sign-in", lambda: tab.open("/connexion/collegien"))
        await self.pause()
        await self.timed("identifier", lambda: tab.send(f"{sign_in}.submit_identifier",
                                                         {"form": {"login": self.data["login"]}}),
                         happened=lambda: step() != "identifier")
        await self.pause()
        answered = lambda t: step() != "password" or t.state[sign_in].get("error_rx_state_")  # noqa: E731
        await self.timed("password", lambda: tab.send(f"{sign_in}.submit_password",
                                                       {"form": {"password": self.data["password"]}}, until=answered),
                         happened=lambda: step() != "password")
        if step() != "change":
            raise RuntimeError(f"password refused: {tab.state.get(sign_in, {}).get('error_rx_state_')}")
        await self.pause()
        await self.timed("new password", lambda: tab.send(f"{sign_in}.submit_new_password", {"form": {
            "current_password": self.data["password"], "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD}}, until=lambda t: step() != "change" or t.state[sign_in].get(
                "errors_rx_state_")), happened=lambda: step() != "change")
        if step() != "remember":
            view = tab.state.get(sign_in, {})
            raise RuntimeError(f"new password refused: step {step()}, {view.get('errors_rx_state_')} "
                               f"{view.get('error_rx_state_')}")
        await self.pause()
        await self.timed("stay signed in: no", lambda: tab.send(f"{sign_in}.stay_signed_in", {"remember": False},
                                                                until=lambda t: t.scripts))
        ticket = re.search(r'"ticket": "([^"]+)"', " ".join(tab.scripts))
        if not ticket:
            raise RuntimeError("no sign-in ticket")

        async def open_session():
            assert self.http is not None
            answer = await self.http.post("/session/ouverture", data={"ticket": ticket.group(1)},
                                          headers={"Origin": self.run.base, "X-Forwarded-For": tab.address})
            if answer.status_code != 303 or "set-cookie" not in answer.headers:
                raise RuntimeError(f"session not opened: {answer.status_code}")
            tab.cookie = "; ".join(f"{k}={v}" for k, v in answer.cookies.items())

        await self.timed("session cookie (HTTP)", open_session)
        # The cookie's answer sends the browser to the dashboard: a page load, with the cookie.
        await self.timed("open dashboard (page load)", lambda: tab.open("/tableau-de-bord"))

    async def enroll(self) -> None:
        tab, name = self.tab, STATES["enrollment"]
        view = lambda key: tab.state.get(name, {}).get(f"{key}_rx_state_")  # noqa: E731

        def answered(changed):
            """`Tab.send`'s `until`: the change the action makes, or the errors of a refusal."""
            return lambda _tab: bool(changed() or view("errors"))

        await self.pause()
        await self.go("open enrollment", "/inscription", name)  # the dashboard's "Inscrire" link
        email = f"famille.{self.data['pupil_id']}@exemple.fr"

        def act(kind, action):
            """A stepper action, not sent again after a reconnection: the loop reads the screen again."""
            return self.timed(kind, action, replay=False)

        for _ in range(12):  # from whatever step the server's state says, to "done"
            screen, step = view("screen"), view("step")
            await self.pause()
            if screen in ("done", "already"):
                break
            # Each action waits for the change it makes (or a refusal), not only for a quiet time: on a
            # saturated server an answer can come later than `drain`'s 50 ms.
            if screen == "welcome":
                await act("start (Commencer)", lambda: tab.send(
                    f"{name}.start", {}, answered(lambda: view("screen") != "welcome")))
            elif step == 1:
                await act("step 1 Suivant", lambda: tab.send(f"{name}.next_step", {"form": {
                    "guardian_last_name": f"Charge{letters(self.n).lower()}", "guardian_first_name": "Nadia",
                    "etape": "1"}}, answered(lambda: view("step") != 1)))
            elif step == 2 and view("commune_insee") != "13001":
                await act("postal code typed", lambda: tab.send(f"{name}.postal_code_typed", {"value": "13100"}))
                if view("commune_insee") != "13001":
                    await act("town typed", lambda: tab.send(f"{name}.commune_typed", {"value": "Aix-en-Provence"}))
                    await act("town chosen", lambda: tab.send(
                        f"{name}.choose_commune", {"insee": "13001"},
                        answered(lambda: view("commune_insee") == "13001")))
            elif step == 2:
                await act("step 2 Suivant", lambda: tab.send(f"{name}.next_step", {"form": {
                    "address_line": "12 rue de la République", "address_complement": "", "postal_code": "13100",
                    "commune_name": "Aix-en-Provence", "email": email, "email_confirmation": email,
                    "mobile": "", "etape": "2"}}, answered(lambda: view("step") != 2)))
            elif step == 3 and view("photo_missing") in (True, None):
                csrf = tab.state.get(STATES["session"], {}).get("csrf_token_rx_state_", "")
                await self.timed("photo upload (HTTP)", lambda csrf=csrf: self.upload(csrf))
                await act("photo uploaded", lambda: tab.send(
                    f"{name}.photo_uploaded", {"_answer": {}},
                    answered(lambda: view("photo_missing") not in (True, None))))
            elif step == 3:
                await act("step 3 Suivant", lambda: tab.send(f"{name}.next_step", {"form": {"etape": "3"}},
                                                             answered(lambda: view("step") != 3)))
            elif step == 4 and not view("attested"):
                await act("attestation ticked", lambda: tab.send(
                    f"{name}.set_check", {"name": "attested", "value": True}, answered(lambda: view("attested"))))
            elif step == 4:
                await act("step 4 Terminer", lambda: tab.send(
                    f"{name}.next_step", {"form": {"etape": "4"}},
                    answered(lambda: view("screen") in ("done", "already"))))
            if view("errors"):
                raise RuntimeError(f"step {step} refused: {view('errors')}")
        self.enrolled = view("screen") in ("done", "already")
        if not self.enrolled:
            raise RuntimeError(f"enrollment stuck at {view('screen')} step {view('step')}")
        self.run.enrolled.add(self.data["pupil_id"])

    async def upload(self, csrf: str) -> None:
        from cjeune_app import routes

        assert self.http is not None
        answer = await self.http.post(
            routes.api_pupil_photo(self.data["pupil_id"]),
            files={"photo": ("photo.jpg", self.run.photo, "image/jpeg")},
            data={"crop_x": "0", "crop_y": "0", "crop_width": "1", "crop_height": "1"},
            headers={"Origin": self.run.base, "X-CSRF-Token": csrf, "Cookie": self.tab.cookie,
                     "X-Forwarded-For": self.tab.address})
        if answer.status_code != 201:
            raise RuntimeError(f"photo refused: {answer.status_code} {answer.text[:120]}")

    async def associate(self) -> None:
        tab, name = self.tab, STATES["card"]
        await self.pause()
        await self.go("open dashboard", "/tableau-de-bord")  # "Aller au tableau de bord"
        await self.pause()
        await self.go("open card association", "/carte/associer", name)  # "Associer une carte"
        if tab.state.get(name, {}).get("blockers_rx_state_"):
            raise RuntimeError(f"association blocked: {tab.state[name]['blockers_rx_state_']}")
        await self.pause()
        await self.timed("card: Suivant", lambda: tab.send(f"{name}.next_step", {}))
        await self.pause()
        shown = lambda key: tab.state.get(name, {}).get(f"{key}_rx_state_")  # noqa: E731
        await self.timed("card number typed", lambda: tab.send(f"{name}.type_number", {"typed": self.card}),
                         happened=lambda: shown("number") == self.card)
        await self.pause()
        done = lambda t: t.redirects or shown("number_error")  # noqa: E731
        associated = lambda: shown("already_active")  # noqa: E731 - the page opened again after the association
        await self.timed("Associer (Terminer)", lambda: tab.send(f"{name}.finish", {}, until=done),
                         happened=associated)
        if not tab.redirects and not associated():
            raise RuntimeError(f"card refused: {shown('number_error')}")
        self.run.associated[self.data["pupil_id"]] = self.card
        # Where the association sends the family (the dashboard, when the answer was lost with the worker).
        await self.go("open dashboard", tab.redirects[-1] if tab.redirects else "/tableau-de-bord")

    async def search(self) -> None:
        tab, name = self.tab, STATES["search"]
        await self.pause()
        await self.go("open search", "/partenaires")  # the menu's link
        for _ in range(3):
            word = self.rng.choice(WORDS)
            await self.pause()
            for end in (3, len(word)):
                await self.timed("search (set_q)", lambda w=word[:end]: tab.send(f"{name}.set_q", {"value": w}))


# --- the reference: the blank Reflex app under the same load -----------------------------------------

BLANK_APP = ROOT / "bench" / "blank_app"
BLANK_STATE = f"{ROOT_STATE}.blank___blank____blank_state"


class BlankServer:
    """bench/blank_app served as ours is: `reflex run --env prod`, the same workers, Redis when ours has it."""

    def __init__(self, server: Server, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, GRANIAN_WORKERS=str(workers), REFLEX_TELEMETRY_ENABLED="false")
        self.env.pop("REFLEX_REDIS_URL", None)
        if "REFLEX_REDIS_URL" in server.env:
            self.env["REFLEX_REDIS_URL"] = server.env["REFLEX_REDIS_URL"].rsplit("/", 1)[0] + "/1"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (Path(tempfile.gettempdir()) / f"cjeune-blank-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "reflex"), "run", "--env", "prod", "--backend-only", "--backend-port",
             str(self.port), "--backend-host", "127.0.0.1", "--loglevel", "warning"],
            env=self.env, cwd=BLANK_APP, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the blank app stopped (log: {log.name})"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/ping", timeout=2).status_code == 200:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"the blank app did not start (log: {log.name})")

    def stop(self) -> None:
        stop_group(self.process)


class BlankVisitor(Family):
    """As many actions as a family made, at the same pace, each one event of the blank app's text box."""

    def __init__(self, number: int, actions: int, run) -> None:
        super().__init__(number, {}, "", run)
        self.tab.compiled = None  # its pages would send their own hashes: its full state is as small
        self.actions = actions

    async def steps(self) -> None:
        await self.timed("blank: open page", lambda: self.tab.open("/"))
        for i in range(self.actions):
            await self.pause()
            await self.timed("blank: set_q", lambda i=i: self.tab.send(f"{BLANK_STATE}.set_q",
                                                                     {"value": "abcdefgh"[: i % 8 + 1]}))


def websocket_times(run: Run) -> list[float]:
    return sorted(t for kind, times in run.stats.items() if "(HTTP)" not in kind for t in times)


def compare(ours: Run, blank: Run) -> None:
    """The ratios of our app to the blank app, over every websocket action of each run."""
    def p95(run: Run) -> float:
        times = websocket_times(run)
        return 1000 * statistics.quantiles(times, n=100)[94] if len(times) > 1 else float("nan")

    def cpu(run: Run) -> float:
        return 1000 * run.cpu / max(run.events, 1)

    print(f"CJeune / blank Reflex app: p95 of the websocket actions {p95(ours):.1f} / {p95(blank):.1f} ms "
          f"= ×{p95(ours) / p95(blank):.1f}; server CPU per action {cpu(ours):.2f} / {cpu(blank):.2f} ms "
          f"= ×{cpu(ours) / cpu(blank):.1f}; events/s {ours.events / ours.wall:.1f} / {blank.events / blank.wall:.1f}")


# --- the run ----------------------------------------------------------------------------------------


class Run:
    def __init__(self, base: str, pause, page_loads: bool = False) -> None:
        self.base, self.pause, self.page_loads = base, pause, page_loads
        self.stats: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_kinds: dict[str, int] = defaultdict(int)
        self.failed_families: dict[str, int] = defaultdict(int)
        self.events = 0
        self.reconnections = self.lost_sessions = 0
        self.enrolled: set[int] = set()
        self.associated: dict[int, str] = {}
        self.photo = portrait_jpeg()
        self.credited_families = 0
        self.wall = self.cpu = 0.0  # set by `report`
        self.active = self.most_active = 0  # families (visitors) on the site at once
        self._http_pool: httpx.AsyncHTTPTransport | None = None

    def http_pool(self) -> httpx.AsyncHTTPTransport:
        """The run's HTTP connections, kept open between requests as a reverse proxy in front of the
        server keeps them (made in the event loop that uses it)."""
        if self._http_pool is None:
            self._http_pool = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=None))
        return self._http_pool

    async def close_http_pool(self) -> None:
        if self._http_pool is not None:
            await self._http_pool.aclose()


def check_database(run: Run, families: list[dict]) -> list[str]:
    import sqlalchemy as sa

    from cjeune_app.core.cards.invariants import verify_invariants
    from cjeune_app.core.db import session_scope

    problems = []
    ids = [f["pupil_id"] for f in families]
    with session_scope(read_only=True) as session:
        completed = dict(session.execute(sa.text(
            "SELECT pupil_id, count(*) FROM enrollment WHERE status = 'completed' GROUP BY pupil_id")).all())
        active = dict(session.execute(sa.text(
            "SELECT pupil_id, count(*) FROM card WHERE status = 'active' GROUP BY pupil_id")).all())
        numbers = dict(session.execute(sa.text("SELECT pupil_id, number FROM card WHERE status = 'active'")).all())
        credits = dict(session.execute(sa.text(
            "SELECT w.pupil_id, count(*) FROM ledger_entry e JOIN wallet w ON w.id = e.wallet_id "
            "WHERE e.amount_cents > 0 GROUP BY w.pupil_id")).all())
        for pupil_id in ids:
            if pupil_id in run.enrolled and completed.get(pupil_id, 0) != 1:
                problems.append(f"pupil {pupil_id}: {completed.get(pupil_id, 0)} completed enrollments")
            if pupil_id in run.associated and (
                    active.get(pupil_id, 0) != 1 or numbers.get(pupil_id) != run.associated[pupil_id]):
                problems.append(f"pupil {pupil_id}: {active.get(pupil_id, 0)} active cards")
            if completed.get(pupil_id, 0) > 1 or active.get(pupil_id, 0) > 1:
                problems.append(f"pupil {pupil_id}: doubled ({completed.get(pupil_id)}, {active.get(pupil_id)})")
        problems += verify_invariants(session)
    run.credited_families = sum(1 for pupil_id in ids if credits.get(pupil_id))
    return problems


def machine_busy_seconds() -> float:
    """CPU time of every process on the machine (/proc/stat: user to steal, without idle and I/O wait;
    the guest columns are already counted in user)."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def report(run: Run, wall: float, cpu: float, label: str) -> None:
    run.wall, run.cpu = wall, cpu
    print(f"\n{label}")
    print(f"{'event kind':28} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for kind, times in sorted(run.stats.items()):
        times = sorted(times)
        q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        print(f"{kind:28} {len(times):6d} {1000 * q[49]:8.1f} {1000 * q[94]:8.1f} {1000 * q[98]:8.1f} "
              f"{run.errors.get(kind, 0):6d}")
    ws_events = sum(len(t) for k, t in run.stats.items() if "(HTTP)" not in k)
    print(f"events/s {run.events / wall:.1f} over {wall:.0f} s ({run.events} actions, {ws_events} websocket); "
          f"server CPU per action {1000 * cpu / max(run.events, 1):.2f} ms; load average {loadavg()}")
    print(f"at most {run.most_active} visitors at once; reconnections {run.reconnections}, "
          f"sessions lost (new token) {run.lost_sessions}")
    for kind, count in sorted(run.error_kinds.items()):
        print(f"  error {kind}: {count}")
    for kind, count in sorted(run.failed_families.items()):
        print(f"  family stopped: {kind} ×{count}")


async def drive(args, server, run: Run, visitors: list, label: str) -> float:
    """Every visitor's journey (arriving over the ramp when paced); the report; the events/s."""
    meter = CpuMeter(server.process.pid)
    meter.sample()
    machine_before, client_before = machine_busy_seconds(), time.process_time()
    started = time.perf_counter()
    killer = None  # counted from the run's start, not from the end of the families' arrival
    if args.kill_worker_after and isinstance(server, Server):
        async def kill() -> None:
            await asyncio.sleep(args.kill_worker_after)
            workers = server.workers()
            meter.sample()
            if len(workers) > 1:
                os.kill(workers[0], signal.SIGKILL)
                print(f"killed worker {workers[0]} at {args.kill_worker_after:.0f} s; load average {loadavg()}",
                      flush=True)
            else:
                print("one worker: none killed", flush=True)
        killer = asyncio.create_task(kill())
    tasks = []
    for visitor in visitors:
        tasks.append(asyncio.create_task(visitor.journey()))
        if not args.no_pause:
            await asyncio.sleep(args.ramp / max(len(visitors), 1))  # families arrive over the ramp

    async def sampler() -> None:
        while True:
            meter.sample()
            await asyncio.sleep(0.5)

    sampling = asyncio.create_task(sampler())
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    await run.close_http_pool()
    meter.sample()
    sampling.cancel()
    if killer:
        killer.cancel()
    report(run, wall, meter.used(), label)
    print(f"server CPU by process: {meter.shares()}")
    # What the server shares its cores with: the load client, PostgreSQL, Redis.
    client, machine = time.process_time() - client_before, machine_busy_seconds() - machine_before
    print(f"load client CPU per action {1000 * client / max(run.events, 1):.2f} ms; the machine busy "
          f"{machine / wall:.2f} of its {os.cpu_count()} cores on average")
    if killer:
        print(f"workers after the run: {server.workers()} (server alive: {server.process.poll() is None})")
    return run.events / wall


def one_run(args, workers: int) -> tuple[float, float]:
    """Our app with `workers` processes, then (unless --no-reference) the blank app under the same load:
    the events/s of each."""
    work = Path(tempfile.mkdtemp(prefix="cjeune-load-"))
    print(f"\n=== {workers} worker(s), {args.db}; load average before: {loadavg()}; work folder {work}", flush=True)
    server = Server(args, work, workers)
    pause = None if args.no_pause else (1.0, 4.0)
    label = (f"{args.families} families, {workers} worker(s), {args.db}, "
             f"{'no pause' if args.no_pause else 'paused 1–4 s'}"
             f"{', every page a page load' if args.page_loads else ''}")
    try:
        server.cli("migrate")
        os.environ["_LOAD_DEMO"] = server.cli("seed-demo", "--json")
        t = time.perf_counter()
        families, cards = create_families(args.families)
        print(f"{len(families)} pupils and cards created in {time.perf_counter() - t:.0f} s", flush=True)
        server.start()
        print(f"server up on {server.base} with workers {server.workers()}; load average {loadavg()}", flush=True)
        state_names()
        compiled_state()
        # The client imported the whole app (its states' defaults): a full garbage collection through
        # those objects stopped it up to 240 ms in a run, and every answer it was waiting for looked late.
        # Tuned as the server's workers are (cjeune_app.serving.tune_garbage_collector).
        tune_garbage_collector()
        run = Run(server.base, pause, args.page_loads)
        visitors = [Family(n, data, card, run) for n, (data, card) in enumerate(zip(families, cards, strict=False))]
        ours = asyncio.run(drive(args, server, run, visitors, label))
        problems = check_database(run, families)
        print(f"database: {len(run.enrolled)} enrollments completed by the families, {len(run.associated)} cards "
              f"associated, {run.credited_families} families credited; "
              f"{'no problem' if not problems else f'{len(problems)} PROBLEMS'}")
        for problem in problems[:20]:
            print(f"  {problem}")
        server.stop_app()  # its Redis stays, for the blank app
        if args.no_reference:
            return ours, float("nan")
        blank_server = BlankServer(server, workers)
        try:
            blank_server.start()
            blank = Run(blank_server.base, pause)
            actions = round(len(websocket_times(run)) / max(len(families), 1))
            visitors = [BlankVisitor(n, actions, blank) for n in range(len(families))]
            reference = asyncio.run(drive(args, blank_server, blank, visitors, f"blank Reflex app: {label}, "
                                          f"{actions} events per visitor"))
            compare(run, blank)
            return ours, reference
        finally:
            blank_server.stop()
    finally:
        server.stop()
        if not args.keep:
            server.drop()
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", type=int, default=20)
    parser.add_argument("--workers", default="1", help="worker count, or a list (1,2): one run each, compared")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--no-pause", action="store_true")
    parser.add_argument("--ramp", type=float, default=None,
                        help="seconds over which the families arrive when paced (default: 0.4 s a family)")
    parser.add_argument("--kill-worker-after", type=float, default=0)
    parser.add_argument("--no-reference", action="store_true", help="skip the blank Reflex app's run")
    parser.add_argument("--page-loads", action="store_true",
                        help="open every page with a page load (a new socket), not by the site's links")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and the database")
    args = parser.parse_args()
    workers = [int(n) for n in args.workers.split(",")]
    assert args.families <= 5000 and all(1 <= n <= 8 for n in workers)
    if args.ramp is None:
        args.ramp = 0.4 * args.families
    if max(workers) > 1 and args.db == "sqlite":
        parser.error("several workers need --db postgres (SQLite has one writer for all processes)")
    if shutil.which("redis-server") is None and (max(workers) > 1 or args.db == "postgres"):
        parser.error("redis-server is needed")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the servers and the database go with us
    rates = {n: one_run(args, n) for n in workers}
    if len(rates) > 1:
        first = workers[0]
        for n in workers[1:]:
            print(f"events/s with {n} workers / with {first}: CJeune {rates[n][0]:.1f} / {rates[first][0]:.1f} "
                  f"= ×{rates[n][0] / rates[first][0]:.2f}; blank Reflex app ×{rates[n][1] / rates[first][1]:.2f}")


if __name__ == "__main__":
    main()
