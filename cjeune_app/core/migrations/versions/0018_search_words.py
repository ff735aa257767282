"""search: the words of partners and of their offers, read from one table's indexes

`search_word` holds each word of a partner's documents once per partner with the tier it
gives alone, and each word of an offer's own text (title, discount) once per partner and
merged stretch of time its offers holding it are shown (see `search.models.SearchWord`): a
query of one word is answered from its two indexes alone, on SQLite and PostgreSQL, instead
of reading one document per offer. PostgreSQL also gets `search_term_variant`, as SQLite has
(0006): typo candidates by one-letter deletions, as exact as on SQLite and faster than by
similar trigrams. Filled from partners and offers by a rebuild.

Revision ID: search_words
Revises: search_narrow_postgres
"""

import sqlalchemy as sa
from alembic import op

revision = "search_words"
down_revision = "search_narrow_postgres"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_word",
        sa.Column("term", sa.String(100), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("tier", sa.SmallInteger(), nullable=False, autoincrement=False),
        sa.Column("starts_ts", sa.BigInteger(), nullable=False),
        sa.Column("expires_ts", sa.BigInteger(), nullable=False),
        sa.Column("commune_insee", sa.String(5), nullable=False),
        sa.Column("commune_group", sa.String(5), nullable=False),
        sa.Column("category_mask", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("term", "partner_id", "tier", "starts_ts", "expires_ts", name="pk_search_word"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_search_word_tier", "search_word", ["term", "tier", "partner_id", "starts_ts", "expires_ts"])
    if op.get_bind().dialect.name == "postgresql":
        # Typo neighbours as on SQLite (0006): a word under each of its one-letter deletions.
        op.execute(
            "CREATE TABLE search_term_variant (variant VARCHAR(100) NOT NULL, term VARCHAR(100) NOT NULL, "
            "PRIMARY KEY (variant, term))"
        )
    from sqlmodel import Session

    from cjeune_app.core.search import reindex_all

    session = Session(bind=op.get_bind())
    reindex_all(session)
    session.flush()


def downgrade() -> None:
    op.drop_table("search_word")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table("search_term_variant")
