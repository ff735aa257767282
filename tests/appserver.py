"""Start the real app (`reflex run --env prod`) on a free port against its own database."""

from __future__ import annotations

import json
import os
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
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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

    def cli(self, *args: str) -> str:
        """Run the `cjeune` command against this server's database; returns its stdout."""
        result = subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "cjeune"), *args],
            env=self.env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        )
        return result.stdout

    def seed_demo(self) -> dict:
        return json.loads(self.cli("seed-demo", "--json"))

    def start(self) -> None:
        self.log_path = self.data_dir / f"reflex-{self.port}.log"
        log = self.log_path.open("ab")
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
            try:
                page = httpx.get(f"{self.base_url}/", timeout=2)
                ping = httpx.get(f"{self.base_url}/ping", timeout=2)
                if page.status_code == 200 and ping.status_code == 200:
                    return
            except httpx.HTTPError:
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

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
