"""A browser tab's websocket to Reflex (socket.io over /_event), spoken directly: the frames the
page sends and the state updates it receives. For tests of the server itself (workers, sessions)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import websockets

ROOT_STATE = "reflex___state____state"


class EventSocket:
    def __init__(self, base: str, path: str, token: str | None = None, cookie: str = "") -> None:
        self.base, self.path, self.token = base, path, token or str(uuid.uuid4())
        self.cookie = cookie  # the Cookie header of a signed-in tab
        self.ws = None
        self.state: dict[str, dict] = {}  # what the server sent, by state name
        self.new_token: str | None = None  # set when the server took this tab for a duplicate
        self.hydrated: dict[str, dict] = {}  # the state the server held for the token, before the page's load

    async def open(self) -> None:
        """Connects and waits until the page is hydrated and its load events ran. `hydrated` keeps what
        the hydrate itself sent: the state kept for this token (the load may then change it)."""
        url = urlsplit(self.base)
        self.ws = await websockets.connect(
            f"ws://{url.netloc}/_event/?EIO=4&transport=websocket&token={self.token}",
            origin=f"{url.scheme}://{url.netloc}", max_size=None, open_timeout=30,
            additional_headers={"Cookie": self.cookie} if self.cookie else None)
        json.loads((await self.ws.recv())[1:])  # engine.io OPEN
        boot = self.event(f"{ROOT_STATE}.hydrate_and_load", {})
        await self.ws.send("40/_event," + json.dumps({"event": boot}))
        self.state = {}
        await self.until_final()
        self.hydrated = {name: dict(values) for name, values in self.state.items()}
        while not self.state.get(ROOT_STATE, {}).get("is_hydrated_rx_state_"):
            await self.until_final()

    def event(self, name: str, payload: dict) -> dict:
        return {"name": name, "payload": payload, "router_data": {"pathname": self.path, "asPath": self.path}}

    async def send(self, name: str, payload: dict, quiet_s: float = 0.3) -> None:
        """Sends one event and reads its updates until the server has been quiet for `quiet_s` (Reflex
        marks no end of an event: the page applies each update as it comes)."""
        await self.ws.send("42/_event," + json.dumps(["event", self.event(name, payload)]))
        await self.until_final()
        while True:
            try:
                await asyncio.wait_for(self.until_final(), quiet_s)
            except TimeoutError:
                return

    async def until_final(self) -> None:
        """Reads frames until the next state update."""
        while True:
            frame = await self.ws.recv()
            if frame == "2":  # engine.io ping
                await self.ws.send("3")
                continue
            if not frame.startswith("42/_event,"):
                continue
            kind, update = json.loads(frame[len("42/_event,"):])[:2]
            if kind == "new_token":
                self.new_token = update
            if kind == "event":
                for name, values in (update.get("delta") or {}).items():
                    self.state.setdefault(name, {}).update(values)
                return

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def process_holding(pids: list[int], server_port: int, client_port: int) -> int | None:
    """Which of `pids` holds the server side of the TCP connection from `client_port` (from /proc)."""
    wanted = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == server_port and int(remote.rsplit(":", 1)[1], 16) == client_port:
                wanted.add(inode)
    for pid in pids:
        if wanted & _socket_inodes(pid):
            return pid
    return None


def live_parents() -> dict[int, int]:
    """Each live process's parent, read from /proc (a dead worker not yet reaped is no worker)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue
            if state != "Z":
                parents[int(entry.name)] = int(parent)
    return parents


def children(pid: int) -> list[int]:
    return sorted(child for child, parent in live_parents().items() if parent == pid)
