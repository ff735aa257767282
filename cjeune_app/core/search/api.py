"""The search: one call behind the "Que recherchez-vous ?" box, the map and the JSON API.

A partner matches when one of its documents (itself, or one of its current offers, which
repeat the partner's name, categories and place) contains every word typed (stop words
aside: a query of stop words only browses, like the empty box), as a prefix, by its stem
or by one of its synonyms (see `text`); a longer word that starts no indexed word is
replaced by the indexed words one typo away. When no partner has
every word, the partners having the most words come, with the words not found.
Results are partners, best first (see `backends`), each with its current offers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Category, Envelope, envelope_for_category
from cjeune_app.core.partners.models import Offer
from cjeune_app.core.search import backends, validation
from cjeune_app.core.search.geo import haversine_km
from cjeune_app.core.search.indexing import epoch_seconds, partner_position
from cjeune_app.core.search.statements import table_of
from cjeune_app.core.search.text import MAX_EXPANSIONS, QueryWord, one_typo_apart, query_words
from cjeune_app.core.territory import commune_by_insee

_offers = table_of(Offer)
# The map shows every result up to this many (a whole commune's partners; beyond, words narrow).
MAX_MAP_POINTS = 2000


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    category: str | None = None  # enums.Category
    commune_insee: str | None = None  # only partners there; 13055 includes the arrondissements
    envelope: str | None = None  # enums.Envelope the partner accepts
    offers_only: bool = False  # "bons plans seulement"
    lat: float | None = None  # the user's position ("autour de moi")...
    lon: float | None = None
    near_insee: str | None = None  # ...or a commune chosen instead
    radius_km: float | None = None
    sort: str = "relevance"  # or "distance"
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class OfferHit:
    id: int
    title: str
    discount_text: str
    category: str
    expires_at: dt.datetime  # aware, UTC


@dataclass(frozen=True)
class PartnerHit:
    id: int
    name: str
    kind: str
    categories: tuple[str, ...]
    envelopes: tuple[str, ...]  # accepted, derived from the categories
    commune_insee: str
    commune_name: str
    postal_code: str
    address: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None  # when a position is known
    offers: tuple[OfferHit, ...]  # current offers, soonest expiry first


@dataclass(frozen=True)
class Correction:
    typed: str
    replaced_by: tuple[str, ...]


@dataclass(frozen=True)
class SearchPage:
    results: tuple[PartnerHit, ...]
    total: int
    page: int
    page_size: int
    corrected_terms: tuple[Correction, ...] = ()
    position: tuple[float, float] | None = None  # the point distances are measured from
    # "Résultats approchants": no partner has every word; these have all but `missing_words`.
    missing_words: tuple[str, ...] = ()

    @property
    def approximate(self) -> bool:
        return bool(self.missing_words)

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def criteria(query: SearchQuery, now: dt.datetime | None = None) -> backends.Criteria:
    """Check every field (SearchError, in French, on the first wrong one); words are not yet
    corrected."""
    text = validation.query_text(query.q)
    category = validation.category(query.category)
    envelope = validation.envelope(query.envelope)
    commune = validation.commune(query.commune_insee)
    near = validation.commune(query.near_insee, field="near")
    position = validation.position(query.lat, query.lon)
    radius = validation.radius(query.radius_km)
    sort = validation.sort(query.sort)
    page, page_size = validation.paging(query.page, query.page_size)
    if position is None and (near or (commune and (sort == "distance" or radius))):
        centre = commune_by_insee(near or commune or "")
        if centre is not None:  # checked by validation.commune
            position = (centre.latitude, centre.longitude)
    if position is None and sort == "distance":
        raise validation.missing_position("sort")
    if position is None and radius is not None:
        raise validation.missing_position("radius")
    return backends.Criteria(
        words=query_words(text),
        category=category,
        envelope=envelope,
        commune=commune,
        offers_only=bool(query.offers_only),
        position=position,
        radius_km=radius,
        by_distance=sort == "distance",
        offset=(page - 1) * page_size,
        limit=page_size,
        now=epoch_seconds(now or utcnow()),
    )


def search(session: Session, query: SearchQuery, *, now: dt.datetime | None = None) -> SearchPage:
    """Partners matching the query, best first (or nearest first), with their current offers."""
    now = now or utcnow()
    wanted = criteria(query, now)
    partner_ids, total, missing, corrections = _ranked(session, wanted)
    return SearchPage(
        results=_hydrate(session, partner_ids, wanted.position, now),
        total=total,
        page=query.page,
        page_size=wanted.limit,
        corrected_terms=corrections,
        position=wanted.position,
        missing_words=missing,
    )


@dataclass(frozen=True)
class MapPoint:
    id: int
    name: str
    categories: tuple[str, ...]
    commune_name: str
    latitude: float
    longitude: float


def map_points(session: Session, query: SearchQuery, *, now: dt.datetime | None = None) -> tuple[MapPoint, ...]:
    """Where every result of the query is (not only one page's), best first, up to
    MAX_MAP_POINTS: the map shows them all, clustered. Paging fields are ignored."""
    wanted = criteria(dataclasses.replace(query, page=1, page_size=1), now or utcnow())
    partner_ids, _, _, _ = _ranked(session, dataclasses.replace(wanted, offset=0, limit=MAX_MAP_POINTS))
    if not partner_ids:
        return ()
    partners: dict[int, Any] = {}
    categories: dict[int, set[str]] = {pid: set() for pid in partner_ids}
    id_list, ids = _id_list(session, partner_ids)
    for row in session.execute(_statement(_PAGE_PARTNERS, id_list), {"ids": ids}):
        partners[row.id] = row
        if row.category:
            categories[row.id].add(row.category)
    points = []
    for pid in partner_ids:
        if pid not in partners:
            continue
        latitude, longitude = partner_position(partners[pid])
        if latitude is None or longitude is None:
            continue
        commune = commune_by_insee(partners[pid].commune_insee)
        points.append(MapPoint(
            id=pid, name=partners[pid].name,
            categories=tuple(sorted(categories[pid], key=_CATEGORY_ORDER.__getitem__)),
            commune_name=commune.name if commune else "", latitude=latitude, longitude=longitude,
        ))
    return tuple(points)


def _ranked(
    session: Session, wanted: backends.Criteria
) -> tuple[list[int], int, tuple[str, ...], tuple[Correction, ...]]:
    """The ids of the wanted page, the total, the words left out when the results are only
    the closest ones, and the words corrected."""
    backend = backends.for_session(session)
    words, corrections = _resolve_words(session, backend, wanted.words)
    wanted = dataclasses.replace(wanted, words=words)
    partner_ids, total = backend.rank(session, wanted)
    missing: tuple[str, ...] = ()
    if total == 0 and len(words) > 1:
        partner_ids, total, missing = _closest(session, backend, wanted)
    return partner_ids, total, missing, corrections


def _resolve_words(
    session: Session, backend: backends.SqliteBackend | backends.PostgresBackend, words: list[QueryWord]
) -> tuple[list[QueryWord], tuple[Correction, ...]]:
    """Each prefix becomes the few indexed words it starts (faster to intersect), and a
    longer word that starts none becomes the indexed words one typo away.

    A word with no such neighbour is kept, and finds nothing: better no answer than a wrong one.
    """
    resolved, corrections = [], []
    known = backend.vocabulary(
        session,
        list(dict.fromkeys(prefix for word in words for prefix in word.prefixes)),
        [word.root for word in words if word.root is not None],
        MAX_EXPANSIONS + 1,
    )
    for word in words:
        starting: dict[str, bool] = {}
        for prefix in word.prefixes:
            starting |= known.words_starting(prefix)
        in_offers = any(starting.values()) or bool(word.meanings) or len(starting) > MAX_EXPANSIONS
        if word.root is not None:
            root_in_offer = known.indexed_word(word.root)
            word = dataclasses.replace(word, stemmed=root_in_offer is not None)
            in_offers = in_offers or bool(root_in_offer)
        if 0 < len(starting) <= MAX_EXPANSIONS:
            word = dataclasses.replace(word, alternatives=tuple(sorted(starting)), in_offers=in_offers)
        elif word.prefixes and not starting and word.root is None and not word.meanings and word.may_be_corrected:
            near = {
                term: in_offer
                for term, in_offer in backend.typo_candidates(session, word.typed).items()
                if one_typo_apart(word.typed, term)
            }
            if near:
                word = QueryWord(word.typed, prefix=False, alternatives=tuple(sorted(near)), corrected=True,
                                 in_offers=any(near.values()))
                corrections.append(Correction(word.typed, word.alternatives))
            else:
                word = dataclasses.replace(word, in_offers=in_offers)
        else:
            # A prefix that starts no indexed word ("piscine", whose stem and meaning match) is dropped.
            found = bool(starting) or not word.prefixes or not (word.root or word.meanings)
            word = dataclasses.replace(word, in_offers=in_offers, found_as_typed=found)
        resolved.append(word)
    return resolved, tuple(corrections)


def _closest(
    session: Session, backend: backends.SqliteBackend | backends.PostgresBackend, wanted: backends.Criteria
) -> tuple[list[int], int, tuple[str, ...]]:
    """When no partner has every word: the page of the partners that have the most words,
    and the words left out. Of the sets of words of that size, the one leaving out the
    commonest words ("club" of "club de foot istres") is tried first. Nothing when no word
    is found at all."""
    def rank(words: tuple[QueryWord, ...]) -> tuple[list[int], int]:
        return backend.rank(session, dataclasses.replace(wanted, words=list(words)))

    # Each word's count alone (its page is read only if it is the answer).
    alone = {word.typed: backend.total(session, dataclasses.replace(wanted, words=[word])) for word in wanted.words}
    found = [word for word in wanted.words if alone[word.typed] > 0]
    for size in range(min(len(found), len(wanted.words) - 1), 0, -1):
        subsets = sorted(
            itertools.combinations(found, size),
            key=lambda kept: sum(alone[w.typed] for w in kept),  # the rarest words kept first
        )
        for subset in subsets:
            partner_ids, total = rank(subset)
            if total > 0:
                kept = {word.typed for word in subset}
                return partner_ids, total, tuple(w.typed for w in wanted.words if w.typed not in kept)
    return [], 0, ()


_CATEGORY_ORDER = {c.value: i for i, c in enumerate(Category)}
_ENVELOPE_OF = {c.value: envelope_for_category(c).value for c in Category}
_ENVELOPE_ORDER = {e.value: i for i, e in enumerate(Envelope)}
# The ids of a page or of the map as one parameter: an IN list of a bound value per id cost
# SQLAlchemy more than the query itself (a third of a page's reading).
_ID_LISTS = {"sqlite": "IN (SELECT value FROM json_each(:ids))", "postgresql": "= ANY(:ids)"}


def _id_list(session: Session, ids: list[int]) -> tuple[str, Any]:
    """SQL for "is one of the ids" on this database, and the value of its :ids parameter."""
    dialect = session.get_bind().dialect.name
    return _ID_LISTS[dialect], json.dumps(ids) if dialect == "sqlite" else ids


_PAGE_PARTNERS = (
    "SELECT p.id, p.name, p.kind, p.commune_insee, p.postal_code, p.address, p.latitude, p.longitude, "
    "c.category FROM partner p LEFT JOIN partner_category c ON c.partner_id = p.id "
    "WHERE p.id {ids} AND p.status = 'validated'"
)
# The page's partners (with their categories) and their current offers, in one round trip:
# part 0 rows are partners, part 1 rows offers, soonest expiry first.
_PAGE = (
    "SELECT 0 AS part, p.id AS partner_id, p.name, p.kind, p.commune_insee, p.postal_code, p.address, "
    "p.latitude, p.longitude, c.category, NULL AS offer_id, NULL AS title, NULL AS discount_text, "
    "NULL AS offer_category, NULL AS expires_at "
    "FROM partner p LEFT JOIN partner_category c ON c.partner_id = p.id "
    "WHERE p.id {ids} AND p.status = 'validated' "
    "UNION ALL "
    "SELECT 1, o.partner_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, o.id, o.title, o.discount_text, "
    "o.category, o.expires_at FROM offer o WHERE o.partner_id {ids} AND o.published = :published "
    "AND o.starts_at <= :now AND o.expires_at > :now "
    "ORDER BY part, expires_at, offer_id"
)


@functools.lru_cache(maxsize=4)
def _statement(sql: str, id_list: str) -> sa.TextClause:
    statement = sa.text(sql.format(ids=id_list))
    if ":now" not in sql:
        return statement
    # Expiries come back as stored (see `_utc`): a typed column cost a conversion per offer.
    return statement.bindparams(sa.bindparam("published", type_=_offers.c.published.type),
                                sa.bindparam("now", type_=_offers.c.expires_at.type))


def _utc(value: dt.datetime | str) -> dt.datetime:
    """An offer's expiry as read: text on SQLite (UTC, no offset), a datetime on PostgreSQL."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _hydrate(
    session: Session, partner_ids: list[int], position: tuple[float, float] | None, now: dt.datetime
) -> tuple[PartnerHit, ...]:
    """The page's partners as shown, read from the partner tables themselves (one query)."""
    if not partner_ids:
        return ()
    partners: dict[int, Any] = {}
    categories: dict[int, set[str]] = {pid: set() for pid in partner_ids}
    offers: dict[int, list[OfferHit]] = {pid: [] for pid in partner_ids}
    # Rows fetched at once and unpacked, each partner built once: on a page of twenty
    # partners and their offers, building objects costs more than the query.
    id_list, ids = _id_list(session, partner_ids)
    rows = session.execute(_statement(_PAGE, id_list), {"ids": ids, "published": True, "now": now}).all()
    for part, partner_id, *partner, category, offer_id, title, discount, offer_category, expires_at in rows:
        if part == 0:
            if partner_id not in partners:
                partners[partner_id] = _PartnerRow(partner_id, *partner)
            if category:
                categories[partner_id].add(category)
        else:
            offers[partner_id].append(OfferHit(offer_id, title, discount, offer_category, _utc(expires_at)))
    return tuple(
        _partner_hit(partners[pid], categories[pid], offers[pid], position)
        for pid in partner_ids
        if pid in partners  # an index not yet in step never shows an unvalidated partner
    )


@dataclass(frozen=True)
class _PartnerRow:
    id: int
    name: str
    kind: str
    commune_insee: str
    postal_code: str
    address: str
    latitude: float | None
    longitude: float | None


def _partner_hit(
    partner: Any, categories: set[str], offers: list[OfferHit], position: tuple[float, float] | None
) -> PartnerHit:
    ordered = tuple(sorted(categories, key=_CATEGORY_ORDER.__getitem__))
    envelopes = tuple(sorted({_ENVELOPE_OF[c] for c in ordered}, key=_ENVELOPE_ORDER.__getitem__))
    commune = commune_by_insee(partner.commune_insee)
    latitude, longitude = partner_position(partner)
    distance = None
    if position and latitude is not None and longitude is not None:
        distance = round(haversine_km(position, (latitude, longitude)), 2)
    return PartnerHit(
        id=partner.id,
        name=partner.name,
        kind=partner.kind,
        categories=ordered,
        envelopes=envelopes,
        commune_insee=partner.commune_insee,
        commune_name=commune.name if commune else "",
        postal_code=partner.postal_code,
        address=partner.address,
        latitude=latitude,
        longitude=longitude,
        distance_km=distance,
        offers=tuple(offers),
    )
