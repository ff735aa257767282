"""Alembic environment: the metadata of every table, batch mode for SQLite."""

from alembic import context
from sqlmodel import SQLModel

import cjeune_app.core.models  # noqa: F401  (registers every table)
from cjeune_app.core.db import engine_for
from cjeune_app.core.search.models import is_hand_made

config = context.config


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    # The search engine's full-text tables and columns are made by hand, per database.
    if reflected and compare_to is None:
        table_name = obj.table.name if type_ == "column" else None
        return not is_hand_made(name, type_, table_name)
    return True


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
            context.run_migrations()


run_migrations()
