"""search: the words of each partner's offers, read from one index

`search_offer_word` holds each word of an offer's own text (title, discount) once per
partner and merged stretch of time its offers holding it are shown (see
`search.models.SearchOfferWord`): a query of one word finds the partners with a current
offer holding it from this index alone, on SQLite and PostgreSQL, instead of reading one
document per offer. Filled from the index's documents by a rebuild.

Revision ID: search_offer_words
Revises: search_narrow_postgres
"""

import sqlalchemy as sa
from alembic import op

revision = "search_offer_words"
down_revision = "search_narrow_postgres"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PostgreSQL: byte order, so that "term LIKE 'mar%'" reads a range of the primary key
    # whatever the database's collation (see `search.models.SearchOfferWord`).
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "search_offer_word",
        sa.Column("term", sa.String(100, collation="C") if postgres else sa.String(100), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("starts_ts", sa.BigInteger(), nullable=False),
        sa.Column("expires_ts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("term", "partner_id", "starts_ts", "expires_ts", name="pk_search_offer_word"),
        sqlite_with_rowid=False,
    )
    from sqlmodel import Session

    from cjeune_app.core.search import reindex_all

    session = Session(bind=op.get_bind())
    reindex_all(session)
    session.flush()


def downgrade() -> None:
    op.drop_table("search_offer_word")
