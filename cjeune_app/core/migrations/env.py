"""Alembic environment: the metadata of every table, batch mode for SQLite."""

from alembic import context
from sqlmodel import SQLModel

import cjeune_app.core.models  # noqa: F401  (registers every table)
from cjeune_app.core.db import engine_for
from cjeune_app.core.migrations.env_filters import include_object

config = context.config


def run_migrations() -> None:
    engine = engine_for(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            # Several app workers may start at once: one migrates, the others wait and find
            # the schema at head. (On SQLite, BEGIN IMMEDIATE already serializes them.)
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(1313)")
            context.run_migrations()


run_migrations()
