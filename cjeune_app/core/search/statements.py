"""What both search backends share: the criteria of a checked query, the SQL that pages the
hits, and the upkeep of the vocabulary (see `backends` for how ranking works)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from cjeune_app.core.enums import Category, Envelope
from cjeune_app.core.search import geo
from cjeune_app.core.search.facets import CATEGORY_BITS, ENVELOPE_BITS
from cjeune_app.core.search.models import EVERY_PARTNER, WITH_AN_OFFER, SearchTerm
from cjeune_app.core.search.text import QueryWord
from cjeune_app.core.territory.api import MARSEILLE_INSEE

T = TypeVar("T")


def table_of(model: type[SQLModel]) -> sa.Table:
    """The table of a model, typed (SQLModel does not declare `__table__`)."""
    return SQLModel.metadata.tables[str(model.__tablename__)]

TERMS = table_of(SearchTerm)
_CHUNK = 500  # bound parameters per statement, well under SQLite's limit

# Rings tried, in km, when sorting by distance: the first one holding a full page ends it.
DISTANCE_RINGS_KM = (1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0)
# Trigram similarity above which a vocabulary word is checked for being one typo away.
# Low on purpose: over 12 668 one-typo pairs of words of five letters or more, the lowest
# similarity measured was 0.2; the check that follows (text.one_typo_apart) is exact.
POSTGRES_TRIGRAM_THRESHOLD = "0.18"


@dataclass(frozen=True)
class Criteria:
    """What the backends need of a validated query."""

    words: list[QueryWord]
    category: Category | None
    envelope: Envelope | None
    commune: str | None
    offers_only: bool
    position: tuple[float, float] | None
    radius_km: float | None
    by_distance: bool
    offset: int
    limit: int
    now: int  # epoch seconds


def lone_word(criteria: Criteria) -> QueryWord | None:
    """The query's only word, when search_word has its offers' partners: one word, matched
    as whole indexed words (a prefix starting many words is faster in a full-text index),
    each of its meanings one indexed word."""
    if len(criteria.words) != 1:
        return None
    word = criteria.words[0]
    if word.prefixes or any(len(meaning) > 1 for meaning in word.meanings):
        return None
    return word


def lone_prefix(criteria: Criteria) -> str | None:
    """The query's only word when it is only the start of more indexed words than a search
    expands ("mar": marseille, martigues, marche... see `MAX_EXPANSIONS`)."""
    if len(criteria.words) != 1:
        return None
    word = criteria.words[0]
    if word.exact or word.meanings or len(word.prefixes) != 1:
        return None
    return word.prefixes[0]


def unfiltered(criteria: Criteria) -> bool:
    """No filter, no position: search_word alone has the whole answer of a lone word."""
    return not (criteria.category or criteria.envelope or criteria.commune or criteria.offers_only
                or criteria.position or criteria.radius_km is not None)


def browses_search_word(criteria: Criteria) -> bool:
    """Browsing (no word, no position) of every partner, or of those with an offer: read from
    search_word's rows for it (see `rank_browsing`); narrower filters read less elsewhere."""
    return not criteria.words and criteria.position is None and (criteria.offers_only or unfiltered(criteria))


_CURRENT = "{t}.starts_ts <= :now AND {t}.expires_ts > :now"


def word_terms(word: QueryWord) -> tuple[str, ...]:
    """The indexed words a lone word (see `lone_word`) is any of."""
    return tuple(dict.fromkeys((*word.exact, *word.meaning_terms)))


def _word_terms(word: QueryWord, params: dict[str, Any]) -> tuple[str, int]:
    """SQL for the word's indexed words as a list ("term IN (...)"), and their number."""
    terms = word_terms(word)
    names = [f"word_term{n}" for n in range(len(terms))]
    params |= dict(zip(names, terms, strict=True))
    return f"({', '.join(':' + name for name in names)})", len(terms)


def offer_word_partners(word: QueryWord, params: dict[str, Any]) -> str:
    """SQL selecting, once each, the partners with a current offer whose own text holds the
    word: it has the same partners as the offers' documents matching it, but for those whose
    name, categories or place hold it, which tiers 1 and 2 take (see `models.SearchWord`)."""
    terms, count = _word_terms(word, params)
    # Merged windows: one current row per indexed word and partner.
    distinct = "DISTINCT " if count > 1 else ""
    return (f"SELECT {distinct}w.partner_id FROM search_word w WHERE w.term IN {terms} AND w.tier = 3 "
            f"AND {_CURRENT.format(t='w')}")


