"""The search index: derived data, rebuilt from partners and offers by `indexing`.

`search_entry` holds one document per validated partner (its name, categories, place and
description) and one per published offer not yet expired (its title and discount, with
the partner's name, categories and place again, so that "stage marseille" is found in one
document: the databases then do the AND inside their index). Every
document carries what the filters need (commune, categories, position; as columns and as
`facets` tokens) and its visibility window, so an expired offer drops out at query time
without any job. Rows are replaced, never updated.

The id packs what SQLite must know without reading the row (see `rowids`): the partner,
and the days the document starts and stops being visible.

The full-text side depends on the database and is created by the migration, not by a model:
SQLite: the FTS5 tables `search_fts_partner`, `search_fts_offer` and `search_fts_partner_head`
(the partners' names, categories and places alone; external content = search_entry, kept in
step by triggers); PostgreSQL: the tsvector columns
`search_entry.document` and `offer_terms`, computed on insert by a trigger that then empties
the text columns (only FTS5 reads them), and trigram indexes on `search_term`. Both:
`search_term_variant` (typo neighbours; PostgreSQL since migration 0018). `search_word`
(a model, below) is kept by `indexing` on both.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

ALWAYS_VISIBLE = (0, 2**62)  # (starts_ts, expires_ts) of a partner document

# Names of the objects made by hand in the migration: Alembic's autogenerate must leave them be.
HAND_MADE_PREFIXES = (
    "search_fts", "search_term_variant", "ix_search_entry_document", "ix_search_entry_offer_window",
    "ix_search_entry_browse", "ix_search_entry_position", "ix_search_term_",
)
HAND_MADE_COLUMNS = {("search_entry", "document"), ("search_entry", "offer_terms")}


class SearchEntry(SQLModel, table=True):
    __tablename__ = "search_entry"
    __table_args__ = (
        # Covers "where is this partner" and "has it a current offer" without the table.
        sa.Index("ix_search_entry_partner", "partner_id", "offer_id", "latitude", "longitude"),
    )

    # see rowids.py; the FTS5 rowid on SQLite (INTEGER PRIMARY KEY is 64-bit there)
    id: int = Field(
        primary_key=True,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa_column_kwargs={"autoincrement": False},
    )
    partner_id: int
    offer_id: int | None = None  # None: the partner's own document
    commune_insee: str = Field(sa_type=sa.String(5))
    commune_group: str = Field(sa_type=sa.String(5), index=True)  # 13055 for Marseille's arrondissements
    category_mask: int  # bits of enums.Category, see indexing.CATEGORY_BITS
    latitude: float | None = None
    longitude: float | None = None
    starts_ts: int = Field(sa_type=sa.BigInteger)
    expires_ts: int = Field(sa_type=sa.BigInteger)
    # Searchable text, folded words separated by spaces (text.searchable)
    name: str = Field(default="", sa_type=sa.Text)
    tags: str = Field(default="", sa_type=sa.Text)
    place: str = Field(default="", sa_type=sa.Text)
    offer: str = Field(default="", sa_type=sa.Text)
    body: str = Field(default="", sa_type=sa.Text)
    facets: str = Field(default="", sa_type=sa.Text)  # filter tokens (see facets.py)


# Terms of search_word no word can be (words have no "_", see text.search_tokens): every
# partner, always shown (tier 0); a partner over the merged windows of all its offers
# (tier 0: "bons plans seulement"). SQLite browses with them.
EVERY_PARTNER, WITH_AN_OFFER = "_", "_offer"


class SearchWord(SQLModel, table=True):
    """Each word of a partner's documents once per partner, with the best tier it gives
    alone (1 name, 2 categories or place, 4 description: always shown), and each word of an
    offer's own text (title, discount) once per partner and stretch of time when one of its
    offers holding it is shown (tier 3; the offers' windows merged: at any moment at most one
    row per word and partner is current).

    A query of one word is answered from this table (see `statements.rank_lone_word` and
    `backends`), instead of one document per offer and one table row per document ("stage":
    11 400 rows of one key instead of 3 800 partners' and 16 500 offers' documents). Each
    row carries its partner's filter columns and position, as search_entry does. Kept by
    `indexing` with search_entry."""

    __tablename__ = "search_word"
    __table_args__ = (
        # The page: rows in tier order, then partner order.
        sa.Index("ix_search_word_tier", "term", "tier", "partner_id", "starts_ts", "expires_ts"),
        {"sqlite_with_rowid": False},
    )

    term: str = Field(primary_key=True, sa_type=sa.String(100))
    partner_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    tier: int = Field(primary_key=True, sa_type=sa.SmallInteger, sa_column_kwargs={"autoincrement": False})
    starts_ts: int = Field(primary_key=True, sa_type=sa.BigInteger)
    expires_ts: int = Field(primary_key=True, sa_type=sa.BigInteger)
    # The partner's, as in search_entry: SQLite filters and places a word's rows with them
    # while reading its key, without looking up each partner.
    commune_insee: str = Field(sa_type=sa.String(5))
    commune_group: str = Field(sa_type=sa.String(5))
    category_mask: int
    latitude: float | None = None
    longitude: float | None = None


class SearchTerm(SQLModel, table=True):
    """Every indexed word once: what prefixes expand to and typos are corrected against.
    It only grows between full rebuilds; a word left over from an edit costs nothing but a
    useless expansion."""

    __tablename__ = "search_term"

    term: str = Field(primary_key=True, sa_type=sa.String(100))
    in_offer: bool = False  # found in an offer's title: only then can an offer match it


def is_hand_made(name: str | None, type_: str, table_name: str | None = None) -> bool:
    """For Alembic's include_object: objects of the migration that no model describes."""
    if type_ == "column":
        return (table_name, name) in HAND_MADE_COLUMNS
    return name is not None and name.startswith(HAND_MADE_PREFIXES)
