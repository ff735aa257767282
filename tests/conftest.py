"""Shared fixtures: real databases (a SQLite file, a fresh PostgreSQL database), no mocks."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from cjeune_app.core.db import engine_for
from cjeune_app.core.migrations import upgrade_schema
from cjeune_app.core.settings import reload_settings

POSTGRES_ADMIN_URL = os.environ.get(
    "CJEUNE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _reloading_settings(method):
    """Core reads its settings once per process (`core.settings.settings()`): every change of the
    environment made through pytest's MonkeyPatch (fixture or instance) makes it read them again."""

    def changed(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        reload_settings()
        return result

    return changed


for _name in ("setenv", "delenv", "undo"):
    setattr(pytest.MonkeyPatch, _name, _reloading_settings(getattr(pytest.MonkeyPatch, _name)))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _postgres_available() -> str | None:
    """None when the server answers, else the reason to show in the skip message."""
    try:
        with sa.create_engine(POSTGRES_ADMIN_URL).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return None
    except Exception as error:  # any connection failure is a reason to skip, visibly
        return f"PostgreSQL ne répond pas sur {POSTGRES_ADMIN_URL}: {error.__class__.__name__}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    reason = _postgres_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests. {reason}")
        pytest.skip(reason)
    return POSTGRES_ADMIN_URL


def _create_postgres_database(admin_url: str, template: str | None = None) -> tuple[str, str]:
    name = f"cjeune_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres_database(admin_url: str, name: str) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated once; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade_schema(url)
    engine_for(url).dispose()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # checkpoint the WAL: one self-contained file
    return path


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> Iterator[str]:
    """A database migrated once; each test gets a copy of it (much faster than migrating)."""
    name, url = _create_postgres_database(postgres_server)
    upgrade_schema(url)
    engine_for(url).dispose()  # a template must have no open connection
    yield name
    _drop_postgres_database(postgres_server, name)


@pytest.fixture
def postgres_url(postgres_server, postgres_template) -> Iterator[str]:
    name, url = _create_postgres_database(postgres_server, template=postgres_template)
    yield url
    engine_for(url).dispose()
    _drop_postgres_database(postgres_server, name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, monkeypatch, tmp_path) -> str:
    """The same test on a SQLite file and on a fresh PostgreSQL database.

    REFLEX_DB_URL is set so that core code under test (session_scope) uses this database.
    """
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    monkeypatch.setenv("REFLEX_DB_URL", url)
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "data"))
    return url


@pytest.fixture
def session(db_url):
    from sqlmodel import Session

    with Session(engine_for(db_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def smtp_server(monkeypatch):
    """A real local SMTP server that the app sends its e-mails to (CJEUNE_SMTP_URL)."""
    from tests.support.mail import SmtpServer

    server = SmtpServer()
    server.start()
    monkeypatch.setenv("CJEUNE_SMTP_URL", server.url)
    yield server
    server.stop()
