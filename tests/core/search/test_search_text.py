"""How the search reads French as people type it (no database)."""

import pytest

from cjeune_app.core.search.text import one_typo_apart, query_words, search_tokens


def test_words_are_folded_as_people_type_them():
    assert search_tokens("Théâtre d'Aix-en-Provence") == ("theatre", "d", "aix", "en", "provence")
    assert search_tokens("CŒUR de l’Étang, 13005") == ("coeur", "de", "l", "etang", "13005")


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("judo à marseille", ["judo", "marseille"]),  # "à" narrows nothing
        ("la ciotat", ["ciotat"]),
        ("la", []),  # only stop words: nothing to look for, the box browses
        ("de la", []),
        ("judo la c", ["judo"]),  # typing "la ciotat": the lone letter would drop good answers
        ("cours de", ["cours"]),
        ("judo judo", ["judo"]),
    ],
)
def test_query_words(typed, words):
    assert [w.typed for w in query_words(typed)] == words


@pytest.mark.parametrize(
    ("typed", "word", "expected"),
    [
        ("natatoin", "natation", True),  # two neighbours swapped
        ("natafion", "natation", True),  # one letter wrong
        ("natation", "natation", False),  # no typo: nothing to correct
        ("natatio", "natation", True),  # one letter missing
        ("nattation", "natation", True),  # one letter too many
        ("nbtatoin", "natation", False),  # two typos
        ("natation", "nation", False),
    ],
)
def test_one_typo_apart(typed, word, expected):
    assert one_typo_apart(typed, word) is expected
