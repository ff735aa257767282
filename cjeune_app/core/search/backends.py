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
through one GIN index per kind of document, then groups by partner.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from cjeune_app.core.enums import Category, Envelope
from cjeune_app.core.search import geo, rowids
from cjeune_app.core.search.facets import (
    CATEGORY_BITS,
    ENVELOPE_BITS,
    PARTNER_DOCUMENT,
    category_facet,
    commune_facet,
    commune_group_facet,
    envelope_facets,
)
from cjeune_app.core.search.models import SearchTerm
from cjeune_app.core.search.text import QueryWord, deletion_variants
from cjeune_app.core.territory.api import MARSEILLE_INSEE

_terms = SearchTerm.__table__
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


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _position_params(criteria: Criteria) -> dict:
    if criteria.position is None:
        return {}
    lat, lon = criteria.position
    ky2, kx2 = geo.squared_distance_factors(lat)
    return {"lat": lat, "lon": lon, "ky2": ky2, "kx2": kx2}


DISTANCE2 = "((e.latitude - :lat) * (e.latitude - :lat) * :ky2 + (e.longitude - :lon) * (e.longitude - :lon) * :kx2)"


def _page_statement(hits: str, criteria: Criteria, radius: float | None, limit_only: bool = False,
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


def _count_statement(hits: str, radius: float | None, hits_placed: bool = False) -> str:
    if radius is None:
        return f"WITH {hits} SELECT COUNT(*) FROM hits"
    if hits_placed:
        return f"WITH {hits} SELECT COUNT(*) FROM hits WHERE distance2 <= :radius2"
    return (
        f"WITH {hits} SELECT COUNT(*) FROM hits h JOIN search_entry e ON e.partner_id = h.partner_id "
        f"AND e.offer_id IS NULL WHERE {DISTANCE2} <= :radius2"
    )


def _paged(session, hits: str, criteria: Criteria, params: dict, radius: float | None,
           hits_placed: bool = False) -> tuple[list[int], int]:
    params = {**params, "limit": criteria.limit, "offset": criteria.offset, "radius2": (radius or 0) ** 2}
    rows = session.execute(sa.text(_page_statement(hits, criteria, radius, hits_placed=hits_placed)), params).all()
    if rows or criteria.offset == 0:
        return [r.partner_id for r in rows], (rows[0].total if rows else 0)
    # Beyond the last page: the count still tells how many there are.
    return [], session.execute(sa.text(_count_statement(hits, radius, hits_placed)), params).scalar_one()


class SqliteBackend:
    name = "sqlite"
    partner_index = "search_fts_partner"
    offer_index = "search_fts_offer"

    def rank(self, session: Session, criteria: Criteria) -> tuple[list[int], int]:
        params = {"now": criteria.now, "day": rowids.day_of(criteria.now), **_position_params(criteria)}
        if criteria.radius_km is not None:
            cells = geo.covering_cells(*criteria.position, criteria.radius_km)
            return _paged(session, self._hits(criteria, params, cells), criteria, params, criteria.radius_km)
        if criteria.by_distance:
            counting = dict(params)
            counted = f"WITH {self._hits(criteria, counting)} SELECT COUNT(*) FROM hits"
            total = session.execute(sa.text(counted), counting).scalar_one()
            return self._nearest(session, criteria, params), total
        return self._by_tier(session, criteria, params)

    def _tier_sources(self, criteria: Criteria, params: dict, cells: list[str] | None = None) -> dict:
        """{name: SQL selecting partner_id} for tiers 1–4 (with "offers", which tiers 3 and 4
        use), or tier 0 when there are no words (browsing); adds the MATCH expressions to
        params. Each partner comes out of one tier only."""
        facets = self._facets(criteria, cells)
        partners, offers = self.partner_index, self.offer_index
        visible = self._partner_visibility(criteria.offers_only)
        from_partners = f"SELECT {rowids.sql_partner(f'{partners}.rowid')} AS partner_id FROM {partners} WHERE {partners} MATCH"
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
                "tier1": f"{from_partners} :tier1{visible}",
                "tier2": f"{from_partners} :tier2{visible}",
                "tier4": f"{from_partners} :tier4{visible}",
            }
        params["tier3"] = f"({within('name tags place offer')} NOT {within('name tags place')}){restrict}"
        return {
            "tier1": f"{from_partners} :tier1{visible}",
            "tier2": f"{from_partners} :tier2{visible}",
            # Offers come in partner order: removing a partner's repeats is cheap.
            "offers": f"SELECT DISTINCT {rowids.sql_partner(f'{offers}.rowid')} AS partner_id "
            f"FROM {offers} WHERE {offers} MATCH :tier3{self._offer_visibility()}",
            "tier3": "SELECT partner_id FROM offers WHERE partner_id NOT IN (SELECT partner_id FROM tier1) "
            "AND partner_id NOT IN (SELECT partner_id FROM tier2)",
            "tier4": f"SELECT partner_id FROM ({from_partners} :tier4{visible}) "
            "WHERE partner_id NOT IN (SELECT partner_id FROM offers)",
        }

    def _by_tier(self, session, criteria: Criteria, params: dict) -> tuple[list[int], int]:
        """One statement: every tier's size and its first partners (enough for the page),
        each FTS5 query run once; the page is then cut across the tiers."""
        sources = self._tier_sources(criteria, params)
        tiers = [name for name in sources if name.startswith("tier")]
        ctes = ", ".join(f"{name} AS MATERIALIZED ({sql})" for name, sql in sources.items())
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

    def _hits(self, criteria: Criteria, params: dict, cells: list[str] | None = None) -> str:
        """CTEs ending with `hits` (partner_id, tier), for ordering by distance."""
        sources = self._tier_sources(criteria, params, cells)
        tiers = [name for name in sources if name.startswith("tier")]
        ctes = ", ".join(f"{name} AS MATERIALIZED ({sql})" for name, sql in sources.items())
        union = " UNION ALL ".join(f"SELECT partner_id, {name[-1]} AS tier FROM {name}" for name in tiers)
        return f"{ctes}, hits AS ({union})"

    def _nearest(self, session, criteria: Criteria, params: dict) -> list[int]:
        """The page of nearest partners: widen a circle around the position until it holds
        the page, so that only the partners inside are placed."""
        needed = criteria.offset + criteria.limit
        for radius in (*DISTANCE_RINGS_KM, None):
            cells = geo.covering_cells(*criteria.position, radius) if radius else None
            ring = {**params, "limit": needed, "radius2": (radius or 0) ** 2}
            statement = _page_statement(self._hits(criteria, ring, cells), criteria, radius, limit_only=True)
            found = session.execute(sa.text(statement), ring)
            partner_ids = list(found.scalars())
            if len(partner_ids) >= needed or radius is None:
                return partner_ids[criteria.offset :]
        return []

    @staticmethod
    def _word(word: QueryWord) -> str:
        if word.alternatives:
            return "(" + " OR ".join(f'"{c}"' for c in word.alternatives) + ")"
        return f'"{word.typed}"' + ("*" if word.prefix else "")

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

    def _partner_visibility(self, offers_only: bool) -> str:
        """For "bons plans seulement": has the partner a current offer? (see `rowids`)."""
        if not offers_only:
            return ""
        rowid = f"{self.partner_index}.rowid"
        exact = (
            f"EXISTS (SELECT 1 FROM search_entry v WHERE v.partner_id = {rowids.sql_partner(rowid)} "
            "AND v.offer_id IS NOT NULL AND v.starts_ts <= :now AND v.expires_ts > :now)"
        )
        return " AND " + rowids.sql_partner_has_offer(rowid, exact)

    # -- vocabulary --------------------------------------------------------------------------
    def words_starting(self, session: Session, prefix: str, limit: int) -> dict[str, bool]:
        """Up to `limit` indexed words starting with `prefix`, each with its in_offer mark."""
        rows = session.execute(
            sa.text("SELECT term, in_offer FROM search_term WHERE term >= :low AND term < :high LIMIT :limit"),
            {"low": prefix, "high": prefix + "\U0010ffff", "limit": limit},
        )
        return {term: bool(in_offer) for term, in_offer in rows}

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

    def add_terms(self, session: Session, words: dict[str, bool]) -> None:
        """Add words (each with: is it in an offer's title) and their typo neighbours."""
        rows = _term_rows(words)
        for chunk in _chunks(rows):
            session.execute(_upsert_terms(sqlite.insert(_terms)), chunk)
            variants = [{"variant": v, "term": row["term"]} for row in chunk for v in deletion_variants(row["term"])]
            session.execute(
                sa.text("INSERT OR IGNORE INTO search_term_variant (variant, term) VALUES (:variant, :term)"),
                variants,
            )

    def after_rebuild(self, session: Session) -> None:
        # One b-tree instead of the many segments a bulk insert leaves: faster queries.
        for table in (self.partner_index, self.offer_index):
            session.execute(sa.text(f"INSERT INTO {table}({table}) VALUES ('optimize')"))
        session.execute(sa.text("ANALYZE"))


