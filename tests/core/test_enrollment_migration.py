"""The stepper's migration ends on the same schema whether or not the minimal `enrollment`
table of the cards was created before it, and keeps the rows already there."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

import cjeune_app.core.models  # noqa: F401  (every table in the metadata)
from cjeune_app.core.db import engine_for
from cjeune_app.core.enrollment.models import Enrollment
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.migrations import alembic_config
from cjeune_app.core.seasons.api import get_or_create_season
from tests.conftest import _create_postgres_database, _drop_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_urls(request, tmp_path):
    """Two empty databases of the same kind."""
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"]
        return
    server = request.getfixturevalue("postgres_server")
    created = [_create_postgres_database(server) for _ in range(2)]
    yield [url for _, url in created]
    for name, url in created:
        engine_for(url).dispose()
        _drop_postgres_database(server, name)


def _minimal_enrollment_table(url: str) -> None:
    """The cards' minimal table, as its own migration creates it."""
    metadata = sa.MetaData()
    sa.Table(
        "enrollment", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pupil_id", sa.Integer, sa.ForeignKey("pupil.id"), nullable=False, index=True),
        sa.Column("season_id", sa.Integer, sa.ForeignKey("season.id"), nullable=False, index=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("is_renewal", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("pupil_id", "season_id", name="enrollment_one_per_season"),
    )
    sa.Table("pupil", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("season", metadata, sa.Column("id", sa.Integer, primary_key=True))
    metadata.tables["enrollment"].create(engine_for(url))


def _schema(url: str) -> dict:
    inspector = sa.inspect(engine_for(url))
    return {
        table: sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table))
        for table in ("enrollment", "consent_record")
    } | {"checks": sorted(c["name"] for c in inspector.get_check_constraints("enrollment")),
         "unique": sorted(u["name"] for u in inspector.get_unique_constraints("enrollment"))}


def test_the_migration_extends_an_existing_minimal_table_to_the_same_schema(blank_urls):
    fresh, extended = blank_urls
    command.upgrade(alembic_config(fresh), "head")

    command.upgrade(alembic_config(extended), "0001")
    _minimal_enrollment_table(extended)
    completed = dt.datetime(2026, 9, 20, 8, 0, tzinfo=dt.UTC)
    with Session(engine_for(extended)) as session:
        school = Establishment(uai="0131801X", name="Collège Sainte-Victoire", commune_insee="13001")
        session.add(school)
        session.flush()
        pupil = Pupil(establishment_id=school.id, last_name="Fernandez", first_name="Julie",
                      birth_date=dt.date(2013, 3, 14), class_name="5e B")
        session.add(pupil)
        season = get_or_create_season(session, "2026-2027")
        session.flush()
        session.execute(sa.text(
            "INSERT INTO enrollment (pupil_id, season_id, status, completed_at, is_renewal, created_at) "
            "VALUES (:p, :s, 'completed', :t, :r, :t)"), {"p": pupil.id, "s": season.id, "t": completed, "r": False})
        session.commit()
    command.upgrade(alembic_config(extended), "head")

    assert _schema(extended) == _schema(fresh)
    with engine_for(extended).connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                SQLModel.metadata) == []
    with Session(engine_for(extended)) as session:
        row = session.exec(select(Enrollment)).one()
        assert (row.status, row.completed_at, row.current_step, row.email, row.optin_email, row.optin_sms) == (
            "completed", completed, 1, "", False, False)
