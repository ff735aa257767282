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