def word_partners(word: QueryWord, params: dict[str, Any], columns: str = "w.partner_id") -> str:
    """SQL selecting `columns` of the current rows of search_word (as w) for the word."""
    terms, _ = _word_terms(word, params)
    return f"SELECT {columns} FROM search_word w WHERE w.term IN {terms} AND {_CURRENT.format(t='w')}"


def partner_filters(criteria: Criteria, params: dict[str, Any], alias: str) -> list[str]:
    """SQL conditions of the filters on the partner's columns (search_entry's, or
    search_word's), a radius as its bounding box (the exact distance is checked after)."""
    conditions = []
    if criteria.category:
        params["category_bits"] = CATEGORY_BITS[criteria.category]
        conditions.append(f"({alias}.category_mask & :category_bits) <> 0")
    if criteria.envelope:
        params["envelope_bits"] = ENVELOPE_BITS[criteria.envelope]
        conditions.append(f"({alias}.category_mask & :envelope_bits) <> 0")
    if criteria.commune:
        params["commune"] = criteria.commune
        column = "commune_group" if criteria.commune == MARSEILLE_INSEE else "commune_insee"
        conditions.append(f"{alias}.{column} = :commune")
    if criteria.radius_km is not None:
        assert criteria.position is not None  # a radius needs one (checked by `criteria`)
        lat, lon = criteria.position
        dlat = criteria.radius_km / geo.KM_PER_DEGREE
        dlon = criteria.radius_km / params["kx2"] ** 0.5
        params |= {"lat_min": lat - dlat, "lat_max": lat + dlat, "lon_min": lon - dlon, "lon_max": lon + dlon}
        conditions += [f"{alias}.latitude BETWEEN :lat_min AND :lat_max",
                       f"{alias}.longitude BETWEEN :lon_min AND :lon_max"]
    return conditions


def rank_browsing(session: Session, criteria: Criteria, params: dict[str, Any]) -> tuple[list[int], int]:
    """The page and total of browsing without position from search_word alone: one row per
    partner (EVERY_PARTNER), or per partner with a current offer (WITH_AN_OFFER, merged
    windows: at most one current row), with its filters' columns, in partner order."""
    params["browsing"] = WITH_AN_OFFER if criteria.offers_only else EVERY_PARTNER
    found = "FROM search_word w WHERE w.term = :browsing AND " + _CURRENT.format(t="w")
    found += "".join(f" AND {condition}" for condition in partner_filters(criteria, params, "w"))
    return _page_and_total(session, "w.partner_id", f"{found} ORDER BY w.partner_id", f"SELECT COUNT(*) {found}",
                           params, criteria)


def rank_lone_word(session: Session, word: QueryWord, criteria: Criteria,
                   params: dict[str, Any]) -> tuple[list[int], int]:
    """The page and total of a one-word query from search_word alone (see
    `models.SearchWord`): a partner's tier is the best of its current rows for the word; its
    rows carry its filters' columns and its position ("bons plans seulement": the partner's
    own row for having a current offer).

    Without a position, the rows of each indexed word come in partner order (the primary
    key), counted once per partner; and in tier order through the second index, where a
    partner's row is its own when no row of the partner is better (nor as good, of an
    earlier word): the page is read from the start of that order, not from every partner
    found (a filter is the partner's: the same for all its rows). With a position, the
    partners found are grouped, then sorted by distance."""
    terms, count = _word_terms(word, params)
    filtered = _word_row_filters(criteria, params)
    if criteria.position:
        return paged(session, _grouped_hits(f"IN {terms}", filtered, criteria), criteria, params,
                     criteria.radius_km, hits_placed=True)
    total = _lone_word_count(terms, count, filtered)
    if count == 1:
        return _page_and_total(session, "w.partner_id", f"{_rows_of(f'IN {terms}', filtered)} AND {_best_row(terms)} "
                               "ORDER BY w.tier, w.partner_id", total, params, criteria)
    # Several indexed words ("th": theatr, theatral, tholonet): each word's rows are read in
    # the order of its own keys, never merged and sorted whole; the page is the start of
    # each word's rows that are their partner's best, merged.
    starts = " UNION ALL ".join(
        f"SELECT * FROM (SELECT w.tier, w.partner_id {_rows_of(f'= :word_term{n}', filtered)} "
        f"AND {_best_row(terms)} ORDER BY w.tier, w.partner_id LIMIT :first) AS start{n}"
        for n in range(count)
    )
    return _page_and_total(session, "partner_id", f"FROM ({starts}) AS starts ORDER BY tier, partner_id", total,
                           {**params, "first": criteria.offset + criteria.limit}, criteria)


