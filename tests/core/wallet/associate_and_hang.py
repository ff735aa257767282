"""Run as a script by a test: associates a card, then hangs at a chosen point until it is killed.

Points: "after_card_update" (the card row is updated, nothing credited yet) and "before_commit"
(every statement sent, the transaction not committed)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session


def main() -> None:
    url, account_id, pupil_id, number, key, point, marker = sys.argv[1:]
    os.environ["REFLEX_DB_URL"] = url
    from cjeune_app.core.settings import reload_settings

    reload_settings()
    from cjeune_app.core.cards.association import associate_card
    from cjeune_app.core.cards.models import Card
    from cjeune_app.core.db import engine_for, session_scope

    def tell(text: str) -> None:
        # Written aside then renamed: the test polls for the file, and must never read it empty
        # between its creation and its writing (a race seen under load).
        aside = Path(marker + ".tmp")
        aside.write_text(text)
        aside.replace(marker)

    def hang() -> None:
        tell(point)
        time.sleep(300)

    if point == "before_commit":
        sa.event.listen(engine_for(url), "commit", lambda _connection: hang())
    else:
        def after_flush(session, _context):
            if any(isinstance(o, Card) and o.status == "active" for o in session.dirty):
                hang()
        sa.event.listen(Session, "after_flush", after_flush)
    with session_scope() as session:
        associate_card(session, int(account_id), int(pupil_id), number, key)
    tell("finished")


if __name__ == "__main__":
    main()
