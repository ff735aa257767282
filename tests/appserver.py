"""Start the real app (`reflex run --env prod`) on a free port against its own database."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 420  # a cold frontend build on a 2-core machine


def free_port() -> int:
    """A free port below Linux's ephemeral range (32768+): test servers that bind port 0
    (fake SMTP, fake address API) can then never be handed the app's port between our
    check and the app's own bind."""
    while True:
        port = random.randint(20000, 32000)
        with socket.socket() as sock:
            try:
                sock.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port


def reflex_environment(data_dir: Path, db_url: str, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    tools_bin = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"
    venv_bin = PROJECT_ROOT / ".venv" / "bin"
    env.update(
        PATH=f"{tools_bin}:{venv_bin}:{env.get('PATH', '')}",
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="0",
        REFLEX_DB_URL=db_url,
        CJEUNE_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    env.setdefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/")
    env.update(extra or {})
    return env


@dataclass
class AppServer:
    data_dir: Path
    db_url: str
    port: int = field(default_factory=free_port)
    extra_env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict:
        return reflex_environment(self.data_dir, self.db_url, self.extra_env)

    def cli(self, *args: str, input: str | None = None) -> str:
        """Run the `cjeune` command against this server's database; returns its stdout."""
        result = subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "cjeune"), *args],
            env=self.env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, input=input,
        )
        return result.stdout

    def seed_demo(self) -> dict:
        return json.loads(self.cli("seed-demo", "--json"))

    @classmethod
    def started_with_demo(cls, data_dir: Path, extra_env: dict | None = None) -> AppServer:
        """The app on a SQLite file in `data_dir` seeded with the demo data (`.demo`), started."""
        server = cls(data_dir=data_dir, db_url=f"sqlite:///{data_dir / 'cjeune.db'}", extra_env=dict(extra_env or {}))
        server.extra_env["CJEUNE_PUBLIC_URL"] = server.base_url  # the site's own origin (CORS, websocket)
        server.demo = server.seed_demo()
        server.start()
        return server

    def start(self) -> None:
        self.log_path = self.data_dir / f"reflex-{self.port}.log"
        log = self.log_path.open("ab")
        self._log_offset = log.tell()  # a restart appends: readiness reads only what follows
        self.process = subprocess.Popen(
            [str(PROJECT_ROOT / ".venv" / "bin" / "reflex"), "run", "--env", "prod", "--single-port",
             "--frontend-port", str(self.port), "--loglevel", "info"],
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends granian and bun too
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited early:\n{self.log_tail()}")
            if "App running at" not in self._log_since_start():
                # The backend may answer with the previous build while the new one is written.
                time.sleep(1)
                continue
            try:
                page = httpx.get(f"{self.base_url}/", timeout=2)
                health = httpx.get(f"{self.base_url}/api/v1/health", timeout=2)
                if page.status_code == 200 and health.json() == {"status": "ok"}:
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"the app did not answer within {START_TIMEOUT_S}s:\n{self.log_tail()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _log_since_start(self) -> str:
        with self.log_path.open("rb") as log:
            log.seek(self._log_offset)
            return log.read().decode(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