def _page_and_total(session: Session, column: str, rest: str, total: str, params: dict[str, Any],
                    criteria: Criteria) -> tuple[list[int], int]:
    """The page ("SELECT `column` `rest` LIMIT ...") and the total (the statement `total`) in one
    round trip: the total is a column of the page, an uncorrelated subquery that both databases
    run once. Beyond the last page no row carries it: it is then read alone."""
    params = {**params, "limit": criteria.limit, "offset": criteria.offset}
    rows = session.execute(
        sa.text(f"SELECT {column} AS partner_id, ({total}) AS total {rest} LIMIT :limit OFFSET :offset"), params
    ).all()
    if rows or criteria.offset == 0:
        return [row.partner_id for row in rows], (int(rows[0].total) if rows else 0)
    return [], int(session.execute(sa.text(total), params).scalar_one())


def lone_word_total(session: Session, word: QueryWord, criteria: Criteria, params: dict[str, Any]) -> int:
    """How many partners a lone word (see `lone_word`) finds, without a position, read as
    `rank_lone_word` counts them, without its page."""
    terms, count = _word_terms(word, params)
    counted = _lone_word_count(terms, count, _word_row_filters(criteria, params))
    return int(session.execute(sa.text(counted), params).scalar_one())


def _lone_word_count(terms: str, count: int, filtered: str) -> str:
    """The statement counting the partners a lone word finds. The rows of each indexed word come
    in partner order (the primary key): a partner is counted once, with the first of the words it
    has."""
    if count == 1:
        return (f"SELECT COUNT(*) FROM (SELECT w.partner_id {_rows_of(f'IN {terms}', filtered)} "
                "GROUP BY w.partner_id) AS found")
    counts = []
    for n in range(count):
        earlier = ", ".join(f":word_term{e}" for e in range(n))
        not_before = (f" AND NOT EXISTS (SELECT 1 FROM search_word e WHERE e.term IN ({earlier}) "
                      f"AND e.partner_id = w.partner_id AND {_CURRENT.format(t='e')})") if n else ""
        counts.append(f"SELECT COUNT(*) AS n FROM (SELECT w.partner_id {_rows_of(f'= :word_term{n}', filtered)}"
                      f"{not_before} GROUP BY w.partner_id) AS found{n}")
    return f"SELECT SUM(n) FROM ({' UNION ALL '.join(counts)}) AS counts"


def rank_lone_prefix(session: Session, starting: str, criteria: Criteria,
                     params: dict[str, Any]) -> tuple[list[int], int]:
    """The page and total of a lone prefix (see `lone_prefix`) from search_word: the rows of
    the indexed words it starts (`starting`: SQL selecting them from search_term), a
    partner's tier the best of its rows, as the full-text index gives it, without reading a
    document. PostgreSQL: "mar" (6 663 partners), the statement alone, about 10 ms instead of 16
    for tiering each partner's document; SQLite's full-text index is faster (3 ms)."""
    hits = _grouped_hits(f"IN ({starting})", _word_row_filters(criteria, params), criteria)
    return paged(session, hits, criteria, params, criteria.radius_km, hits_placed=True)


def _word_row_filters(criteria: Criteria, params: dict[str, Any]) -> str:
    """SQL " AND ..." of the filters on a row w of search_word ("bons plans seulement": the
    partner's row for having a current offer, merged windows)."""
    conditions = partner_filters(criteria, params, "w")
    if criteria.offers_only:
        params["with_an_offer"] = WITH_AN_OFFER
        conditions.append(f"EXISTS (SELECT 1 FROM search_word o WHERE o.term = :with_an_offer "
                          f"AND o.partner_id = w.partner_id AND {_CURRENT.format(t='o')})")
    return "".join(f" AND {condition}" for condition in conditions)


