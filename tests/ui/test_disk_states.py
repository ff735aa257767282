"""One process without Redis: the tabs' states are files, and the expired ones (a minor's name, a
draft's address) are still removed, by a scan that runs once per interval instead of after every write."""

from __future__ import annotations

import os
import time

import pytest

from cjeune_app.cjeune_app import app
from cjeune_app.ui import disk_states
from cjeune_app.ui.disk_states import PacedPurgeStateManagerDisk

EXPIRATION_S = 3600


def state_file(folder, name: str, idle_s: float):
    path = folder / f"{name}.pkl"
    path.write_bytes(b"state")
    then = time.time() - idle_s
    os.utime(path, (then, then))
    return path


@pytest.fixture
def states_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("REFLEX_STATES_WORKDIR", str(tmp_path))
    monkeypatch.setattr(disk_states, "PURGE_EVERY_S", 1.0)
    return tmp_path


def test_expired_states_are_removed_at_start_and_then_once_per_interval(states_folder):
    expired_before_start = state_file(states_folder, "a", EXPIRATION_S + 60)
    recent = state_file(states_folder, "b", 60)
    manager = PacedPurgeStateManagerDisk(token_expiration=EXPIRATION_S)
    assert manager.states_directory == states_folder
    assert not expired_before_start.exists() and recent.exists()

    expired_since = state_file(states_folder, "c", EXPIRATION_S + 60)
    manager._purge_expired_states()  # what Reflex calls after each batch of writes
    assert expired_since.exists()  # the folder was not scanned again so soon

    time.sleep(1.1)
    manager._purge_expired_states()
    assert not expired_since.exists() and recent.exists()


def test_the_app_uses_it_when_states_are_not_in_redis():
    # The tests run the app in one process without REFLEX_REDIS_URL, as `make run` does.
    assert type(app.state_manager) is PacedPurgeStateManagerDisk
