"""Search on SQLite: three FTS5 indexes, one MATCH per tier (see `backends`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from cjeune_app.core.search import geo, rowids
from cjeune_app.core.search.facets import (
    PARTNER_DOCUMENT,
    category_facet,
    commune_facet,
    commune_group_facet,
    envelope_facets,
)
from cjeune_app.core.search.statements import (
    TERMS,
    Criteria,
    Vocabulary,
    browses_search_word,
    chunks,
    count_statement,
    lone_word,
    lone_word_total,
    nearest,
    offer_word_partners,
    paged,
    position_params,
    rank_browsing,
    rank_lone_word,
    term_rows,
    upsert_terms,
    vocabulary,
)
from cjeune_app.core.search.text import QueryWord, deletion_variants
from cjeune_app.core.territory.api import MARSEILLE_INSEE


class SqliteBackend:
    name = "sqlite"
    partner_index = "search_fts_partner"
    offer_index = "search_fts_offer"
    # The partners' name, categories, place and facets only (migration 0020): tiers 1 and 2
    # read the words' documents there without their descriptions.
    head_index = "search_fts_partner_head"

    def rank(self, session: Session, criteria: Criteria) -> tuple[list[int], int]:
        params = {"now": criteria.now, "day": rowids.day_of(criteria.now), **position_params(criteria)}
        if browses_search_word(criteria):
            return rank_browsing(session, criteria, params)
        word = lone_word(criteria)
        if word is not None and not criteria.offers_only:
            return rank_lone_word(session, word, criteria, params)
        if criteria.radius_km is not None:
            assert criteria.position is not None  # a radius needs one (checked by `criteria`)
            cells = geo.covering_cells(*criteria.position, criteria.radius_km)
            return paged(session, self._hits(criteria, params, cells), criteria, params, criteria.radius_km)
        if criteria.by_distance:
            counting = dict(params)
            total = session.execute(sa.text(count_statement(self._hits(criteria, counting), None)), counting)
            return self._nearest(session, criteria, params), total.scalar_one()
        return self._by_tier(session, criteria, params)

    def total(self, session: Session, criteria: Criteria) -> int:
        """How many partners match, the page left unread when it can be (a lone word without
        position): what "Résultats approchants" weighs its words with."""
        word = lone_word(criteria)
        if word is not None and not criteria.offers_only and criteria.position is None:
            return lone_word_total(session, word, criteria, {"now": criteria.now})
        return self.rank(session, criteria)[1]

    def _tier_sources(self, criteria: Criteria, params: dict[str, Any],
                      cells: list[str] | None = None) -> dict[str, str]:
        """{name: SQL selecting partner_id} for tiers 1–4 (with "offers", which tiers 3 and 4
        use), or tier 0 when there are no words (browsing); adds the MATCH expressions to
        params. Each partner comes out of one tier only."""
        facets = self._facets(criteria, cells)
        partners, offers, heads = self.partner_index, self.offer_index, self.head_index
        visible = self._partner_visibility(criteria.offers_only, partners)
        from_partners = (f"SELECT {rowids.sql_partner(f'{partners}.rowid')} AS partner_id "
                         f"FROM {partners} WHERE {partners} MATCH")
        from_heads = (f"SELECT {rowids.sql_partner(f'{heads}.rowid')} AS partner_id "
                      f"FROM {heads} WHERE {heads} MATCH")
        visible_head = self._partner_visibility(criteria.offers_only, heads)
        if not criteria.words:
            params["tier0"] = "{facets}: (" + " AND ".join([PARTNER_DOCUMENT, *facets]) + ")"
            return {"tier0": f"{from_partners} :tier0{visible}"}
        every = " AND ".join(self._word(w) for w in criteria.words)
        restrict = f" AND {{facets}}: ({' AND '.join(facets)})" if facets else ""

        def within(columns: str) -> str:
            return f"{{{columns}}}: ({every})"

        params |= {
            "tier1": within("name") + restrict,
            "tier2": f"({within('name tags place')} NOT {within('name')}){restrict}",
            "tier4": f"({within('name tags place body')} NOT {within('name tags place')}){restrict}",
        }
        if not any(word.in_offers for word in criteria.words):
            # No offer's title has any of these words: tier 3 is empty, skip its index walk.
            return {
                "tier1": f"{from_heads} :tier1{visible_head}",
                "tier2": f"{from_heads} :tier2{visible_head}",
                "tier4": f"{from_partners} :tier4{visible}",
            }
        # An offer's document repeats its partner's name, categories and place: one word found
        # there gives a partner of tier 1 or 2, which tier 3 leaves out. So one word is looked
        # for in the offer's title only, which leaves out at no cost the many documents that
        # have it in their place ("marseille", "mar"); several may be spread over the columns.
        offer_tier = within('offer') if len(criteria.words) == 1 else within('name tags place offer')
        params["tier3"] = offer_tier + restrict
        # With filters, the offers' index, which intersects the word with them, reads less.
        word = lone_word(criteria) if not facets else None
        if word is not None:  # one row per partner, from one index (see `models.SearchWord`)
            with_offers = offer_word_partners(word, params)
        else:
            # Offers come in partner order: removing a partner's repeats is cheap.
            with_offers = (f"SELECT DISTINCT {rowids.sql_partner(f'{offers}.rowid')} AS partner_id "
                           f"FROM {offers} WHERE {offers} MATCH :tier3{self._offer_visibility()}")
        return {
            "tier1": f"{from_heads} :tier1{visible_head}",
            "tier2": f"{from_heads} :tier2{visible_head}",
            "offers": with_offers,
            "tier3": "SELECT partner_id FROM offers WHERE partner_id NOT IN (SELECT partner_id FROM tier1) "
            "AND partner_id NOT IN (SELECT partner_id FROM tier2)",
            "tier4": f"SELECT partner_id FROM ({from_partners} :tier4{visible}) "
            "WHERE partner_id NOT IN (SELECT partner_id FROM offers)",
        }

    def _by_tier(self, session: Session, criteria: Criteria, params: dict[str, Any]) -> tuple[list[int], int]:
        """One statement: every tier's size and its first partners (enough for the page),
        each FTS5 query run once; the page is then cut across the tiers."""
        sources = self._tier_sources(criteria, params)
        tiers = [name for name in sources if name.startswith("tier")]
        # Browsing has one tier: counted in the index, its first page read from its start
        # (writing its thousands of partners down first would cost more than both).
        kept = "NOT MATERIALIZED" if len(sources) == 1 else "MATERIALIZED"
        ctes = ", ".join(f"{name} AS {kept} ({sql})" for name, sql in sources.items())
        firsts = " UNION ALL ".join(
            f"SELECT * FROM (SELECT {number} AS tier, partner_id FROM {name} ORDER BY partner_id LIMIT :first)"
            for number, name in enumerate(tiers)
        )
        sizes = " UNION ALL ".join(f"SELECT -1 - {n}, COUNT(*) FROM {name}" for n, name in enumerate(tiers))
        rows = session.execute(
            sa.text(f"WITH {ctes} {sizes} UNION ALL {firsts}"),
            {**params, "first": criteria.offset + criteria.limit},
        ).all()
        sizes_by_tier = {-1 - tier: size for tier, size in rows if tier < 0}
        ordered = [partner_id for tier, partner_id in sorted(r for r in rows if r[0] >= 0)]
        return ordered[criteria.offset : criteria.offset + criteria.limit], sum(sizes_by_tier.values())

    def _hits(self, criteria: Criteria, params: dict[str, Any], cells: list[str] | None = None) -> str:
        """CTEs ending with `hits` (partner_id, tier), for ordering by distance."""
        sources = self._tier_sources(criteria, params, cells)
        tiers = [name for name in sources if name.startswith("tier")]
        kept = "NOT MATERIALIZED" if len(sources) == 1 else "MATERIALIZED"  # see `_by_tier`
        ctes = ", ".join(f"{name} AS {kept} ({sql})" for name, sql in sources.items())
        union = " UNION ALL ".join(f"SELECT partner_id, {name[-1]} AS tier FROM {name}" for name in tiers)
        return f"{ctes}, hits AS ({union})"

    def _nearest(self, session: Session, criteria: Criteria, params: dict[str, Any]) -> list[int]:
        """The page of nearest partners, ring by ring: each ring's cells restrict the index."""
        position = criteria.position
        assert position is not None  # sorting by distance needs one (checked by `criteria`)

        def hits_within(radius: float | None, ring: dict[str, Any]) -> str:
            return self._hits(criteria, ring, geo.covering_cells(*position, radius) if radius else None)

        return nearest(session, criteria, params, hits_within)

    @staticmethod
    def _word(word: QueryWord) -> str:
        """Any of its whole words or starts, or every word of one of its meanings."""
        parts = [f'"{c}"' for c in word.exact] + [f'"{p}"*' for p in word.prefixes]
        parts += ["(" + " AND ".join(f'"{t}"' for t in meaning) + ")" for meaning in word.meanings
                  if len(meaning) > 1 or meaning[0] not in word.exact]  # "cours" means cour too
        return "(" + " OR ".join(parts) + ")"

    @staticmethod
    def _facets(criteria: Criteria, cells: list[str] | None) -> list[str]:
        facets = []
        if criteria.category:
            facets.append(category_facet(criteria.category))
        if criteria.envelope:
            facets.append("(" + " OR ".join(envelope_facets(criteria.envelope)) + ")")
        if criteria.commune == MARSEILLE_INSEE:
            facets.append(commune_group_facet(MARSEILLE_INSEE))
        elif criteria.commune:
            facets.append(commune_facet(criteria.commune))
        if cells:
            facets.append("(" + " OR ".join(cells) + ")")
        return facets

    def _offer_visibility(self) -> str:
        """SQL on an offer document's rowid: the id decides, the row only when it cannot."""
        rowid = f"{self.offer_index}.rowid"
        exact = (
            f"EXISTS (SELECT 1 FROM search_entry v WHERE v.id = {rowid} "
            "AND v.starts_ts <= :now AND v.expires_ts > :now)"
        )
        return " AND " + rowids.sql_offer_visible(rowid, exact)

    @staticmethod
    def _partner_visibility(offers_only: bool, index: str) -> str:
        """For "bons plans seulement": has the partner a current offer? (see `rowids`)."""
        if not offers_only:
            return ""
        rowid = f"{index}.rowid"
        exact = (
            f"EXISTS (SELECT 1 FROM search_entry v WHERE v.partner_id = {rowids.sql_partner(rowid)} "
            "AND v.offer_id IS NOT NULL AND v.starts_ts <= :now AND v.expires_ts > :now)"
        )
        return " AND " + rowids.sql_partner_has_offer(rowid, exact)

    # -- vocabulary --------------------------------------------------------------------------
    def vocabulary(self, session: Session, prefixes: list[str], words: list[str], limit: int) -> Vocabulary:
        """The indexed words each prefix starts, and which of `words` are indexed."""
        return vocabulary(session, prefixes, words, limit, "term >= :low{n} AND term < :high{n}",
                          lambda prefix, n: {f"low{n}": prefix, f"high{n}": prefix + "\U0010ffff"})

    def typo_candidates(self, session: Session, typed: str) -> dict[str, bool]:
        """Indexed words that may be one typo away (sharing a one-letter deletion)."""
        statement = sa.text(
            "SELECT DISTINCT t.term, t.in_offer FROM search_term_variant v "
            "JOIN search_term t ON t.term = v.term WHERE v.variant IN :variants"
        ).bindparams(sa.bindparam("variants", expanding=True))
        found = session.execute(statement, {"variants": sorted(deletion_variants(typed))})
        return {term: bool(in_offer) for term, in_offer in found}

    def clear_index(self, session: Session) -> None:
        for table in ("search_entry", "search_term", "search_term_variant"):
            session.execute(sa.text(f"DELETE FROM {table}"))

    @contextmanager
    def rebuilding(self, session: Session) -> Iterator[None]:
        """Empty the index, let the caller insert every document, then fill each FTS5 index in
        one pass over its kind of rows. The triggers that index row by row are set aside
        meanwhile (about ten times less work than indexing through them) and put back as they
        were, read from the schema itself; all in the caller's transaction, which readers see
        whole or not at all."""
        triggers = session.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'search_entry' "
            "AND name LIKE 'search_fts_%'"
        )).all()
        for name, _ in triggers:
            session.execute(sa.text(f'DROP TRIGGER "{name}"'))
        indexes = self._full_text_indexes(session)
        for table in indexes:
            session.execute(sa.text(f"INSERT INTO {table}({table}) VALUES ('delete-all')"))
        self.clear_index(session)
        yield
        for table, kind in indexes.items():
            columns = ", ".join(row[1] for row in session.execute(sa.text(f"PRAGMA table_info({table})")))
            session.execute(sa.text(
                f"INSERT INTO {table}(rowid, {columns}) SELECT id, {columns} FROM search_entry "
                f"WHERE offer_id {kind}"
            ))
        for _, sql in triggers:
            session.execute(sa.text(sql))
        self.after_rebuild(session)

    def _full_text_indexes(self, session: Session) -> dict[str, str]:
        """{FTS5 table: which rows of search_entry it indexes}, of those the migrations made so far
        (the migrations before 0020 rebuild the index too, without the partners' heads)."""
        kinds = {self.partner_index: "IS NULL", self.offer_index: "IS NOT NULL", self.head_index: "IS NULL"}
        present = session.execute(
            sa.text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN :names").bindparams(
                sa.bindparam("names", expanding=True)),
            {"names": list(kinds)},
        ).scalars().all()
        return {table: kind for table, kind in kinds.items() if table in present}

    def add_terms(self, session: Session, words: dict[str, bool]) -> None:
        """Add words (each with: is it in an offer's title) and their typo neighbours."""
        rows = term_rows(words)
        for chunk in chunks(rows):
            session.execute(upsert_terms(sqlite.insert(TERMS)), chunk)
            variants = [{"variant": v, "term": row["term"]} for row in chunk for v in deletion_variants(row["term"])]
            session.execute(
                sa.text("INSERT OR IGNORE INTO search_term_variant (variant, term) VALUES (:variant, :term)"),
                variants,
            )

    def after_rebuild(self, session: Session) -> None:
        # One b-tree instead of the many segments a bulk insert leaves: faster queries.
        for table in self._full_text_indexes(session):
            session.execute(sa.text(f"INSERT INTO {table}({table}) VALUES ('optimize')"))
        session.execute(sa.text("ANALYZE"))
