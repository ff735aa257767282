"""The search migrations rebuild, or fill, an index written before them."""

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


def test_the_partners_heads_index_is_filled_from_the_documents_indexed_before_it(db_url, session):
    """SQLite: a database indexed before migration 0020 finds partners by their names once it runs."""
    session.rollback()
    config = alembic_config(db_url)
    command.downgrade(config, "search_position_postgres")  # no search_fts_partner_head on SQLite
    build_corpus(session)  # indexed as before 0020
    session.commit()
    command.upgrade(config, "head")
    session.expire_all()
    # Two words: looked for in the full-text indexes (one is answered from search_word).
    page = search(session, SearchQuery(q="theatre toursky"))
    assert [hit.name for hit in page.results] == ["Théâtre Toursky"]
    assert page.missing_words == ()  # found with both words, not as the closest to them
