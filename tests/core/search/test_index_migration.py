"""The migration of the French analysis rebuilds an index written before it."""

from __future__ import annotations

from alembic import command

from cjeune_app.core.migrations import alembic_config
from cjeune_app.core.search import SearchQuery, backends, search
from tests.core.search.corpus import build_corpus


def test_upgrading_rebuilds_the_index_with_stems(db_url, session):
    build_corpus(session)
    backends.for_session(session).clear_index(session)  # as if indexed by older code, or not at all
    session.commit()
    assert search(session, SearchQuery(q="theatres")).total == 0
    session.rollback()  # PostgreSQL: no lock held on the index while the migration rebuilds it
    config = alembic_config(db_url)
    command.stamp(config, "search_index")
    command.upgrade(config, "search_french_analysis")
    command.stamp(config, "head")
    session.expire_all()
    found = [hit.name for hit in search(session, SearchQuery(q="theatres")).results]
    assert found == ["Théâtre du Bois de l'Aune", "Théâtre Toursky", "Maison des Jeunes de Gardanne"]
