"""Photo storage: atomic writes under random keys, in a private folder."""

import os
import stat

import pytest

from cjeune_app.core.photos import storage


def test_a_saved_photo_loads_back(tmp_path):
    key = storage.new_key()
    path = storage.save_atomically(tmp_path / "photos", key, b"\xff\xd8\xff photo")
    assert storage.load(tmp_path / "photos", key) == b"\xff\xd8\xff photo"
    assert path.parent == tmp_path / "photos"


def test_keys_are_random_and_say_nothing():
    keys = {storage.new_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(len(key) == 32 and int(key, 16) >= 0 for key in keys)


def test_saving_again_replaces_the_photo_and_leaves_no_temporary_file(tmp_path):
    key = storage.new_key()
    storage.save_atomically(tmp_path, key, b"old")
    storage.save_atomically(tmp_path, key, b"new")
    assert storage.load(tmp_path, key) == b"new"
    assert os.listdir(tmp_path) == [f"{key}.jpg"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_photos_are_readable_by_the_server_only(tmp_path):
    path = storage.save_atomically(tmp_path / "photos", storage.new_key(), b"photo")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "photos").stat().st_mode) == 0o700


def test_a_failed_write_leaves_no_partial_file_and_the_old_photo_intact(tmp_path, monkeypatch):
    key = storage.new_key()
    storage.save_atomically(tmp_path, key, b"old photo")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", disk_full)
    with pytest.raises(OSError):
        storage.save_atomically(tmp_path, key, b"new photo")
    assert storage.load(tmp_path, key) == b"old photo"
    assert os.listdir(tmp_path) == [f"{key}.jpg"]


def test_a_missing_photo_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        storage.load(tmp_path, storage.new_key())


def test_deleting_removes_the_photo_and_tolerates_a_missing_one(tmp_path):
    key = storage.new_key()
    storage.save_atomically(tmp_path, key, b"photo")
    storage.delete(tmp_path, key)
    storage.delete(tmp_path, key)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "key", ["../../etc/passwd", "", "ABCDEF" * 6, "a" * 31, "a" * 33, "0" * 31 + "/", None]
)
def test_a_key_that_is_not_one_of_ours_is_refused(tmp_path, key):
    for operation in (
        lambda: storage.save_atomically(tmp_path, key, b"photo"),
        lambda: storage.load(tmp_path, key),
        lambda: storage.delete(tmp_path, key),
    ):
        with pytest.raises(ValueError):
            operation()
    assert os.listdir(tmp_path) == []
