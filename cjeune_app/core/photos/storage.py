"""Photos on disk, in a private folder the caller chooses (never one served publicly).

A photo is stored under a random key, so its file name says nothing about the pupil and
cannot be guessed; the database maps pupils to keys. Writes are atomic: a reader sees the
old photo or the new one, never a partial file, even if the process dies mid-write.
"""

import contextlib
import os
import re
import secrets
import tempfile
from pathlib import Path

_KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
_SUFFIX = ".jpg"


def new_key() -> str:
    return secrets.token_hex(16)


def save_atomically(directory: Path, key: str, data: bytes, suffix: str = _SUFFIX) -> Path:
    """Write `data` as the photo (or other private file: `suffix`) `key`: temporary file in the same
    folder, fsync, rename."""
    target = _path(directory, key, suffix)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp creates the file readable by its owner only.
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)
    return target


def load(directory: Path, key: str, suffix: str = _SUFFIX) -> bytes:
    """The photo's bytes; FileNotFoundError when there is none (the route answers 404)."""
    return _path(directory, key, suffix).read_bytes()


def delete(directory: Path, key: str, suffix: str = _SUFFIX) -> None:
    """Remove a replaced or rejected photo; deleting a missing one is not an error."""
    _path(directory, key, suffix).unlink(missing_ok=True)


def _path(directory: Path, key: str, suffix: str = _SUFFIX) -> Path:
    # Keys come from the database, but checking them rules out any path traversal.
    if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
        raise ValueError(f"invalid photo key: {key!r}")
    if suffix not in (".jpg", ".pdf"):
        raise ValueError(f"invalid suffix: {suffix!r}")
    return directory / f"{key}{suffix}"


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); not possible, nor needed, on Windows."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
