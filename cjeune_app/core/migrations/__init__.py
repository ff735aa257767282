"""Schema migrations (Alembic). `upgrade_schema()` runs them; the app calls it on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(url: str | None = None) -> Config:
    from cjeune_app.core.settings import database_url

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return config


def upgrade_schema(url: str | None = None) -> None:
    command.upgrade(alembic_config(url), "head")


def upgrade_schema_at_start() -> None:
    """The app's start: brings the schema to head unless CJEUNE_MIGRATE_AT_START=0 says that it was
    migrated once before the workers started (`make run-scale`)."""
    from cjeune_app.core.settings import settings

    if settings().migrate_at_start:
        upgrade_schema()


def make_migration(message: str) -> None:
    """Developer helper: `python -m cjeune_app.core.migrations.make "message"`."""
    command.revision(alembic_config(), message=message, autogenerate=True)

