"""Engine and sessions: SQLite file by default (WAL), PostgreSQL when REFLEX_DB_URL says so."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, create_engine

from cjeune_app.core.errors import Refusal
from cjeune_app.core.settings import database_url, uses_sqlite
from cjeune_app.core.telemetry import DB_CONNECTIONS_IN_USE

# Named constraints: Alembic can then alter them on SQLite (batch mode) and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Aware UTC timestamp: what we store everywhere (shown in Europe/Paris at the edge)."""
    return dt.datetime.now(dt.UTC)


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: pages are the OS's file cache
SQLITE_BUSY_TIMEOUT_S = 15  # how long a writer waits for the write lock before failing


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run during a write; busy_timeout makes concurrent writers wait
    # instead of failing at once; foreign keys are off by default in SQLite.
    # synchronous=FULL: in WAL mode NORMAL may lose the last commits (a payment) on a power cut
    # or an OS crash; FULL syncs the WAL at every commit, so money that was answered stays.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    # Reads through a memory map of the file (shared by every connection through the OS's
    # cache) instead of a read() per page missing from each connection's 2 MB page cache:
    # a month's reimbursement batch probes a few hundred thousand index entries. Writes are
    # unchanged (and durable as above).
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


class _WriterQueue:
    """The writing transactions of this process queued on a lock before SQLite's own.

    SQLite makes a writer that finds the lock taken sleep and try again (1, 2, 5... then every 100 ms):
    under load the lock sat free while the waiters slept, and a newcomer took it before them (a
    "Suivant" waited over a second behind writes of 20 ms). Here a waiter is woken as soon as the
    writer before it ends. Other processes (a command-line tool) are still kept apart by SQLite."""

    HOLDS = "cjeune_writer_queue"

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def enter(self, info: dict[Any, Any]) -> None:
        if not info.get(self.HOLDS) and self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_S):
            info[self.HOLDS] = True  # else SQLite's busy_timeout decides, as without this queue

    def leave(self, info: dict[Any, Any]) -> None:
        if info.pop(self.HOLDS, False):
            self._lock.release()

    def listen(self, engine: sa.Engine) -> None:
        sa.event.listen(engine, "commit", lambda conn: self.leave(conn.info))
        sa.event.listen(engine, "rollback", lambda conn: self.leave(conn.info))
        # Whatever ended the connection's use (an error, an invalidated connection): the queue goes on.
        sa.event.listen(engine, "checkin", lambda _dbapi, record: self.leave(record.info))
        sa.event.listen(engine, "invalidate", lambda _dbapi, record, _error: self.leave(record.info))
        sa.event.listen(engine, "close", lambda _dbapi, record: self.leave(record.info))


def _sqlite_begin(conn: sa.Connection, writers: _WriterQueue) -> None:
    # A writing transaction takes the write lock at BEGIN: two of them then queue instead of
    # failing on a read-then-write lock upgrade. Readers stay deferred so that they never wait for a
    # writer (WAL).
    read_only = conn.get_execution_options().get("read_only", False)
    if not read_only:
        writers.enter(conn.info)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _private_sqlite_file(url: str) -> None:
    """The SQLite file readable by the app's user only (0600); SQLite gives its -wal and -shm files
    the database file's permissions."""
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        with contextlib.suppress(FileNotFoundError):  # no folder: SQLite will say so
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # an empty file is an empty database
    elif path.stat().st_mode & 0o077:
        with contextlib.suppress(PermissionError):
            path.chmod(0o600)


@lru_cache(maxsize=8)
def engine_for(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)

        @sa.event.listens_for(engine, "connect")
        def _disable_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves

        writers = _WriterQueue()
        writers.listen(engine)
        sa.event.listen(engine, "begin", lambda conn: _sqlite_begin(conn, writers))
        _count_connections_in_use(engine)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_after_idle(engine)
    _count_connections_in_use(engine)
    return engine


# A pooled connection left unused this long is checked (a round trip) before it is handed out: the
# server may have closed it meanwhile (a restart, an idle timeout). One used a moment ago is alive;
# checking it too (pool_pre_ping) cost a round trip in every transaction, so in every screen event.
IDLE_BEFORE_PING_S = 5.0


def _ping_after_idle(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["checked_in_at"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_BEFORE_PING_S:
            return  # just opened (maybe inside the dialect's first queries), or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool then replaces the connection and tries again
            raise sa.exc.DisconnectionError() from error


def _count_connections_in_use(engine: sa.Engine) -> None:
    """The pool's connections in use, for /metrics (a pool always busy means too few connections)."""
    sa.event.listen(engine, "checkout", lambda *_: DB_CONNECTIONS_IN_USE.inc())
    sa.event.listen(engine, "checkin", lambda *_: DB_CONNECTIONS_IN_USE.dec())


def get_engine() -> sa.Engine:
    return engine_for(database_url())


@lru_cache(maxsize=8)
def _reading_engine(url: str, settings: tuple[tuple[str, str], ...]) -> sa.Engine:
    """PostgreSQL connections opened with `settings`, in autocommit: for reads only (see reading_scope)."""
    options = " ".join(f"-c {name}={value}" for name, value in settings)
    engine = create_engine(url, pool_size=5, max_overflow=10, isolation_level="AUTOCOMMIT",
                           connect_args={"options": options})
    _ping_after_idle(engine)
    _count_connections_in_use(engine)
    return engine


@contextlib.contextmanager
def reading_scope(postgres_settings: Mapping[str, str]) -> Iterator[Session]:
    """A unit of work that only reads, whose statements need server settings of their own (the
    search's planner settings): on PostgreSQL, a pool of connections opened with them, in
    autocommit. No statement then sets them, and no BEGIN nor COMMIT is sent: each statement reads
    its own snapshot, as in a READ COMMITTED transaction anyway. On SQLite, a read-only session_scope
    (the settings are PostgreSQL's). `session.info["connection_settings"]` tells which were set."""
    if uses_sqlite():
        with session_scope(read_only=True) as session:
            yield session
        return
    engine = _reading_engine(database_url(), tuple(sorted(postgres_settings.items())))
    with Session(engine, expire_on_commit=False, info={"connection_settings": dict(postgres_settings)}) as session:
        yield session


@contextlib.contextmanager
def session_scope(read_only: bool = False) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back on any error.

    A refusal marked `keep_changes` (e.g. a counted wrong card number) is committed, then raised.
    """
    engine = get_engine()
    if read_only:
        engine = engine.execution_options(read_only=True)
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Refusal as refusal:
            if refusal.keep_changes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
