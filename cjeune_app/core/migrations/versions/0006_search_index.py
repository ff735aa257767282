"""search index: documents, vocabulary, and the full-text machinery of each database

Revision ID: search_index
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = "search_index"
down_revision = "wallet_ledger_guards"
branch_labels = None
depends_on = None

# SQLite: partners' documents and offers' documents in two FTS5 tables over search_entry.
SQLITE_FTS_TABLES = {
    "search_fts_partner": ("name", "tags", "place", "body", "facets"),
    "search_fts_offer": ("name", "tags", "place", "offer", "facets"),
}

# PostgreSQL: the parser's word and number tokens go through unaccent then `simple`
# (lower case, no stemming: prefixes must match what people type).
POSTGRES_TOKEN_TYPES = (
    "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, "
    "hword_numpart, int, uint, float, sfloat"
)


def upgrade() -> None:
    op.create_table(
        "search_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("commune_insee", sa.String(length=5), nullable=False),
        sa.Column("commune_group", sa.String(length=5), nullable=False),
        sa.Column("category_mask", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("starts_ts", sa.BigInteger(), nullable=False),
        sa.Column("expires_ts", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("offer", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("facets", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
    )
    op.create_index(op.f("ix_search_entry_commune_group"), "search_entry", ["commune_group"])
    op.create_index(
        "ix_search_entry_partner", "search_entry", ["partner_id", "offer_id", "latitude", "longitude"]
    )
    op.create_table(
        "search_term",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("in_offer", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_term")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_full_text()
    else:
        _sqlite_full_text()


def _sqlite_full_text() -> None:
    # External content: the text lives once, in search_entry; triggers keep each index in
    # step with the rows of its kind (never 'rebuild' them: that would index every row).
    for table, columns in SQLITE_FTS_TABLES.items():
        listed = ", ".join(columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5({listed}, content='search_entry', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')"
        )
        kind = "IS NULL" if table == "search_fts_partner" else "IS NOT NULL"
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        insert = f"INSERT INTO {table}(rowid, {listed}) VALUES (new.id, {new});"
        delete = f"INSERT INTO {table}({table}, rowid, {listed}) VALUES ('delete', old.id, {old});"
        op.execute(
            f"CREATE TRIGGER {table}_insert AFTER INSERT ON search_entry "
            f"WHEN new.offer_id {kind} BEGIN {insert} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_delete AFTER DELETE ON search_entry "
            f"WHEN old.offer_id {kind} BEGIN {delete} END"
        )
    op.execute(
        "CREATE TRIGGER search_entry_no_update BEFORE UPDATE ON search_entry BEGIN "
        "SELECT RAISE(ABORT, 'search_entry rows are replaced, never updated'); END"
    )
    # Typo neighbours: a word under each of its one-letter deletions (text.deletion_variants).
    op.execute(
        "CREATE TABLE search_term_variant (variant VARCHAR(100) NOT NULL, term VARCHAR(100) NOT NULL, "
        "PRIMARY KEY (variant, term)) WITHOUT ROWID"
    )


def _postgres_full_text() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE TEXT SEARCH CONFIGURATION cjeune_search (COPY = pg_catalog.simple)")
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION cjeune_search ALTER MAPPING FOR {POSTGRES_TOKEN_TYPES} "
        "WITH unaccent, simple"
    )
    # Weights: A name, B categories and place, C offer title, D descriptions.
    op.execute(
        "ALTER TABLE search_entry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('cjeune_search'::regconfig, name), 'A') || "
        "setweight(to_tsvector('cjeune_search'::regconfig, tags || ' ' || place), 'B') || "
        "setweight(to_tsvector('cjeune_search'::regconfig, offer), 'C') || "
        "setweight(to_tsvector('cjeune_search'::regconfig, body), 'D')) STORED"
    )
    # One index per kind of document: a query for partners' words never reads the offers'.
    op.execute(
        "CREATE INDEX ix_search_entry_document_partner ON search_entry USING gin (document) "
        "WHERE offer_id IS NULL"
    )
    op.execute(
        "CREATE INDEX ix_search_entry_document_offer ON search_entry USING gin (document) "
        "WHERE offer_id IS NOT NULL"
    )
    op.execute("CREATE INDEX ix_search_term_trigram ON search_term USING gin (term gin_trgm_ops)")
    op.execute("CREATE INDEX ix_search_term_prefix ON search_term (term text_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table("search_term")
        op.drop_table("search_entry")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS cjeune_search")
    else:
        op.execute("DROP TABLE IF EXISTS search_term_variant")
        for table in SQLITE_FTS_TABLES:
            op.execute(f"DROP TABLE IF EXISTS {table}")
        op.drop_table("search_term")
        op.drop_table("search_entry")  # its triggers go with it
