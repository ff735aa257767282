"""What differs between SQLite (FTS5) and PostgreSQL (tsvector, unaccent, pg_trgm).

A partner matches when every word typed is found, as a prefix, in one of its documents:
its own (name, categories, place, description) or one of its current offers (title and
discount, plus the partner's name, categories and place). Both databases rank the same
way, so both give the same pages. A partner's tier is
    1 every word in its name,
    2 every word in its name, categories or place,
    3 every word in a current offer's document,
    4 every word somewhere in its own document (the description counts);
results come by tier, then partner id (oldest first). Sorting by distance puts the
nearest first, then the same order.

SQLite answers from its two FTS5 indexes: each tier is one MATCH that does the AND inside
the index and excludes the better tiers, so each partner comes out once, without grouping
rows; rows are read only for the few documents whose visibility the id cannot prove (see
`rowids`) and for positions when sorting by distance. PostgreSQL reads search_entry
through one GIN index per kind of document: partners' documents give tiers 1, 2 and 4;
offers' documents only tier 3, and are read only when one of the query's words is among
the offer's own words (`offer_terms`, in the same index); it groups by partner only when
offers can match. Browsing without words and "bons plans seulement" read an index and the
document id (`rowids`), not the rows.

What a word query costs on PostgreSQL: the GIN index gives the documents holding the words,
and PostgreSQL then reads one table row per document found (a GIN index cannot answer
alone: the partner, the visibility window and the weights of the words are in the row), so
the time grows with the number of documents found, about a microsecond each ("stage":
3 800 partners' and 15 000 offers' documents, the slowest of the benchmark). The ranking
statement is planned for its own words each time, without parallel workers or JIT (see
`postgres_backend._SETTINGS`): a generic plan of a prepared statement computes to_tsquery
once per row read, four times slower. A query made only of stop words ("la") browses
(see `text.query_words`).
"""

from __future__ import annotations

from sqlmodel import Session

from cjeune_app.core.search.postgres_backend import PostgresBackend
from cjeune_app.core.search.sqlite_backend import SqliteBackend
from cjeune_app.core.search.statements import Criteria

__all__ = ["Criteria", "PostgresBackend", "SqliteBackend", "for_session"]


def for_session(session: Session) -> SqliteBackend | PostgresBackend:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return SqliteBackend()
    if dialect == "postgresql":
        return PostgresBackend()
    raise RuntimeError(f"Base de données non prise en charge par la recherche : {dialect}")
