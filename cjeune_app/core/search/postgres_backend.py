"""Search on PostgreSQL: tsvector with unaccent, one GIN index per kind of document, pg_trgm for
typos (see `backends`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from cjeune_app.core.search import rowids
from cjeune_app.core.search.statements import (
    DISTANCE2,
    POSTGRES_TRIGRAM_THRESHOLD,
    TERMS,
    Criteria,
    Vocabulary,
    browses_search_word,
    chunks,
    count_statement,
    lone_prefix,
    lone_word,
    lone_word_total,
    nearest,
    paged,
    partner_filters,
    position_params,
    rank_browsing,
    rank_lone_prefix,
    rank_lone_word,
    term_rows,
    upsert_terms,
    vocabulary,
    word_partners,
    word_terms,
)
from cjeune_app.core.search.text import QueryWord, deletion_variants

# How PostgreSQL must run the ranking statements: for the search's connections only (or for the
# transaction, set_config's `true`), so the rest of the application keeps the server's settings.
# - plan_cache_mode: psycopg prepares a statement run five times, and PostgreSQL plans a
#   prepared statement once for any values ("generic plan") after five more runs. to_tsquery
#   is then no longer computed once from the constant but once per row read, three times a
#   row, and the estimates no longer see the words: "soutien scolaire" took 28 ms instead of
#   7. Each search is planned for its own words (about 0.3 ms).
# - max_parallel_workers_per_gather: starting workers costs more than they save on statements
#   of a few milliseconds ("stage noel": 14 ms with two workers, 9 ms without).
# - jit: no plan of the benchmark reaches jit_above_cost (the costliest is about 27 000 for
#   100 000), but a corpus four times larger would; compiling then costs milliseconds that
#   these statements do not have.
SETTINGS = {"plan_cache_mode": "force_custom_plan", "max_parallel_workers_per_gather": "0", "jit": "off"}
# The search's own sessions (core.db.reading_scope) come with them; any other is given them here.
_SETTINGS = sa.text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
)

_VARIANT_TERMS = sa.text(
    "SELECT DISTINCT term FROM search_term_variant WHERE variant IN :variants"
).bindparams(sa.bindparam("variants", expanding=True))
_TERMS_IN = sa.text("SELECT term, in_offer FROM search_term WHERE term IN :terms").bindparams(
    sa.bindparam("terms", expanding=True))
_ADD_VARIANTS = sa.text(
    "INSERT INTO search_term_variant (variant, term) VALUES (:variant, :term) ON CONFLICT DO NOTHING")


def _with_search_settings(session: Session) -> None:
    """The search's planner settings (see `SETTINGS`), unless the session's connections have them."""
    if session.info.get("connection_settings") != SETTINGS:
        session.execute(_SETTINGS)


def _has_variants(session: Session) -> bool:
    """Whether migration 0018 made search_term_variant (and search_word) here: the migrations
    before it rebuild the index too. Asked once per session."""
    if "search_term_variant" not in session.info:
        session.info["search_term_variant"] = sa.inspect(session.connection()).has_table("search_term_variant")
    return bool(session.info["search_term_variant"])


class PostgresBackend:
    name = "postgresql"

    # -- ranking ---------------------------------------------------------------------------
    def rank(self, session: Session, criteria: Criteria) -> tuple[list[int], int]:
        _with_search_settings(session)
        params = {"now": criteria.now, "day": rowids.day_of(criteria.now), **position_params(criteria)}
        if browses_search_word(criteria):  # twice as fast as counting the partners' documents
            return rank_browsing(session, criteria, params)
        prefix = lone_prefix(criteria)
        if prefix is not None:
            # A prefix is letters and digits (text.search_tokens): nothing to escape in a pattern.
            return rank_lone_prefix(session, "SELECT term FROM search_term WHERE term LIKE :prefix_pattern",
                                    criteria, {**params, "prefix_pattern": prefix + "%"})
        word = lone_word(criteria)
        # A lone word, filters and position included: its rows carry the partner's filters'
        # columns and position (read from the table's rows, it still beats joining the
        # partners' documents: "soutien" near 13001 4 ms instead of 9). With "bons plans
        # seulement", each row found asks for the partner's offer row: worth it for one or
        # two indexed words ("stage" 7 ms instead of 24), not for more ("th": 15 instead of 8).
        if word is not None and (not criteria.offers_only or len(word_terms(word)) <= 2):
            return rank_lone_word(session, word, criteria, params)
        if not criteria.words and criteria.by_distance and criteria.radius_km is None:
            counting = dict(params)
            total = session.execute(sa.text(count_statement(self._hits(criteria, counting), None)), counting)
            return self._nearest(session, criteria, params), total.scalar_one()
        hits = self._hits(criteria, params)
        return paged(session, hits, criteria, params, criteria.radius_km, hits_placed=True)

    def total(self, session: Session, criteria: Criteria) -> int:
        """How many partners match, the page left unread when it can be (a lone word without
        position, as `rank` reads it): what "Résultats approchants" weighs its words with."""
        word = lone_word(criteria)
        if (word is not None and criteria.position is None
                and (not criteria.offers_only or len(word_terms(word)) <= 2)):
            _with_search_settings(session)
            return lone_word_total(session, word, criteria, {"now": criteria.now})
        return self.rank(session, criteria)[1]

    def _nearest(self, session: Session, criteria: Criteria, params: dict[str, Any]) -> list[int]:
        """The page of nearest partners, ring by ring: each ring's band of latitudes is read
        through ix_search_entry_position."""
        def hits_within(radius: float | None, ring: dict[str, Any]) -> str:
            return self._hits(dataclasses.replace(criteria, radius_km=radius), ring)

        return nearest(session, criteria, params, hits_within, hits_placed=True)

    def _hits(self, criteria: Criteria, params: dict[str, Any]) -> str:
        """CTEs ending with `hits` (partner_id, tier, distance2); adds the tsqueries to params.

        An offer's document repeats its partner's name, categories and place: when every
        word is there, the partner's own document has them too, with the same tier. So an
        offer's document only ever brings tier 3, read without weighing its words, and only
        when one of the words is the offer's own (`offer_terms`, in the same GIN index)."""
        conditions = self._filters(criteria, params)
        distance2 = DISTANCE2 if criteria.position else "NULL"
        # The partner document's id tells, but on the few days its offers' rows must (see
        # `rowids`); a scalar subquery, read row by row, never a hash of every offer.
        with_offer = rowids.sql_partner_has_offer("e.id", (
            "(SELECT 1 FROM search_entry o WHERE o.partner_id = e.partner_id AND o.offer_id IS NOT NULL "
            "AND o.expires_ts > :now AND o.starts_ts <= :now LIMIT 1) IS NOT NULL"
        ))
        if not criteria.words:
            conditions.append("e.offer_id IS NULL")
            if criteria.offers_only:
                conditions.append(with_offer)
            return (
                f"hits AS (SELECT e.partner_id, 0 AS tier, {distance2} AS distance2 FROM search_entry e "
                f"WHERE {' AND '.join(conditions)})"
            )
        word = lone_word(criteria)
        if word is not None:  # "bons plans seulement" (else `rank` answers it)
            # One word: its partners and their tiers from search_word (see `models.SearchWord`),
            # the filters and the position from the partner's own document, both read
            # index-only (ix_search_entry_browse), without any document's row.
            words = word_partners(word, params, "w.partner_id, w.tier")
            found = (
                f"SELECT w.partner_id, MIN(w.tier) AS tier, MIN({distance2}) AS distance2, MIN(e.id) AS id "
                f"FROM ({words}) AS w JOIN search_entry e ON e.partner_id = w.partner_id AND e.offer_id IS NULL"
                + "".join(f" AND {condition}" for condition in conditions)
                + " GROUP BY w.partner_id"
            )
            # "Bons plans seulement" once per partner found (true for one found by a current
            # offer), after the join: in the join, it makes a nested loop look cheaper.
            kept = f" WHERE {with_offer}" if criteria.offers_only else ""
            return f"hits AS (SELECT e.partner_id, e.tier, e.distance2 FROM ({found}) AS e{kept})"
        for weights in ("", "A", "AB"):
            params[f"words{weights}"] = " & ".join(self._word(w, weights) for w in criteria.words)
        matching = "e.document @@ to_tsquery('cjeune_search', :words)"
        # Most partners found are found by their description (tier 4): one test settles them.
        tier = (
            "CASE WHEN NOT e.document @@ to_tsquery('cjeune_search', :wordsAB) THEN 4 "
            "WHEN e.document @@ to_tsquery('cjeune_search', :wordsA) THEN 1 ELSE 2 END"
        )
        partner_conditions = [*conditions, matching, "e.offer_id IS NULL"]
        if criteria.offers_only:
            partner_conditions.append(with_offer)
        selects = [
            f"SELECT e.partner_id, {tier} AS tier, {distance2} AS distance2 "
            f"FROM search_entry e WHERE {' AND '.join(partner_conditions)}"
        ]
        if not any(word.in_offers for word in criteria.words):
            # No offer's title has them: one document per partner, nothing to group.
            return f"hits AS ({selects[0]})"
        params["offer_words"] = " | ".join(self._terms(criteria.words))
        offer_conditions = [
            *conditions, "e.offer_id IS NOT NULL", "e.offer_terms @@ to_tsquery('cjeune_search', :offer_words)",
            "e.starts_ts <= :now", "e.expires_ts > :now",
        ]
        alone = criteria.words[0]
        if len(criteria.words) > 1 or any(len(meaning) > 1 for meaning in alone.meanings):
            offer_conditions.append(matching)  # else the offer's own words say it all
        selects.append(
            f"SELECT e.partner_id, 3 AS tier, {distance2} AS distance2 "
            f"FROM search_entry e WHERE {' AND '.join(offer_conditions)}"
        )
        distances = "MIN(distance2)" if criteria.position else "NULL"  # one aggregate less
        return (
            f"documents AS ({' UNION ALL '.join(selects)}), "
            f"hits AS (SELECT partner_id, MIN(tier) AS tier, {distances} AS distance2 "
            "FROM documents GROUP BY partner_id)"
        )

    @staticmethod
    def _filters(criteria: Criteria, params: dict[str, Any]) -> list[str]:
        return partner_filters(criteria, params, "e")

    @staticmethod
    def _word(word: QueryWord, weights: str) -> str:
        """One word as a tsquery, restricted to the weights given (A name, B categories and
        place, C offer title, D description; see the migration)."""
        def term(text: str, prefix: bool = False) -> str:
            marks = ("*" if prefix else "") + weights
            return f"{text}:{marks}" if marks else text

        parts = [term(c) for c in word.exact] + [term(p, prefix=True) for p in word.prefixes]
        parts += ["(" + " & ".join(term(t) for t in meaning) + ")" for meaning in word.meanings]
        return "(" + " | ".join(parts) + ")"

    @staticmethod
    def _terms(words: list[QueryWord]) -> list[str]:
        """Every term of the words, each alone (a prefix as a prefix): a document matching
        every word has at least one of these in its part that no other part has."""
        terms = [t for w in words for t in (*w.exact, *w.meaning_terms)] + [f"{p}:*" for w in words for p in w.prefixes]
        return list(dict.fromkeys(terms))

    # -- vocabulary --------------------------------------------------------------------------
    def vocabulary(self, session: Session, prefixes: list[str], words: list[str], limit: int) -> Vocabulary:
        """The indexed words each prefix starts (words are letters and digits only: no
        wildcard inside), and which of `words` are indexed."""
        return vocabulary(session, prefixes, words, limit, "term LIKE :pattern{n}",
                          lambda prefix, n: {f"pattern{n}": prefix + "%"})

    def typo_candidates(self, session: Session, typed: str) -> dict[str, bool]:
        """Indexed words that may be one typo away (sharing a one-letter deletion, as on
        SQLite). Two statements: joined, PostgreSQL reads search_term through its trigram
        index, a hundred times slower than through its key."""
        if not _has_variants(session):  # before migration 0018: similar trigrams
            rows = session.execute(
                sa.text("SELECT term, in_offer FROM search_typo_candidates(:typed, :threshold)"),
                {"typed": typed, "threshold": POSTGRES_TRIGRAM_THRESHOLD},
            )
            return {term: bool(in_offer) for term, in_offer in rows}
        terms = session.execute(_VARIANT_TERMS, {"variants": sorted(deletion_variants(typed))}).scalars().all()
        if not terms:
            return {}
        return {term: bool(in_offer) for term, in_offer in session.execute(_TERMS_IN, {"terms": list(terms)})}

    def clear_index(self, session: Session) -> None:
        tables = "search_entry, search_term" + (", search_term_variant" if _has_variants(session) else "")
        session.execute(sa.text(f"TRUNCATE {tables}"))

    @contextmanager
    def rebuilding(self, session: Session) -> Iterator[None]:
        """Empty the index, let the caller insert every document, then refresh the planner's
        statistics."""
        self.clear_index(session)
        yield
        self.after_rebuild(session)

    def add_terms(self, session: Session, words: dict[str, bool]) -> None:
        """Add words (each with: is it in an offer's title) and their typo neighbours."""
        with_variants = _has_variants(session)
        for chunk in chunks(term_rows(words), 5000):
            session.execute(upsert_terms(postgresql.insert(TERMS)), chunk)
            if with_variants:
                session.execute(_ADD_VARIANTS, [
                    {"variant": v, "term": row["term"]} for row in chunk for v in deletion_variants(row["term"])])

    def after_rebuild(self, session: Session) -> None:
        session.execute(sa.text("ANALYZE search_entry"))
        session.execute(sa.text("ANALYZE search_term"))
        if _has_variants(session):
            session.execute(sa.text("ANALYZE search_term_variant"))
        if _has_variants(session):  # made with search_word by migration 0018
            session.execute(sa.text("ANALYZE search_word"))
