"""The data folder is the app's user's only: the folder and its subfolders 0700, the SQLite file
(and its WAL), the photos and the outbox's messages (live reset links) 0600, whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest
import sqlalchemy as sa

from cjeune_app.core.db import engine_for
from cjeune_app.core.notifications.api import outbox_dir, send_email
from cjeune_app.core.photos.api import photo_directory
from cjeune_app.core.photos.storage import new_key, save_atomically
from cjeune_app.core.settings import data_dir, database_url


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("REFLEX_DB_URL", raising=False)
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    previous = os.umask(0o022)  # the usual umask: world-readable unless the app says otherwise
    yield tmp_path / "var"
    os.umask(previous)


def test_the_data_folder_and_the_outbox_are_private(data):
    assert data_dir() == data and mode(data) == 0o700
    send_email("parent@exemple.fr", "Réinitialisation", "https://cjeune.example/lien?jeton=secret")
    messages = list(outbox_dir().glob("*.eml"))
    assert len(messages) == 1
    assert mode(outbox_dir()) == 0o700 and mode(messages[0]) == 0o600


def test_an_existing_world_readable_data_folder_is_closed(data):
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    data_dir()
    assert mode(data) == 0o700


def test_photos_are_private(data):
    path = save_atomically(photo_directory(), new_key(), b"\xff\xd8 not really a photo")
    assert mode(path) == 0o600 and mode(photo_directory()) == 0o700 and mode(data) == 0o700


def test_the_sqlite_file_and_its_wal_are_private(data):
    url = database_url()
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        files = sorted(data.glob("cjeune.db*"))
        assert data / "cjeune.db" in files and data / "cjeune.db-wal" in files
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        engine.dispose()
