"""Keeping the search index in step with partners and offers.

Call `reindex_partner(session, partner_id)` in the transaction that creates or edits a
partner, its categories or its offers (validation, rejection and deletion included);
`reindex_all(session)` rebuilds everything (`cjeune reindex-search`). Offers that expire
need no call: each document carries its visibility window, checked at query time.

Offer documents hold the offer's title and discount, not its description: descriptions
repeat the same sentences ("sur présentation de la carte CJeune de Provence") across
thousands of offers, which would make those words match everything, slowly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import CATEGORY_LABELS, Category, PartnerStatus
from cjeune_app.core.partners.models import Offer, Partner, PartnerCategory
from cjeune_app.core.search import backends, geo, rowids
from cjeune_app.core.search.facets import (
    CATEGORY_BITS,
    PARTNER_DOCUMENT,
    category_facet,
    commune_facet,
    commune_group_facet,
)
from cjeune_app.core.search.models import ALWAYS_VISIBLE, EVERY_PARTNER, WITH_AN_OFFER, SearchEntry, SearchWord
from cjeune_app.core.search.statements import table_of
from cjeune_app.core.search.text import searchable
from cjeune_app.core.territory import commune_by_insee
from cjeune_app.core.territory.api import MARSEILLE_INSEE, CommuneKind

TEXT_COLUMNS = ("name", "tags", "place", "offer", "body")

_entries = table_of(SearchEntry)
_words = table_of(SearchWord)
_partners = table_of(Partner)
_offers = table_of(Offer)
_categories = table_of(PartnerCategory)
_CATEGORY_ORDER = list(Category)


def epoch_seconds(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def commune_group(insee_code: str) -> str:
    """Marseille's arrondissements (13201–13216) are searched as Marseille (13055) too."""
    commune = commune_by_insee(insee_code)
    if commune is not None and commune.kind is CommuneKind.ARRONDISSEMENT:
        return MARSEILLE_INSEE
    return insee_code


def partner_position(partner: Any) -> tuple[float | None, float | None]:
    """The partner's own position, else its commune's centroid (enough for "autour de moi")."""
    if partner.latitude is not None and partner.longitude is not None:
        return partner.latitude, partner.longitude
    commune = commune_by_insee(partner.commune_insee)
    return (commune.latitude, commune.longitude) if commune else (None, None)


def partner_documents(
    partner: Any, categories: Iterable[str], offers: Iterable[Any], indexed_at: int
) -> list[dict[str, Any]]:
    """The rows of search_entry for one validated partner: its own, then one per offer.

    `partner` and `offers` are rows (or models) of the partner and offer tables; `offers`
    are the published ones not yet expired; `indexed_at` is now, in epoch seconds.
    """
    kinds = sorted({Category(c) for c in categories}, key=_CATEGORY_ORDER.index)
    commune = commune_by_insee(partner.commune_insee)
    latitude, longitude = partner_position(partner)
    group = commune_group(partner.commune_insee)
    facets = [category_facet(c) for c in kinds] + [
        commune_facet(partner.commune_insee), commune_group_facet(group), *geo.cell_tokens(latitude, longitude)
    ]
    shared = {
        "partner_id": partner.id,
        "commune_insee": partner.commune_insee,
        "commune_group": group,
        "category_mask": sum(CATEGORY_BITS[c] for c in kinds),
        "latitude": latitude,
        "longitude": longitude,
        # Offer documents repeat these, so that "stage marseille" is found in one document.
        "name": searchable(partner.name),
        "tags": searchable(*(CATEGORY_LABELS[c] for c in kinds)),
        "place": searchable(commune.name if commune else "", partner.postal_code),
        "offer": "",
        "body": "",
        "facets": " ".join(facets),
    }
    windows = [(epoch_seconds(o.starts_at), epoch_seconds(o.expires_at)) for o in offers]
    ordered = sorted(zip(windows, offers, strict=True),
                     key=lambda pair: (pair[0][1], pair[1].id))[: rowids.MAX_SEQUENCE]
    offer_documents = [
        {
            **shared,
            "id": rowids.offer_document_id(partner.id, starts, expires, sequence),
            "offer_id": offer.id,
            "starts_ts": starts,
            "expires_ts": expires,
            "offer": searchable(offer.title, offer.discount_text),
        }
        for sequence, ((starts, expires), offer) in enumerate(ordered, start=1)
    ]
    own = {
        **shared,
        "id": rowids.partner_document_id(partner.id, [window for window, _ in ordered], indexed_at),
        "offer_id": None,
        "starts_ts": ALWAYS_VISIBLE[0],
        "expires_ts": ALWAYS_VISIBLE[1],
        "body": searchable(partner.description, partner.address),
        "facets": " ".join([PARTNER_DOCUMENT, *facets]),
    }
    return [own, *offer_documents]