def _rows_of(terms: str, filtered: str) -> str:
    """SQL "FROM ... WHERE ...": the current rows w of search_word whose term is `terms`
    ("IN (...)", "= :word_term0"), filtered."""
    return f"FROM search_word w WHERE w.term {terms} AND {_CURRENT.format(t='w')}{filtered}"


def _grouped_hits(terms: str, filtered: str, criteria: Criteria) -> str:
    """The CTE `hits` (partner_id, tier, distance2) of the current rows of search_word whose
    term is `terms` ("IN ..."), one per partner with its best tier."""
    distance2 = f"MIN({DISTANCE2.replace('e.', 'w.')})" if criteria.position else "NULL"
    return (
        f"hits AS (SELECT w.partner_id, MIN(w.tier) AS tier, {distance2} AS distance2 "
        f"{_rows_of(terms, filtered)} GROUP BY w.partner_id)"
    )


def _best_row(terms: str) -> str:
    """SQL: the row w is its partner's best for the word (no current row of a better tier,
    nor of the same tier and an earlier indexed word): one row per partner."""
    return (
        f"NOT EXISTS (SELECT 1 FROM search_word b WHERE b.term IN {terms} "
        f"AND b.partner_id = w.partner_id AND (b.tier < w.tier OR (b.tier = w.tier AND b.term < w.term)) "
        f"AND {_CURRENT.format(t='b')})"
    )


