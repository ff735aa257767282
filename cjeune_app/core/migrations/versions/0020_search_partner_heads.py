"""search on SQLite: the partners' names, categories and places in an index of their own

Tiers 1 and 2 look for the words in a partner's name, categories and place only, but FTS5
reads a word's whole list of documents whatever the columns asked: a word common in the
descriptions ("cours", "stage") made those two tiers read every description holding it
("cours de maths": 2.5 ms of 6). `search_fts_partner_head` indexes those three columns (and
the facets) of the partners' documents only, kept in step by triggers as the others (0006).
PostgreSQL: nothing to do.

Revision ID: search_partner_heads
Revises: search_position_postgres
"""

from alembic import op

revision = "search_partner_heads"
down_revision = "search_position_postgres"
branch_labels = None
depends_on = None

TABLE = "search_fts_partner_head"
COLUMNS = ("name", "tags", "place", "facets")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    listed = ", ".join(COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({listed}, content='search_entry', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')"
    )
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    op.execute(
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON search_entry WHEN new.offer_id IS NULL "
        f"BEGIN INSERT INTO {TABLE}(rowid, {listed}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON search_entry WHEN old.offer_id IS NULL "
        f"BEGIN INSERT INTO {TABLE}({TABLE}, rowid, {listed}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(f"INSERT INTO {TABLE}(rowid, {listed}) SELECT id, {listed} FROM search_entry WHERE offer_id IS NULL")
    op.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_insert")
    op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_delete")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