class PostgresBackend:
    name = "postgresql"

    # -- ranking ---------------------------------------------------------------------------
    def rank(self, session: Session, criteria: Criteria) -> tuple[list[int], int]:
        params = {"now": criteria.now, **_position_params(criteria)}
        hits = self._hits(criteria, params)
        return _paged(session, hits, criteria, params, criteria.radius_km, hits_placed=True)

    def _hits(self, criteria: Criteria, params: dict) -> str:
        """CTEs ending with `hits` (partner_id, tier, distance2); adds the tsqueries to params."""
        conditions = self._filters(criteria, params)
        distance2 = DISTANCE2 if criteria.position else "NULL"
        with_offer = (
            "SELECT o.partner_id FROM search_entry o WHERE o.offer_id IS NOT NULL "
            "AND o.starts_ts <= :now AND o.expires_ts > :now"
        )
        if not criteria.words:
            conditions.append("e.offer_id IS NULL")
            if criteria.offers_only:
                conditions.append(f"e.partner_id IN ({with_offer})")
            return (
                f"hits AS (SELECT e.partner_id, 0 AS tier, {distance2} AS distance2 FROM search_entry e "
                f"WHERE {' AND '.join(conditions)})"
            )
        for weights in ("", "A", "AB"):
            params[f"words{weights}"] = " & ".join(self._word(w, weights) for w in criteria.words)
        conditions.append("e.document @@ to_tsquery('cjeune_search', :words)")
        tier = (
            "CASE WHEN e.document @@ to_tsquery('cjeune_search', :wordsA) THEN 1 "
            "WHEN e.document @@ to_tsquery('cjeune_search', :wordsAB) THEN 2 ELSE {otherwise} END"
        )
        partner_conditions = conditions + ["e.offer_id IS NULL"]
        if criteria.offers_only:
            partner_conditions.append(f"e.partner_id IN ({with_offer})")
        selects = [
            f"SELECT e.partner_id, {tier.format(otherwise=4)} AS tier, {distance2} AS distance2 "
            f"FROM search_entry e WHERE {' AND '.join(partner_conditions)}"
        ]
        if any(word.in_offers for word in criteria.words):  # else no offer's title has them
            offer_conditions = conditions + ["e.offer_id IS NOT NULL", "e.starts_ts <= :now", "e.expires_ts > :now"]
            selects.append(
                f"SELECT e.partner_id, {tier.format(otherwise=3)} AS tier, {distance2} AS distance2 "
                f"FROM search_entry e WHERE {' AND '.join(offer_conditions)}"
            )
        return (
            f"documents AS ({' UNION ALL '.join(selects)}), "
            "hits AS (SELECT partner_id, MIN(tier) AS tier, MIN(distance2) AS distance2 "
            "FROM documents GROUP BY partner_id)"
        )

    @staticmethod
    def _filters(criteria: Criteria, params: dict) -> list[str]:
        conditions = []
        if criteria.category:
            params["category_bits"] = CATEGORY_BITS[criteria.category]
            conditions.append("(e.category_mask & :category_bits) <> 0")
        if criteria.envelope:
            params["envelope_bits"] = ENVELOPE_BITS[criteria.envelope]
            conditions.append("(e.category_mask & :envelope_bits) <> 0")
        if criteria.commune:
            params["commune"] = criteria.commune
            column = "commune_group" if criteria.commune == MARSEILLE_INSEE else "commune_insee"
            conditions.append(f"e.{column} = :commune")
        if criteria.radius_km is not None:
            lat, lon = criteria.position
            dlat = criteria.radius_km / geo.KM_PER_DEGREE
            dlon = criteria.radius_km / params["kx2"] ** 0.5
            params |= {"lat_min": lat - dlat, "lat_max": lat + dlat, "lon_min": lon - dlon, "lon_max": lon + dlon}
            conditions += ["e.latitude BETWEEN :lat_min AND :lat_max", "e.longitude BETWEEN :lon_min AND :lon_max"]
        return conditions

    @staticmethod
    def _word(word: QueryWord, weights: str) -> str:
        """One word as a tsquery, restricted to the weights given (A name, B categories and
        place, C offer title, D description; see the migration)."""
        if word.alternatives:
            return "(" + " | ".join(f"{c}:{weights}" if weights else c for c in word.alternatives) + ")"
        if word.prefix:
            return f"{word.typed}:*{weights}"
        return f"{word.typed}:{weights}" if weights else word.typed

    # -- vocabulary --------------------------------------------------------------------------
    def words_starting(self, session: Session, prefix: str, limit: int) -> dict[str, bool]:
        """Up to `limit` indexed words starting with `prefix`, each with its in_offer mark."""
        rows = session.execute(
            # words are letters and digits only: no wildcard inside
            sa.text("SELECT term, in_offer FROM search_term WHERE term LIKE :pattern LIMIT :limit"),
            {"pattern": prefix + "%", "limit": limit},
        )
        return {term: bool(in_offer) for term, in_offer in rows}

    def typo_candidates(self, session: Session, typed: str) -> dict[str, bool]:
        """Indexed words that may be one typo away (similar trigrams, about the same length)."""
        session.execute(
            sa.text("SELECT set_config('pg_trgm.similarity_threshold', :threshold, true)"),
            {"threshold": POSTGRES_TRIGRAM_THRESHOLD},
        )
        rows = session.execute(
            sa.text(
                "SELECT term, in_offer FROM search_term WHERE term % :typed "
                "AND length(term) BETWEEN :shortest AND :longest"
            ),
            {"typed": typed, "shortest": len(typed) - 1, "longest": len(typed) + 1},
        )
        return {term: bool(in_offer) for term, in_offer in rows}

    def clear_index(self, session: Session) -> None:
        session.execute(sa.text("TRUNCATE search_entry, search_term"))

    def add_terms(self, session: Session, words: dict[str, bool]) -> None:
        """Add words (each with: is it in an offer's title); pg_trgm indexes them for typos."""
        for chunk in _chunks(_term_rows(words), 5000):
            session.execute(_upsert_terms(postgresql.insert(_terms)), chunk)

    def after_rebuild(self, session: Session) -> None:
        session.execute(sa.text("ANALYZE search_entry"))
        session.execute(sa.text("ANALYZE search_term"))


def _term_rows(words: dict[str, bool]) -> list[dict]:
    merged: dict[str, bool] = {}
    for word, in_offer in words.items():
        merged[word[:100]] = merged.get(word[:100], False) or in_offer
    return [{"term": term, "in_offer": in_offer} for term, in_offer in sorted(merged.items())]


def _upsert_terms(insert):
    """A word once seen in an offer's title stays marked so (until a full rebuild)."""
    return insert.on_conflict_do_update(
        index_elements=["term"], set_={"in_offer": sa.or_(_terms.c.in_offer, insert.excluded.in_offer)}
    )


def for_session(session: Session) -> SqliteBackend | PostgresBackend:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return SqliteBackend()
    if dialect == "postgresql":
        return PostgresBackend()
    raise RuntimeError(f"Base de données non prise en charge par la recherche : {dialect}")