def chunks(items: list[T], size: int = _CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def position_params(criteria: Criteria) -> dict[str, float]:
    if criteria.position is None:
        return {}
    lat, lon = criteria.position
    ky2, kx2 = geo.squared_distance_factors(lat)
    return {"lat": lat, "lon": lon, "ky2": ky2, "kx2": kx2}


DISTANCE2 = "((e.latitude - :lat) * (e.latitude - :lat) * :ky2 + (e.longitude - :lon) * (e.longitude - :lon) * :kx2)"


def page_statement(hits: str, criteria: Criteria, radius: float | None, limit_only: bool = False,
                    hits_placed: bool = False) -> str:
    """The page from the CTE `hits` (partner_id, tier, and distance2 when `hits_placed`),
    reading positions when distance matters and hits lack them. The total comes from a
    subquery rather than a window: the page then needs only a top-k sort."""
    order = "distance2, tier, partner_id" if criteria.by_distance else "tier, partner_id"
    if hits_placed:
        placed = "SELECT partner_id, tier, distance2 FROM hits"
    elif criteria.by_distance or radius is not None:
        placed = (
            f"SELECT h.partner_id, h.tier, {DISTANCE2} AS distance2 FROM hits h "
            "JOIN search_entry e ON e.partner_id = h.partner_id AND e.offer_id IS NULL"
        )
    else:
        placed = "SELECT partner_id, tier FROM hits"
    within = "WHERE distance2 <= :radius2" if radius is not None else ""
    if limit_only:
        return f"WITH {hits}, placed AS ({placed}) SELECT partner_id FROM placed {within} ORDER BY {order} LIMIT :limit"
    return (
        f"WITH {hits}, placed AS ({placed}), kept AS (SELECT * FROM placed {within}) "
        f"SELECT partner_id, (SELECT COUNT(*) FROM kept) AS total FROM kept "
        f"ORDER BY {order} LIMIT :limit OFFSET :offset"
    )


def nearest(session: Session, criteria: Criteria, params: dict[str, Any],
            hits_within: Callable[[float | None, dict[str, Any]], str], hits_placed: bool = False) -> list[int]:
    """The page of nearest partners: widen a circle around the position until it holds the
    page, so that only the partners inside are placed and sorted. `hits_within(radius,
    params)` gives the CTEs of the hits within that radius (all of them for None)."""
    needed = criteria.offset + criteria.limit
    for radius in (*DISTANCE_RINGS_KM, None):
        ring = {**params, "limit": needed, "radius2": (radius or 0) ** 2}
        statement = page_statement(hits_within(radius, ring), criteria, radius, limit_only=True,
                                   hits_placed=hits_placed)
        partner_ids = list(session.execute(sa.text(statement), ring).scalars())
        if len(partner_ids) >= needed or radius is None:
            return partner_ids[criteria.offset :]
    return []


def count_statement(hits: str, radius: float | None, hits_placed: bool = False) -> str:
    if radius is None:
        return f"WITH {hits} SELECT COUNT(*) FROM hits"
    if hits_placed:
        return f"WITH {hits} SELECT COUNT(*) FROM hits WHERE distance2 <= :radius2"
    return (
        f"WITH {hits} SELECT COUNT(*) FROM hits h JOIN search_entry e ON e.partner_id = h.partner_id "
        f"AND e.offer_id IS NULL WHERE {DISTANCE2} <= :radius2"
    )


def paged(session: Session, hits: str, criteria: Criteria, params: dict[str, Any], radius: float | None,
           hits_placed: bool = False) -> tuple[list[int], int]:
    params = {**params, "limit": criteria.limit, "offset": criteria.offset, "radius2": (radius or 0) ** 2}
    rows = session.execute(sa.text(page_statement(hits, criteria, radius, hits_placed=hits_placed)), params).all()
    if rows or criteria.offset == 0:
        return [r.partner_id for r in rows], (rows[0].total if rows else 0)
    # Beyond the last page: the count still tells how many there are.
    return [], session.execute(sa.text(count_statement(hits, radius, hits_placed)), params).scalar_one()


@dataclass(frozen=True)
class Vocabulary:
    """What the index knows of a query's words, read in one statement (see `vocabulary`)."""

    starting: dict[str, dict[str, bool]]  # prefix: {indexed word it starts: in an offer's title}
    indexed: dict[str, bool]  # word indexed as such: in an offer's title

    def words_starting(self, prefix: str) -> dict[str, bool]:
        return self.starting.get(prefix, {})

    def indexed_word(self, word: str) -> bool | None:
        """Whether an offer's title has this indexed word; None when no document has it."""
        return self.indexed.get(word)


def vocabulary(session: Session, prefixes: list[str], words: list[str], limit: int, starts: str,
               params_of: Any) -> Vocabulary:
    """Up to `limit` indexed words starting with each prefix, and which of `words` are
    indexed, with their in_offer marks, in one round trip. `starts` is the database's SQL
    for "term starts with the prefix" over the parameters that `params_of(prefix, n)` gives."""
    selects: list[str] = []
    params: dict[str, Any] = {}
    for n, prefix in enumerate(prefixes):
        params |= params_of(prefix, n)
        selects.append(
            f"SELECT {n} AS slot, term, in_offer FROM "
            f"(SELECT term, in_offer FROM search_term WHERE {starts.format(n=n)} LIMIT {int(limit)}) AS s{n}"
        )
    if words:
        params["words"] = list(dict.fromkeys(words))
        selects.append("SELECT -1 AS slot, term, in_offer FROM search_term WHERE term IN :words")
    if not selects:
        return Vocabulary({}, {})
    statement = sa.text(" UNION ALL ".join(selects))
    if words:
        statement = statement.bindparams(sa.bindparam("words", expanding=True))
    starting: dict[str, dict[str, bool]] = {prefix: {} for prefix in prefixes}
    indexed: dict[str, bool] = {}
    for slot, term, in_offer in session.execute(statement, params):
        if slot < 0:
            indexed[term] = bool(in_offer)
        else:
            starting[prefixes[slot]][term] = bool(in_offer)
    return Vocabulary(starting, indexed)


def term_rows(words: dict[str, bool]) -> list[dict[str, Any]]:
    merged: dict[str, bool] = {}
    for word, in_offer in words.items():
        merged[word[:100]] = merged.get(word[:100], False) or in_offer
    return [{"term": term, "in_offer": in_offer} for term, in_offer in sorted(merged.items())]


def upsert_terms(insert: Any) -> Any:
    """A word once seen in an offer's title stays marked so (until a full rebuild)."""
    return insert.on_conflict_do_update(
        index_elements=["term"], set_={"in_offer": sa.or_(TERMS.c.in_offer, insert.excluded.in_offer)}
    )
