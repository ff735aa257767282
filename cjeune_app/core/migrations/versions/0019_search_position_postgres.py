"""search on PostgreSQL: partners' documents by position

Browsing around a position (the empty box with "Autour de moi", or a radius) computed the
distance of every partner, then sorted them. An index of the partners' documents by latitude
(with what the filters read) lets the nearest page be found ring by ring, as SQLite does with
its cells, and a radius read its band of latitudes only. SQLite: nothing to do.

Revision ID: search_position_postgres
Revises: search_words
"""

from alembic import op

revision = "search_position_postgres"
down_revision = "search_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_search_entry_position ON search_entry (latitude, longitude) "
        "INCLUDE (partner_id, id, category_mask, commune_insee, commune_group) WHERE offer_id IS NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entry_position")
