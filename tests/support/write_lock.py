"""The database's write locks seen from another process: whether a writer would wait right now (asked
from inside a slow step of a use case, argon2 or Pillow, to prove that step runs before the use case's
writing transaction), and a writing transaction held open while the app reads."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import sqlalchemy as sa

from cjeune_app.core.db import engine_for

_TOUCH_ACCOUNT = "UPDATE account SET failed_logins = failed_logins WHERE id = {}"


def _sqlite_file(db_url: str) -> str:
    return sa.engine.make_url(db_url).database or ""


def write_without_waiting(db_url: str, account_id: int) -> str:
    """A write of the account's row from another connection, refused at once if it would wait: on
    SQLite a writing transaction holds the database's only write lock, on PostgreSQL a use case locks
    the account's row. "written" or "waited"."""
    statement = _TOUCH_ACCOUNT.format(int(account_id))
    if db_url.startswith("sqlite"):
        other = sqlite3.connect(_sqlite_file(db_url), timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute(statement)
            other.execute("COMMIT")
            return "written"
        except sqlite3.OperationalError:
            return "waited"
        finally:
            other.close()
    with engine_for(db_url).connect() as connection:
        connection.exec_driver_sql("SET lock_timeout = '50ms'")
        try:
            connection.exec_driver_sql(statement)
            connection.commit()
            return "written"
        except sa.exc.OperationalError:
            return "waited"


@contextlib.contextmanager
def writing_meanwhile(db_url: str, account_id: int, token_hash: str) -> Iterator[None]:
    """Another process's writing transaction, open for the block's length, that wrote the account's
    and the session's rows (SQLite: the database's write lock held)."""
    statements = [_TOUCH_ACCOUNT.format(int(account_id)),
                  "UPDATE auth_session SET remember = remember WHERE token_hash = '{}'".format(
                      token_hash.replace("'", ""))]
    if db_url.startswith("sqlite"):
        other = sqlite3.connect(_sqlite_file(db_url), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        for statement in statements:
            other.execute(statement)
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with engine_for(db_url).connect() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
        try:
            yield
        finally:
            connection.rollback()
