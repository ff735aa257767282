"""The engine's settings that protect money: durable commits on SQLite, PostgreSQL's defaults kept."""

import sqlalchemy as sa

from cjeune_app.core.db import engine_for, session_scope

SQLITE_SYNCHRONOUS_FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_every_connection_commits_durably(db_url):
    engine = engine_for(db_url).execution_options(read_only=True)  # readers: no write lock held
    with engine.connect() as first, engine.connect() as second:  # two connections of the pool
        for connection in (first, second):
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == SQLITE_SYNCHRONOUS_FULL
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            else:
                assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
                assert connection.exec_driver_sql("SHOW fsync").scalar() == "on"


def test_the_unit_of_work_runs_on_a_durable_connection(db_url):
    with session_scope() as session:
        connection = session.connection()
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == SQLITE_SYNCHRONOUS_FULL
        else:
            assert connection.execute(sa.text("SHOW synchronous_commit")).scalar() == "on"
