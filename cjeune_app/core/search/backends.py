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

A query of one word, matched as whole indexed words (not a short prefix starting many
words: "mar"), is answered from `search_word` on both databases (see `models.SearchWord`):
each word of a partner's document with the tier it gives alone, each word of an offer's own
text over the merged windows of its offers holding it, each row with the partner's filter
columns and position. Without filter, two statements read its two indexes only
(`statements.rank_lone_word`): the total in partner order, the page in tier order. With
filters or a position, SQLite filters and places the word's rows as it reads them, then
groups them by partner; PostgreSQL, whose key holds none of those columns, joins the rows
to the partners' index instead (ix_search_entry_browse: filters, position, document id).
With "bons plans seulement", SQLite takes only the offers' partners from it. A word also matches by its stem, and a
document holding a word holds its stem: the words whose stem is the root are left out of
the query (`text.QueryWord.exact`), which halves the lists the indexes merge.

A lone prefix starting more words than a search expands ("mar": marseille, martigues,
marche...) is read from `search_word` on PostgreSQL too, as the rows of those words grouped
by partner (`statements.rank_lone_prefix`), instead of weighing each partner's document for
its tier; SQLite's full-text index answers it faster.

Other queries. SQLite answers from its FTS5 indexes (the partners' heads: name, categories
and place, for tiers 1 and 2; their whole documents; the offers'): each tier is one MATCH that does
the AND inside the index and excludes the better tiers, so each partner comes out once,
without grouping rows; rows are read only for the few documents whose visibility the id
cannot prove (see `rowids`) and for positions when sorting by distance. PostgreSQL reads
search_entry through one GIN index per kind of document: partners' documents give tiers 1,
2 and 4; offers' documents only tier 3, and are read only when one of the query's words is
among the offer's own words (`offer_terms`, in the same index); it groups by partner only
when offers can match. Browsing without words and "bons plans seulement" read an index and
the document id (`rowids`), not the rows; on SQLite, browsing without filter nor position
reads search_word's rows of every partner or of each partner with a current offer
(`statements.rank_browsing`). Typos are looked up by one-letter deletions
(`search_term_variant`) on both.

What it costs (20 000 partners, 100 000 offers; see bench/bench_search.py). SQLite: the
FTS5 lists cost about 35 ns a document, but each row that goes on through SQL (visibility,
removing a partner's repeats, the NOT IN between tiers, materialized tiers) costs 100 to
200 ns: a word with a filter ("stage" and a category: 3 800 partners' and 16 500 offers'
documents) takes 4 to 8 ms, a multi-word query of common words 2 to 5 ms, browsing 1.5 to
3 ms; "stage" alone, from search_word, about 1 ms (its rows in partner order are counted
without sorting, and the page is the start of the tier order). PostgreSQL: the GIN index
gives the documents holding the words, and PostgreSQL then reads one table row per
document found (a GIN index cannot answer alone: the partner, the visibility window and
the weights of the words are in the row), about a microsecond each, spread over thousands
of pages for offers' documents; search_word is read index-only instead. The ranking
statement is planned for its own words each time, without parallel workers or JIT (see
`postgres_backend._SETTINGS`): a generic plan of a prepared statement computes to_tsquery
once per row read, four times slower. On every search, showing the page (`api._hydrate`,
0.4 ms on SQLite, 0.6 on PostgreSQL, mostly turning rows into objects) and reading the
vocabulary (0.2 to 0.5 ms) come on top. A query made only of stop words ("la") browses
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
