"""Relevance of "Trouver un partenaire" on a small fixed corpus, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from cjeune_app.core import db
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.search import SearchError, SearchQuery, map_points, reindex_all, reindex_partner, search
from cjeune_app.core.search.postgres_backend import SETTINGS
from cjeune_app.core.territory import commune_by_insee
from cjeune_app.core.use_cases import search as use_cases
from tests.core.search.corpus import DAY, NOW, PARTNERS, add_corpus_offer, build_corpus


@pytest.fixture
def corpus(session) -> dict[str, Partner]:
    return build_corpus(session)


def names(page) -> list[str]:
    return [hit.name for hit in page.results]


def find(session, q="", **filters):
    return search(session, SearchQuery(q=q, **filters))


def test_accents_and_case_are_ignored(session, corpus):
    page = find(session, "theatre aix")
    assert names(page) == ["Théâtre du Bois de l'Aune"]
    assert names(find(session, "THÉÂTRE")) == ["Théâtre du Bois de l'Aune", "Théâtre Toursky",
                                               "Maison des Jeunes de Gardanne"]
    assert names(find(session, "bois de l aune")) == ["Théâtre du Bois de l'Aune"]


def test_words_match_as_prefixes_while_typing(session, corpus):
    assert names(find(session, "foo")) == ["Football Club Vitrollais"]
    assert names(find(session, "judo cl")) == ["Judo Club de la Plaine", "Judo Club Aubagnais"]
    assert names(find(session, "calanq")) == ["Escape Game des Calanques"]


def test_a_word_read_as_its_synonym_finds_what_the_synonym_finds(session, corpus):
    # "piscine" starts no indexed word: its meaning alone is looked for, as "natation" (the
    # same list, with or without a position; the index walks no dead prefix).
    for filters in ({}, {"near_insee": "13001", "sort": "distance"}):
        swimming = find(session, "natation", **filters)
        assert swimming.total > 0
        page = find(session, "piscine", **filters)
        assert (names(page), page.total) == (names(swimming), swimming.total)


def test_a_query_of_stop_words_only_browses_like_the_empty_box(session, corpus):
    browsing = find(session, "")
    assert browsing.total > 0
    for typed in ("la", "de la", "Les"):
        page = find(session, typed)
        assert (names(page), page.total, page.missing_words) == (names(browsing), browsing.total, ())
    assert find(session, "la", category="sport").total == find(session, "", category="sport").total
    # The next word typed narrows as usual.
    assert names(find(session, "la ciotat")) == names(find(session, "ciotat"))


def test_a_search_repeated_gives_the_same_page_and_keeps_its_settings_to_itself(db_url, session, corpus):
    # Past ten runs PostgreSQL could plan a prepared statement for any words: the search
    # plans its own (postgres_backend._SETTINGS), for its transaction only.
    first = find(session, "club", page_size=2)
    for _ in range(12):
        page = find(session, "club", page_size=2)
        assert (names(page), page.total) == (names(first), first.total)
    if db_url.startswith("postgresql"):
        show = "SELECT current_setting('plan_cache_mode'), current_setting('jit')"
        assert tuple(session.execute(sa.text(show)).one()) == ("force_custom_plan", "off")
        session.commit()
        assert tuple(session.execute(sa.text(show)).one()) != ("force_custom_plan", "off")


def test_the_search_use_case_reads_on_connections_of_its_own(db_url, session, corpus):
    """The use case reads on PostgreSQL in autocommit, on connections opened with the search's
    settings: the same pages, no statement sent to set them (nor BEGIN, nor COMMIT), and the
    application's other sessions keep the server's settings."""
    session.commit()
    statements: list[str] = []

    def executed(_conn, _cursor, statement, *_):
        statements.append(statement)

    reading = db._reading_engine(db_url, tuple(sorted(SETTINGS.items()))) if db_url.startswith("postgresql") \
        else db.get_engine()
    sa.event.listen(reading, "before_cursor_execute", executed)
    try:
        for words in ("club", "theatre aix", ""):
            assert names(use_cases.search(SearchQuery(q=words))) == names(find(session, words))
    finally:
        sa.event.remove(reading, "before_cursor_execute", executed)
    assert statements
    if db_url.startswith("postgresql"):
        assert not [statement for statement in statements if "set_config" in statement]
        show = "SELECT current_setting('plan_cache_mode'), current_setting('jit')"
        with db.reading_scope(SETTINGS) as reader:
            assert tuple(reader.execute(sa.text(show)).one()) == ("force_custom_plan", "off")
            assert reader.connection().connection.driver_connection.autocommit
        with db.session_scope() as other:
            assert tuple(other.execute(sa.text(show)).one()) != ("force_custom_plan", "off")


def test_one_typo_is_forgiven_on_longer_words(session, corpus):
    page = find(session, "natatoin")
    assert names(page) == ["Club de Natation d'Arles"]
    assert [(c.typed, c.replaced_by) for c in page.corrected_terms] == [("natatoin", ("natation",))]
    assert names(find(session, "escalde vertical")) == ["Atelier Vertical"]
    # A short word is not corrected: "jud" is a prefix, "judi" starts nothing and finds nothing.
    assert find(session, "judi").total == 0


def test_commune_names_are_words_and_marseille_covers_its_arrondissements(session, corpus):
    assert names(find(session, "judo marseille")) == ["Judo Club de la Plaine"]
    assert names(find(session, "judo aubagne")) == ["Judo Club Aubagnais"]
    assert names(find(session, "13005")) == ["Judo Club de la Plaine"]  # the postal code of Marseille 5e


def test_the_name_ranks_before_the_place_and_the_description(session, corpus):
    # "Vitrollais" has the stem of "Vitrolles" in its name: both names match, ties keep the
    # partners' order; the Club Alpin de Vitrolles (in Aix) comes before every place-only match.
    assert names(find(session, "vitrolles")) == ["Football Club Vitrollais", "Club Alpin de Vitrolles"]
    assert names(find(session, "aix")) == ["Théâtre du Bois de l'Aune", "Atelier Vertical", "Club Alpin de Vitrolles"]
    # Théâtre Toursky has "theatre" in its name, the Maison des Jeunes in its description.
    assert names(find(session, "theatre")) == [
        "Théâtre du Bois de l'Aune", "Théâtre Toursky", "Maison des Jeunes de Gardanne",
    ]
    # Descriptions only: ties keep the partners' order.
    assert names(find(session, "escalade")) == [
        "Atelier Vertical", "Maison des Jeunes de Gardanne", "Club Alpin de Vitrolles",
    ]
    # Categories count as words
    assert names(find(session, "soutien scolaire")) == ["Cours Réussite Mazargues"]


def test_offers_are_found_by_their_title_and_shown_with_the_partner(session, corpus):
    page = find(session, "stage brevet")
    assert names(page) == ["Cours Réussite Mazargues"]
    assert [o.title for o in page.results[0].offers] == ["Stage de préparation au brevet"]
    aune = find(session, "abonnement aix").results[0]
    assert aune.name == "Théâtre du Bois de l'Aune"
    assert [(o.title, o.discount_text) for o in aune.offers] == [
        ("Place offerte pour un accompagnant", "Offert"),  # soonest expiry first
        ("Abonnement saison à tarif jeune", "-25 %"),
    ]
    assert aune.offers[0].expires_at == NOW + 20 * DAY
    assert (aune.commune_name, aune.categories, aune.envelopes) == ("Aix-en-Provence", ("culture",), ("sport_culture",))


def test_an_offer_matches_a_synonym_only_with_every_word_of_its_meaning(session, corpus):
    # "ping pong" means "tennis de table": an offer saying "table" alone is not table tennis.
    partner = corpus["Escape Game des Calanques"]
    add_corpus_offer(session, partner, "Table d'hôte du samedi")
    reindex_partner(session, partner.id)
    session.commit()
    assert names(find(session, "table")) == ["Escape Game des Calanques"]
    assert "Escape Game des Calanques" not in names(find(session, "ping pong"))
    assert names(find(session, "table calanques")) == ["Escape Game des Calanques"]  # its title and its name


def test_expired_and_unpublished_offers_never_appear(session, corpus):
    bowling = find(session, "bowling").results[0]
    assert bowling.offers == ()
    assert find(session, "partie gratuite").total == 0  # only the expired offer said so
    assert find(session, "licence").total == 0  # unpublished
    assert "Bowling de Martigues" not in names(find(session, "", offers_only=True))


def test_offers_expire_and_start_at_query_time_without_reindexing(session, corpus):
    partner = corpus["Escape Game des Calanques"]
    # NOW is read when the tests start and indexing reads the clock: the margin outlasts a slow run.
    add_corpus_offer(session, partner, "Mystère du mois", starts=-1, expires=dt.timedelta(hours=2))
    add_corpus_offer(session, partner, "Session nocturne", starts=dt.timedelta(hours=3), expires=30)
    reindex_partner(session, partner.id)
    session.commit()

    def titles(moment):
        page = search(session, SearchQuery(q="calanques"), now=moment)
        return [o.title for o in page.results[0].offers]

    def found(q, moment):
        return names(search(session, SearchQuery(q=q), now=moment))

    assert titles(NOW) == ["Mystère du mois"]
    assert found("mystere", NOW) == ["Escape Game des Calanques"]
    assert found("nocturne", NOW) == []
    later = NOW + dt.timedelta(hours=4)
    assert titles(later) == ["Session nocturne"]
    assert found("mystere", later) == [] and found("nocturne", later) == ["Escape Game des Calanques"]
    only_offers = search(session, SearchQuery(offers_only=True), now=NOW + 40 * DAY)
    assert "Escape Game des Calanques" not in names(only_offers)


def test_only_validated_partners_appear(session, corpus):
    assert "Théâtre Fantôme" not in names(find(session, "theatre"))
    assert find(session, "fantome").total == 0
    assert find(session, "soiree decouverte").total == 0
    toursky = corpus["Théâtre Toursky"]
    toursky.status = "rejected"
    reindex_partner(session, toursky.id)
    assert names(find(session, "theatre")) == ["Théâtre du Bois de l'Aune", "Maison des Jeunes de Gardanne"]


def test_the_index_follows_an_edit(session, corpus):
    judo = corpus["Judo Club Aubagnais"]
    judo.name = "Dojo du Garlaban"
    reindex_partner(session, judo.id)
    session.commit()
    assert names(find(session, "dojo")) == ["Dojo du Garlaban"]
    assert names(find(session, "judo club")) == ["Judo Club de la Plaine"]
    assert "Judo Club Aubagnais" not in names(find(session, "aubagne"))


def test_filters(session, corpus):
    culture = names(find(session, "", category="culture"))
    assert sorted(culture) == ["Escape Game des Calanques", "Théâtre Toursky", "Théâtre du Bois de l'Aune"]
    assert names(find(session, "", category="soutien scolaire")) == ["Cours Réussite Mazargues"]
    assert sorted(names(find(session, "", commune_insee="13055"))) == [
        "Cours Réussite Mazargues", "Judo Club de la Plaine", "Théâtre Toursky",
    ]
    assert names(find(session, "", commune_insee="13205")) == ["Judo Club de la Plaine"]
    assert names(find(session, "judo", commune_insee="13005")) == ["Judo Club Aubagnais"]
    assert names(find(session, "", envelope="soutien_scolaire")) == ["Cours Réussite Mazargues"]
    assert "Cours Réussite Mazargues" not in names(find(session, "", envelope="sport_culture", page_size=50))
    assert sorted(names(find(session, "", offers_only=True))) == ["Cours Réussite Mazargues", "Théâtre du Bois de l'Aune"]
    assert names(find(session, "theatre", offers_only=True)) == ["Théâtre du Bois de l'Aune"]


def test_sort_by_distance_from_a_position_or_a_commune(session, corpus):
    plaine = commune_by_insee("13205")
    page = find(session, "judo", lat=plaine.latitude, lon=plaine.longitude, sort="distance")
    assert names(page) == ["Judo Club de la Plaine", "Judo Club Aubagnais"]
    assert page.results[0].distance_km == 0.0
    assert 10 < page.results[1].distance_km < 20  # Marseille 5e → Aubagne
    everyone = find(session, "", near_insee="13205", sort="distance", page_size=50)
    distances = [hit.distance_km for hit in everyone.results]
    assert distances == sorted(distances) and everyone.total == len(PARTNERS)
    assert names(everyone)[:3] == ["Judo Club de la Plaine", "Théâtre Toursky", "Cours Réussite Mazargues"]
    nearby = find(session, "", near_insee="13205", radius_km=10, sort="distance")
    assert names(nearby) == names(everyone)[:3] and nearby.total == 3
    # Pages of three, found ring by ring around the position: the same order, the same total.
    pages = [find(session, "", near_insee="13205", sort="distance", page_size=3, page=n) for n in (1, 2, 3)]
    assert [name for page in pages for name in names(page)] == names(everyone)[:9]
    assert {page.total for page in pages} == {len(PARTNERS)}


def test_paging(session, corpus):
    everyone = names(find(session, "", page_size=50))
    assert len(everyone) == len(PARTNERS)
    second = find(session, "", page=2, page_size=4)
    assert names(second) == everyone[4:8] and second.total == len(PARTNERS)
    beyond = find(session, "", page=9, page_size=4)
    assert beyond.results == () and beyond.total == len(PARTNERS)


def test_the_map_has_every_result_not_only_the_page(session, corpus):
    page = find(session, "", page_size=4)
    points = map_points(session, SearchQuery(q="", page_size=4, page=2))
    assert page.total == len(PARTNERS) and len(points) == len(PARTNERS)
    assert [p.name for p in points] == names(find(session, "", page_size=50))
    culture = map_points(session, SearchQuery(q="", category="culture"))
    assert sorted(p.name for p in culture) == ["Escape Game des Calanques", "Théâtre Toursky", "Théâtre du Bois de l'Aune"]
    toursky = next(p for p in culture if p.name == "Théâtre Toursky")
    assert toursky.commune_name == commune_by_insee("13203").name and toursky.categories == ("culture",)
    assert 43.2 < toursky.latitude < 43.4 and 5.3 < toursky.longitude < 5.5
    with pytest.raises(SearchError):
        map_points(session, SearchQuery(category="piscine"))


def test_reindex_all_rebuilds_the_same_index(session, corpus):
    before = [names(find(session, q)) for q in ("theatre", "judo marseille", "natatoin", "escalade")]
    assert reindex_all(session) == len(PARTNERS) + 3  # partners and their current or future offers
    session.commit()
    assert [names(find(session, q)) for q in ("theatre", "judo marseille", "natatoin", "escalade")] == before


def test_after_a_full_rebuild_the_index_still_follows_edits(session, corpus):
    """The rebuild indexes in bulk with the row-by-row indexing set aside: it must be back after."""
    reindex_all(session)
    session.commit()
    toursky = corpus["Théâtre Toursky"]
    toursky.name = "Zéphyr Scène"
    reindex_partner(session, toursky.id)
    session.commit()
    assert names(find(session, "zephyr")) == ["Zéphyr Scène"]
    assert reindex_all(session) == len(PARTNERS) + 3
    session.commit()
    assert names(find(session, "zephyr")) == ["Zéphyr Scène"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (SearchQuery(category="piscine"), "categorie_inconnue"),
        (SearchQuery(envelope="cadeau"), "enveloppe_inconnue"),
        (SearchQuery(commune_insee="75056"), "commune_inconnue"),
        (SearchQuery(lat=43.3), "position_incomplete"),
        (SearchQuery(lat=143.3, lon=5.4), "position_invalide"),
        (SearchQuery(sort="distance"), "position_requise"),
        (SearchQuery(near_insee="13001", radius_km=0), "rayon_invalide"),
        (SearchQuery(page=0), "page_invalide"),
        (SearchQuery(page_size=500), "taille_page_invalide"),
        (SearchQuery(q="x" * 201), "recherche_trop_longue"),
    ],
)
def test_wrong_requests_are_refused_in_french(session, query, code):
    with pytest.raises(SearchError) as refused:
        search(session, query)
    assert refused.value.code == code
    assert refused.value.message[0].isupper() and refused.value.message.endswith(".")


def test_concurrent_edits_of_a_partner_leave_one_consistent_index(db_url, session, corpus):
    """Two transactions each add an offer to the same partner and reindex it at once: neither
    fails and the index holds both offers and one partner document (SQLite queues writers,
    PostgreSQL makes the second wait on the partner row)."""
    import threading

    import sqlalchemy as sa

    from cjeune_app.core.db import session_scope
    from cjeune_app.core.search.models import SearchEntry

    partner_id = corpus["Judo Club de la Plaine"].id
    barrier, errors = threading.Barrier(2), []

    def add(title: str, days: int) -> None:
        try:
            barrier.wait(timeout=10)
            with session_scope() as own:
                add_corpus_offer(own, own.get(Partner, partner_id), title, expires=days)
                reindex_partner(own, partner_id)
        except Exception as error:  # reported below
            errors.append((title, error))

    threads = [threading.Thread(target=add, args=args) for args in (("Kimono offert", 40), ("Stage de ceinture", 50))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    own_documents = session.execute(
        sa.select(sa.func.count()).select_from(SearchEntry).where(
            SearchEntry.partner_id == partner_id, SearchEntry.offer_id.is_(None)
        )
    ).scalar_one()
    assert own_documents == 1
    assert names(find(session, "kimono")) == ["Judo Club de la Plaine"]
    assert names(find(session, "ceinture")) == ["Judo Club de la Plaine"]
