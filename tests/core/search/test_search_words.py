"""search_word: the words of partners and offers that one-word queries read (see models.SearchWord)."""

from __future__ import annotations

import dataclasses

from sqlmodel import select

from cjeune_app.core.partners.models import Partner
from cjeune_app.core.search import SearchQuery, api, backends, reindex_partner, rowids, search, statements
from cjeune_app.core.search.indexing import word_rows
from cjeune_app.core.search.models import EVERY_PARTNER, WITH_AN_OFFER
from tests.core.search.corpus import DAY, NOW, add_corpus_offer, add_corpus_partner, build_corpus


def _partner(**columns):
    return {"partner_id": 7, "offer_id": None, "name": "", "tags": "", "place": "", "body": "", "offer": "",
            "starts_ts": 0, "expires_ts": 2**62, "commune_insee": "13005", "commune_group": "13005",
            "category_mask": 1, "latitude": 43.3, "longitude": 5.6, **columns}


def _offer(offer_id, text, starts, expires):
    return {**_partner(), "offer_id": offer_id, "offer": text, "starts_ts": starts, "expires_ts": expires}


def test_a_partner_word_keeps_its_best_tier():
    rows = word_rows([_partner(name="judo club", tags="sport", place="aubagne", body="judo sport stage")])
    tiers = {row["term"]: row["tier"] for row in rows}
    assert tiers == {"judo": 1, "club": 1, "sport": 2, "aubagne": 2, "stage": 4, EVERY_PARTNER: 0}


def test_the_windows_of_a_partner_s_offers_holding_a_word_are_merged():
    rows = word_rows([
        _offer(1, "stage noel", 10, 50), _offer(2, "stage ete", 40, 90), _offer(3, "stage paques", 200, 300),
    ])
    stage = sorted((row["starts_ts"], row["expires_ts"]) for row in rows if row["term"] == "stage")
    assert stage == [(10, 90), (200, 300)]  # one current row at any moment
    assert {row["tier"] for row in rows if row["term"] != WITH_AN_OFFER} == {3}
    with_an_offer = sorted((row["starts_ts"], row["expires_ts"]) for row in rows if row["term"] == WITH_AN_OFFER)
    assert with_an_offer == [(10, 90), (200, 300)]  # "bons plans seulement"
    assert {(row["commune_insee"], row["category_mask"], row["latitude"]) for row in rows} == {("13005", 1, 43.3)}
    assert [(row["starts_ts"], row["expires_ts"]) for row in rows if row["term"] == "noel"] == [(10, 50)]


def test_a_word_of_offers_is_found_while_one_of_them_is_shown(session):
    partners = build_corpus(session)
    partner = partners["Escape Game des Calanques"]
    add_corpus_offer(session, partner, "Nocturne d'hiver", starts=-1, expires=10)
    add_corpus_offer(session, partner, "Nocturne d'été", starts=30, expires=60)
    reindex_partner(session, partner.id)
    session.commit()

    def found(moment):
        page = search(session, SearchQuery(q="nocturne"), now=moment)
        return page.total, [hit.name for hit in page.results]

    assert found(NOW) == (1, ["Escape Game des Calanques"])
    assert found(NOW + 20 * DAY) == (0, [])  # between the two windows
    assert found(NOW + 40 * DAY) == (1, ["Escape Game des Calanques"])
    assert found(NOW + 61 * DAY) == (0, [])


def test_a_filter_keeps_the_order_and_the_partners_of_the_unfiltered_word(session):
    build_corpus(session)
    for word in ("theatre", "judo", "club", "stage", "marseille"):
        everyone = search(session, SearchQuery(q=word, page_size=50)).results
        for category in ("sport", "culture", "soutien_scolaire"):
            kept = [hit.name for hit in everyone if category in hit.categories]
            page = search(session, SearchQuery(q=word, category=category, page_size=50))
            assert ([hit.name for hit in page.results], page.total) == (kept, len(kept))
        in_marseille = [hit.name for hit in everyone if hit.commune_insee.startswith("132")]
        assert [hit.name for hit in search(session, SearchQuery(q=word, commune_insee="13055", page_size=50)).results] \
            == in_marseille
        nearest = search(session, SearchQuery(q=word, near_insee="13001", sort="distance", page_size=50))
        assert sorted(hit.name for hit in nearest.results) == sorted(hit.name for hit in everyone)
        distances = [hit.distance_km for hit in nearest.results]
        assert distances == sorted(distances)


def test_a_word_matching_several_indexed_words_pages_like_one_list(session):
    """"sp" is spectacle and sport, "es" escalade and escape: each indexed word's rows are
    read apart and merged; a partner comes once, on one page, in the order of the whole list."""
    build_corpus(session)
    for typed in ("sp", "es", "ju"):
        whole = search(session, SearchQuery(q=typed, page_size=50))
        assert whole.total > 1, typed
        names = []
        for number in range(1, whole.total // 2 + 2):
            page = search(session, SearchQuery(q=typed, page=number, page_size=2))
            assert page.total == whole.total, typed
            names += [hit.name for hit in page.results]
        assert names == [hit.name for hit in whole.results], typed


def test_a_lone_prefix_read_from_search_word_ranks_as_the_documents_do(session):
    """"mar" starting more indexed words than a search expands, PostgreSQL reads its partners
    and tiers from search_word (`statements.rank_lone_prefix`). They must be those that the
    full-text documents give, with filters, a position and pages; checked on both databases,
    SQLite's reading its range of search_term."""
    partners = build_corpus(session)
    add_corpus_partner(session, "Marelle et Marionnettes", ["culture"], "13004",
                       "Marathon du conte, marche contée, mardi et mercredi.")
    add_corpus_partner(session, "Club Nautique du Marin", ["sport"], "13007", "Marées, mariniers et maritime.")
    add_corpus_offer(session, partners["Bowling de Martigues"], "Marathon de bowling", expires=30)
    session.commit()
    for partner in session.exec(select(Partner)).all():
        reindex_partner(session, partner.id)
    session.commit()
    backend = backends.for_session(session)
    starting = {
        "sqlite": ("SELECT term FROM search_term WHERE term >= :low AND term < :high",
                   {"low": "mar", "high": "mar\U0010ffff"}),
        "postgresql": ("SELECT term FROM search_term WHERE term LIKE :prefix_pattern", {"prefix_pattern": "mar%"}),
    }[backend.name]
    for filters in ({}, {"category": "sport"}, {"offers_only": True}, {"commune_insee": "13055"},
                    {"near_insee": "13001", "sort": "distance"}, {"page": 2, "page_size": 3}):
        wanted = api.criteria(SearchQuery(q="mar", **filters), NOW)
        words, _ = api._resolve_words(session, backend, wanted.words)
        wanted = dataclasses.replace(wanted, words=words)
        assert statements.lone_prefix(wanted) == "mar"
        params = {"now": wanted.now, "day": rowids.day_of(wanted.now), **statements.position_params(wanted)}
        if backend.name == "sqlite":
            documents = (backend._nearest(session, wanted, dict(params)) if wanted.by_distance
                         else backend._by_tier(session, wanted, dict(params))[0])
        else:
            with_queries = dict(params)
            documents = statements.paged(session, backend._hits(wanted, with_queries), wanted, with_queries,
                                         None, hits_placed=True)[0]
        from_words, total = statements.rank_lone_prefix(session, starting[0], wanted, {**params, **starting[1]})
        assert documents and from_words == documents, filters
        assert total >= len(documents)
