"""Words as the engine sees them: folded French, query words, one-typo neighbours.

Documents and queries go through the same `search_tokens`, and the index stores the
tokens joined by spaces: SQLite FTS5 and PostgreSQL full-text then split the very same
words, which keeps both databases' results in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cjeune_app.core.text import fold

# NFKD leaves these letters whole; PostgreSQL's unaccent expands them.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_WORD = re.compile(r"[^\W_]+")

# Dropped from a query (except as its last word, which may be the start of another word):
# they are in almost every name and narrow nothing.
STOPWORDS = frozenset(
    ["a", "au", "aux", "avec", "chez", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou",
     "par", "pour", "sur", "un", "une"]
)
MAX_QUERY_WORDS = 6
TYPO_MIN_LENGTH = 5  # a typo is forgiven on words at least this long
PREFIX_MIN_LENGTH = 2  # a one-letter word only matches itself
# A prefix that starts at most this many indexed words is searched as those words: whole
# words let the index skip ahead when it intersects words, a prefix does not.
MAX_EXPANSIONS = 8


@lru_cache(maxsize=8192)  # commune names, category labels and offer titles come back often
def search_tokens(text: str | None) -> tuple[str, ...]:
    """Lower-case words without accents: "Théâtre d'Aix-en-Provence" → theatre, d, aix, en, provence."""
    if not text:
        return ()
    return tuple(_WORD.findall(fold(text.translate(_LIGATURES))))


def searchable(*texts: str | None) -> str:
    """What the index stores for a column: the tokens of every text, space-separated."""
    return " ".join(token for text in texts for token in search_tokens(text))


@dataclass(frozen=True)
class QueryWord:
    """A word of the query and how it matches: as a prefix, or as any of `alternatives`
    (the indexed words it starts, when few; or, when `corrected`, those one typo away)."""

    typed: str
    prefix: bool
    alternatives: tuple[str, ...] = ()
    corrected: bool = False
    in_offers: bool = True  # False when no offer's title has it (nor any alternative)

    @property
    def may_be_corrected(self) -> bool:
        return len(self.typed) >= TYPO_MIN_LENGTH


def query_words(text: str | None) -> list[QueryWord]:
    """The words to look for, in order, without repeats and without non-final stopwords."""
    tokens = search_tokens(text)
    kept: list[str] = []
    for position, token in enumerate(tokens):
        last = position == len(tokens) - 1
        if token in kept or (token in STOPWORDS and not last):
            continue
        kept.append(token)
    if len(kept) > 1:
        # "judo a" or "judo la c" while typing "la ciotat": the other words already narrow,
        # and a lone letter or a stopword would only drop good answers.
        if kept[-1] in STOPWORDS:
            kept.pop()
        kept = [t for t in kept if len(t) >= PREFIX_MIN_LENGTH] or kept
    return [QueryWord(t, prefix=len(t) >= PREFIX_MIN_LENGTH) for t in kept[:MAX_QUERY_WORDS]]


def one_typo_apart(typed: str, word: str) -> bool:
    """True when one letter is wrong, missing, extra, or two neighbours are swapped."""
    if typed == word:
        return False
    shorter, longer = sorted((typed, word), key=len)
    if len(longer) - len(shorter) > 1:
        return False
    if len(shorter) < len(longer):
        first = next((i for i, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), len(shorter))
        return shorter[first:] == longer[first + 1 :]
    differing = [i for i, (a, b) in enumerate(zip(typed, word, strict=False)) if a != b]
    if len(differing) == 1:
        return True
    if len(differing) == 2 and differing[1] == differing[0] + 1:
        i, j = differing
        return typed[i] == word[j] and typed[j] == word[i]
    return False


def deletion_variants(word: str) -> set[str]:
    """The word and the word minus each letter: two words one typo apart share one of these."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
