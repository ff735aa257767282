"""One process without Redis keeps its tabs' states in files (Reflex's disk state manager), with the
expired files looked for once a minute instead of after every write.

Reflex 0.10.1's `StateManagerDisk` lists its states folder and reads the date of every file in it each
time its write queue has written a state, that is about once per screen event under load: with the
files of 500 families (thousands), that scan took 40 % of the time the worker held the GIL in
`bench/load_families.py`, slowing every event behind it. A state expires after an hour of idleness
(`redis_token_expiration`): removing its file up to a minute later changes nothing a family sees.
(Upstream: reflex-dev/reflex pull request 7060, not released.)
"""

from __future__ import annotations

import time

from reflex.istate.manager import StateManager
from reflex.istate.manager.disk import StateManagerDisk

PURGE_EVERY_S = 60.0


class PacedPurgeStateManagerDisk(StateManagerDisk):
    """Reflex's disk state manager, whose scan for expired state files runs at most every minute."""

    _purge_due_at: float = 0.0  # time.monotonic() of the next scan

    def _purge_expired_states(self) -> None:
        now = time.monotonic()
        if now < self._purge_due_at:
            return
        self._purge_due_at = now + PURGE_EVERY_S
        super()._purge_expired_states()


def paced_if_on_disk(manager: StateManager) -> StateManager:
    """The manager Reflex made, or ours in place of its disk one."""
    return PacedPurgeStateManagerDisk() if type(manager) is StateManagerDisk else manager
