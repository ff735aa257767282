"""The engine's settings that protect money: durable commits on SQLite, PostgreSQL's defaults kept."""

import contextlib
import threading

import pytest
import sqlalchemy as sa

from cjeune_app.core import db
from cjeune_app.core.db import engine_for, session_scope
from cjeune_app.core.errors import Refusal

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


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()


@pytest.mark.postgres
def test_a_connection_closed_by_the_server_while_idle_is_replaced_unnoticed(postgres_url, monkeypatch):
    """The pool checks a connection (one round trip) only after it has been idle a while: one the
    server closed meanwhile (a restart, an idle timeout) is replaced, and the unit of work runs."""
    engine = engine_for(postgres_url)
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first  # used a moment ago: the same connection, not checked
    with sa.create_engine(postgres_url).connect() as admin:
        admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    monkeypatch.setattr(db, "IDLE_BEFORE_PING_S", 0.0)  # as if it had been idle long enough
    second = _backend_pid(engine)
    assert second != first


def _writes_at_once_from_another_thread(url: str) -> bool:
    """Whether another thread's writing transaction, on a new connection, starts and ends within 5 s
    (behind a writer left in the queue it would wait SQLite's 15 s)."""
    def write() -> None:
        with session_scope() as session:
            session.execute(sa.text("UPDATE account SET failed_logins = failed_logins"))
    engine_for(url).dispose()  # the pooled connections closed: the write opens a new one
    other = threading.Thread(target=write)
    other.start()
    other.join(5)
    done = not other.is_alive()
    other.join()
    return done


def test_the_queue_of_writers_goes_on_after_every_end_of_a_write(sqlite_url, monkeypatch):
    """The process's writers queue on a lock before SQLite's (db._WriterQueue): a commit, an error,
    a refusal kept or not, a connection's own commit and rollback all let the next writer in."""
    monkeypatch.setenv("REFLEX_DB_URL", sqlite_url)
    engine = engine_for(sqlite_url)
    touch = sa.text("UPDATE account SET failed_logins = failed_logins")

    def committed() -> None:
        with session_scope() as session:
            session.execute(touch)

    def failed() -> None:
        with contextlib.suppress(ValueError), session_scope() as session:
            session.execute(touch)
            raise ValueError("an error inside the unit of work")

    class Kept(Refusal):
        keep_changes = True

    def refused(refusal: type[Refusal]) -> None:
        with contextlib.suppress(Refusal), session_scope() as session:
            session.execute(touch)
            raise refusal()

    def connection_used_twice() -> None:
        with engine.connect() as connection:
            connection.execute(touch)
            connection.commit()
            connection.execute(touch)
            connection.rollback()

    for end in (committed, failed, lambda: refused(Kept), lambda: refused(Refusal), connection_used_twice):
        end()
        assert _writes_at_once_from_another_thread(sqlite_url), end
