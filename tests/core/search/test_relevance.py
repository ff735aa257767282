"""Relevance: what families type, and the partners that must come in the first three, on
SQLite and PostgreSQL (the same analysis on both: stop words, stems, synonyms, typos)."""

from __future__ import annotations

from cjeune_app.core.search import SearchQuery, search
from tests.core.search.relevance_corpus import build_relevance_corpus

MATHS = ("Acadomia Soutien Mathématiques", "Réussite Scolaire Salon")
SWIMMING = ("Piscine Municipale de Marignane", "Cercle des Nageurs de Marseille", "Club de Natation d'Arles")

# query, partners expected among the first three (all of them)
RELEVANCE = [
    # stop words and abbreviations
    ("cours de maths", MATHS[:1]),
    ("maths", MATHS[:2]),
    ("soutien en maths", MATHS[:1]),
    ("aide aux devoirs", ("Réussite Scolaire Salon", "Cours Réussite Mazargues")),
    ("cours particuliers", ("Acadomia Soutien Mathématiques",)),
    ("foot", ("Football Club Vitrollais", "Olympique Football Istréen")),
    ("club de foot à istres", ("Olympique Football Istréen",)),
    ("ciné", ("Cinéma Le Prado", "Cinéma Les Arcades")),
    ("cine salon", ("Cinéma Les Arcades",)),
    ("muscu", ("Salle de Musculation Titan",)),
    ("salle de muscu aubagne", ("Salle de Musculation Titan",)),
    ("bd", ("Librairie La Bulle",)),
    ("bd aix", ("Librairie La Bulle",)),
    ("manga", ("Librairie La Bulle",)),
    ("hip hop", ("Studio Hip-Hop Nord", "Urban Hiphop Academy")),
    ("hip-hop", ("Studio Hip-Hop Nord", "Urban Hiphop Academy")),
    ("hiphop", ("Studio Hip-Hop Nord", "Urban Hiphop Academy")),
    ("danse hip hop martigues", ("Urban Hiphop Academy",)),
    ("ping pong", ("Tennis de Table Miramasséen",)),
    ("ping-pong miramas", ("Tennis de Table Miramasséen",)),
    ("basket", ("Basket Club Cassidain",)),
    ("gym", ("Gymnastique Volontaire d'Allauch",)),
    ("rando", ("Randonnées des Calanques",)),
    ("vtt", ("Cyclisme Club Arlésien",)),
    ("velo arles", ("Cyclisme Club Arlésien",)),
    ("permis de conduire", ("Auto-École du Prado",)),
    ("auto ecole", ("Auto-École du Prado",)),
    ("info", ("Informatique pour Tous",)),
    ("karate", ("Karaté Shotokan Marseille Nord",)),
    # synonyms of meaning
    ("piscine", SWIMMING),
    ("piscine marignane", ("Piscine Municipale de Marignane",)),
    ("nager", SWIMMING[:2]),
    ("mediatheque", ("Médiathèque Jeunesse des Pennes",)),
    # plurals, stems, accents
    ("theatre", ("Théâtre du Bois de l'Aune", "Théâtre Toursky")),
    ("théâtres", ("Théâtre du Bois de l'Aune", "Théâtre Toursky")),
    ("theatres vieux port", ("Théâtres du Vieux-Port",)),
    ("theatre marseille", ("Théâtre Toursky", "Théâtres du Vieux-Port")),
    ("théâtral", ("Compagnie Théâtrale de Venelles",)),
    ("theatre venelles", ("Compagnie Théâtrale de Venelles",)),
    ("cinemas", ("Cinéma Le Prado", "Cinéma Les Arcades")),
    ("bandes dessinées", ("Librairie La Bulle",)),
    ("bande dessinee", ("Librairie La Bulle",)),
    ("randonnees", ("Randonnées des Calanques",)),
    ("ESCRIME", ("Escrime Club du Pays d'Aix",)),
    ("musique", ("Conservatoire de Musique d'Istres",)),
    ("mathematique", MATHS[:2]),
    # typos
    ("natatoin", ("Club de Natation d'Arles", "Cercle des Nageurs de Marseille")),
    ("muscluation", ("Salle de Musculation Titan",)),
    ("escirme", ("Escrime Club du Pays d'Aix",)),
    ("conservatoir", ("Conservatoire de Musique d'Istres",)),
    # while typing
    ("calanq", ("Escape Game des Calanques", "Randonnées des Calanques")),
    ("gymnast", ("Gymnastique Volontaire d'Allauch",)),
    ("tennis de ta", ("Tennis de Table Miramasséen",)),
    # communes, "près de", Marseille's arrondissements
    ("judo aubagne", ("Judo Club Aubagnais",)),
    ("judo près d'aubagne", ("Judo Club Aubagnais",)),
    ("escalade pres de gardanne", ("Maison des Jeunes de Gardanne",)),
    ("karate marseille", ("Karaté Shotokan Marseille Nord",)),
    ("karate marseille 13e", ("Karaté Shotokan Marseille Nord",)),
    ("cinema marseille 8e", ("Cinéma Le Prado",)),
    ("cinéma 13008", ("Cinéma Le Prado",)),
    ("natation marseille 7eme", ("Cercle des Nageurs de Marseille",)),
    ("salon de provence", ("Réussite Scolaire Salon", "Cinéma Les Arcades")),
    ("les pennes mirabeau", ("Médiathèque Jeunesse des Pennes",)),
    ("la ciotat", ("Escape Game des Calanques",)),
    # offers
    ("abonnement muscu", ("Salle de Musculation Titan",)),
    ("place de cinema pas cher", ("Cinéma Le Prado",)),
]


def test_the_relevance_set_is_large_enough():
    assert len(RELEVANCE) >= 50


def test_families_find_what_they_type(session):
    build_relevance_corpus(session)
    misses = []
    for query, expected in RELEVANCE:
        page = search(session, SearchQuery(q=query))
        first = [hit.name for hit in page.results[:3]]
        if not set(expected) <= set(first):
            misses.append(f"{query!r}: {first} (attendus : {list(expected)})")
    assert misses == [], "\n".join(misses)


def test_no_dead_end_when_no_partner_has_every_word(session):
    build_relevance_corpus(session)
    page = search(session, SearchQuery(q="judo trampoline aubagne"))
    assert page.approximate and page.missing_words == ("trampoline",)
    assert [hit.name for hit in page.results] == ["Judo Club Aubagnais"]
    exact = search(session, SearchQuery(q="judo aubagne"))
    assert not exact.approximate and exact.missing_words == ()
    # Of "club", "foot" and "istres", the commonest word is left out.
    istres = search(session, SearchQuery(q="club de foot à istres"))
    assert istres.missing_words == ("club",)
    assert [hit.name for hit in istres.results] == ["Olympique Football Istréen"]
    nothing = search(session, SearchQuery(q="trampoline parachute"))
    assert nothing.total == 0 and not nothing.approximate
