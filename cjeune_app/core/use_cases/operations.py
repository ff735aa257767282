"""What an operator runs from the `cjeune` command line on the server: demo data, the search index.
They have shell access to the machine, so no actor is checked; production refuses the demo data."""

from __future__ import annotations

from cjeune_app.core.db import session_scope
from cjeune_app.core.demo import DemoReport, seed_demo
from cjeune_app.core.search import reindex_all


def seed_demo_data() -> DemoReport:
    """Idempotent; `ProductionRefused` when CJEUNE_ENV=production."""
    with session_scope() as session:
        return seed_demo(session)


def rebuild_search_index() -> int:
    """Every validated partner and its offers indexed again; the number of documents."""
    with session_scope() as session:
        return reindex_all(session)