def _indexable_offers(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Published offers not yet expired: the ones that are or will be shown."""
    return sa.and_(_offers.c.published.is_(True), _offers.c.expires_at > now)


def reindex_partner(session: Session, partner_id: int) -> None:
    """Bring one partner's documents in step with the database (in the caller's transaction)."""
    session.flush()
    # Two edits of one partner at once (PostgreSQL): the second waits here, then replaces
    # what the first wrote instead of colliding with it. FOR NO KEY UPDATE: an offer just
    # inserted holds a key-share lock on its partner, which this must not wait for.
    partner = session.execute(
        sa.select(_partners).where(_partners.c.id == partner_id).with_for_update(key_share=True)
    ).first()
    session.execute(sa.delete(_entries).where(_entries.c.partner_id == partner_id))
    session.execute(sa.delete(_words).where(_words.c.partner_id == partner_id))
    if partner is None or partner.status != PartnerStatus.VALIDATED:
        return
    now = utcnow()
    categories = session.execute(
        sa.select(_categories.c.category).where(_categories.c.partner_id == partner_id)
    ).scalars().all()
    offers = session.execute(
        sa.select(_offers).where(_offers.c.partner_id == partner_id, _indexable_offers(now))
    ).all()
    documents = partner_documents(partner, categories, offers, epoch_seconds(now))
    session.execute(sa.insert(_entries), documents)
    _insert_words(session, documents)
    backends.for_session(session).add_terms(session, _words_of(documents))


def reindex_all(session: Session, batch_size: int = 5000) -> int:
    """Rebuild the whole index and its vocabulary. Returns the number of documents."""
    session.flush()
    backend = backends.for_session(session)
    # The migrations before 0018 rebuild the index too, before this table exists.
    with_words = sa.inspect(session.connection()).has_table(_words.name)
    with backend.rebuilding(session):
        if with_words and session.get_bind().dialect.name == "postgresql":
            session.execute(sa.text(f"TRUNCATE {_words.name}"))  # no dead rows left
        elif with_words:
            session.execute(sa.delete(_words))
        now = utcnow()
        categories: dict[int, list[str]] = defaultdict(list)
        for partner_id, category in session.execute(sa.select(_categories.c.partner_id, _categories.c.category)):
            categories[partner_id].append(category)
        offers: dict[int, list[Any]] = defaultdict(list)
        for offer in session.execute(sa.select(_offers).where(_indexable_offers(now))):
            offers[offer.partner_id].append(offer)
        partners = session.execute(
            sa.select(_partners).where(_partners.c.status == PartnerStatus.VALIDATED).order_by(_partners.c.id)
        ).all()
        words: dict[str, bool] = {}
        batch: list[dict[str, Any]] = []
        own_documents: list[dict[str, Any]] = []
        offer_documents: list[dict[str, Any]] = []
        total = 0
        # Partners' documents first, then offers' in partner order: on PostgreSQL each kind
        # then fills its own run of pages, and a query reads fewer of them.
        for partner in partners:
            own, *its_offers = partner_documents(
                partner, categories[partner.id], offers[partner.id], epoch_seconds(now))
            batch.append(own)
            own_documents.append(own)
            offer_documents += its_offers
            if len(batch) >= batch_size:
                total += _insert_batch(session, batch, words)
                batch = []
        total += _insert_batch(session, batch, words)
        for start in range(0, len(offer_documents), batch_size):
            total += _insert_batch(session, offer_documents[start : start + batch_size], words)
        if with_words:
            _insert_words(session, own_documents + offer_documents)
        backend.add_terms(session, words)
    return total


def _insert_batch(session: Session, documents: Sequence[dict[str, Any]], words: dict[str, bool]) -> int:
    if documents:
        session.execute(sa.insert(_entries), list(documents))
        for word, in_offer in _words_of(documents).items():
            words[word] = words.get(word, False) or in_offer
    return len(documents)


# Tier of a partner document's word alone, by column (see `backends`): the best one counts.
_PARTNER_TIERS = (("name", 1), ("tags", 2), ("place", 2), ("body", 4))
_OFFER_TIER = 3
_PARTNER_COLUMNS = ("commune_insee", "commune_group", "category_mask", "latitude", "longitude")


def word_rows(documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of search_word for documents (see `models.SearchWord`): each word of a
    partner's document with its best tier, and EVERY_PARTNER; each word of an offer's own
    text, and WITH_AN_OFFER, per partner, over the merged windows of its offers holding it
    (two stretches that touch or overlap become one, so that at most one row is current at
    any moment)."""
    rows = []
    windows: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    partners: dict[int, dict[str, Any]] = {}  # what the filters read, by partner
    for document in documents:
        partner_id = document["partner_id"]
        partners[partner_id] = {column: document[column] for column in _PARTNER_COLUMNS}
        if document["offer_id"] is None:
            best: dict[str, int] = {EVERY_PARTNER: 0}
            for column, tier in _PARTNER_TIERS:
                for word in document[column].split():
                    best[word[:100]] = min(best.get(word[:100], tier), tier)
            rows += [{"term": term, "partner_id": partner_id, "tier": tier, "starts_ts": ALWAYS_VISIBLE[0],
                      "expires_ts": ALWAYS_VISIBLE[1], **partners[partner_id]} for term, tier in best.items()]
            continue
        for word in {*document["offer"].split(), WITH_AN_OFFER}:
            windows[word[:100], partner_id].append((document["starts_ts"], document["expires_ts"]))
    for (term, partner_id), spans in windows.items():
        spans.sort()
        merged = [list(spans[0])]
        for starts, expires in spans[1:]:
            if starts <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], expires)
            else:
                merged.append([starts, expires])
        tier = 0 if term == WITH_AN_OFFER else _OFFER_TIER
        rows += [{"term": term, "partner_id": partner_id, "tier": tier, "starts_ts": starts,
                  "expires_ts": expires, **partners[partner_id]} for starts, expires in merged]
    return rows


_WORD_COLUMNS = ("term", "partner_id", "tier", "starts_ts", "expires_ts", *_PARTNER_COLUMNS)


def _insert_words(session: Session, documents: Sequence[dict[str, Any]], batch_size: int = 50_000) -> None:
    """Through the driver, as tuples (PostgreSQL: COPY), in key order: a full rebuild
    writes about a million rows, which bound dictionaries make several times slower."""
    # In key order: each index then grows at its end instead of everywhere at once.
    rows = sorted(tuple(row[column] for column in _WORD_COLUMNS) for row in word_rows(documents))
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {_words.name} ({', '.join(_WORD_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = (f"INSERT INTO {_words.name} ({', '.join(_WORD_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(_WORD_COLUMNS))})")
    for start in range(0, len(rows), batch_size):
        connection.exec_driver_sql(statement, rows[start : start + batch_size])


def _words_of(documents: Iterable[dict[str, Any]]) -> dict[str, bool]:
    """Each word of the documents, and whether an offer's title has it."""
    words: dict[str, bool] = {}
    for document in documents:
        for column in TEXT_COLUMNS:
            for word in document[column].split():
                words[word] = words.get(word, False) or column == "offer"
    return words
