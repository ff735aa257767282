"""Code run in other processes by the concurrency tests (spawned: a fresh interpreter, its own
connections), so that transactions really run side by side."""

from __future__ import annotations

import os


def associate_in_process(db_url: str, account_id: int, pupil_id: int, number: str, key: str, barrier):
    os.environ["REFLEX_DB_URL"] = db_url
    from cjeune_app.core.settings import reload_settings

    reload_settings()
    from cjeune_app.core.cards.association import associate_card
    from cjeune_app.core.db import engine_for, session_scope
    from cjeune_app.core.errors import Refusal

    with engine_for(db_url).connect():  # connected before the start signal
        pass
    barrier.wait(timeout=60)
    try:
        with session_scope() as session:
            return ("ok", associate_card(session, account_id, pupil_id, number, key).credited_cents)
    except Refusal as refusal:
        return ("refused", refusal.code)
