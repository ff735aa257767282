"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import cjeune_app.core.models  # noqa: F401  (every table in the metadata)
from cjeune_app.core.db import engine_for
from cjeune_app.core.migrations.env_filters import include_object


def test_migrated_schema_matches_the_models(db_url):
    with engine_for(db_url).connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_workers_started_after_a_single_migration_do_not_migrate(tmp_path, monkeypatch):
    """make run-scale migrates once, then starts N workers with CJEUNE_MIGRATE_AT_START=0: they leave
    the schema alone (no race); a lone app (the default) migrates at start."""
    import sqlalchemy as sa

    from cjeune_app.core.migrations import upgrade_schema_at_start
    from cjeune_app.core.settings import reload_settings

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("REFLEX_DB_URL", url)
    monkeypatch.setenv("CJEUNE_MIGRATE_AT_START", "0")
    reload_settings()
    upgrade_schema_at_start()
    engine = sa.create_engine(url)
    assert "alembic_version" not in sa.inspect(engine).get_table_names()
    monkeypatch.delenv("CJEUNE_MIGRATE_AT_START")
    reload_settings()
    upgrade_schema_at_start()
    assert "alembic_version" in sa.inspect(engine).get_table_names()
    engine.dispose()
