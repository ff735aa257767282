"""Configuration read from the environment, with defaults that run on a laptop."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Folder for the SQLite file, photos and the local outbox (never served publicly)."""
    path = Path(os.environ.get("CJEUNE_DATA_DIR", PROJECT_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    return os.environ.get("REFLEX_DB_URL") or f"sqlite:///{data_dir() / 'cjeune.db'}"
