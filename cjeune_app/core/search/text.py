"""Words as the engine sees them: folded French, stems, synonyms, query words, one-typo neighbours.

Documents and queries go through the same analysis in Python, and the index stores the
resulting words joined by spaces: SQLite FTS5 and PostgreSQL full-text then split the very
same words, which keeps both databases' results in step.

A document's word is indexed as typed (folded) and, when it differs, as its Snowball French
stem ("théâtres" → theatres, theatr): a query word then matches what starts with it (typing)
or with its stem ("theatre" → theatr, which starts "theatres" and "theatrale"). Stop words
are dropped from queries, and a query word (or words, "ping pong") listed in
`data/synonyms.csv` also matches each of its meanings ("piscine" → natation).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer

from cjeune_app.core.text import fold

# NFKD leaves these letters whole; PostgreSQL's unaccent expands them.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_WORD = re.compile(r"[^\W_]+")

# Dropped from a query (except as its only word, which may be the start of another word):
# they are in almost every name and narrow nothing ("cours de maths", "judo près d'Aubagne").
STOPWORDS = frozenset(
    ["a", "au", "aux", "avec", "ce", "ces", "chez", "d", "dans", "de", "des", "du", "en", "et", "je", "l", "la",
     "le", "les", "leur", "leurs", "ma", "mes", "moi", "mon", "nos", "notre", "ou", "par", "pour", "pres", "proche",
     "qu", "que", "qui", "sa", "ses", "son", "sur", "ton", "tes", "un", "une", "vers", "vos", "votre"]
)
SYNONYMS_FILE = Path(__file__).with_name("data") / "synonyms.csv"
MAX_SYNONYM_WORDS = 3  # the longest "typed" of the synonyms file, in words
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


_STEMMER = Stemmer.Stemmer("french")


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """The Snowball French stem of a folded word ("theatres" → theatr); digits stay whole.
    Folded words are stemmed (not accented ones) so that a query typed without accents
    gets the very stem of the accented document word."""
    return token if token.isdigit() else str(_STEMMER.stemWord(token))


def index_words(token: str) -> tuple[str, ...]:
    """What the index holds for one folded word: itself, and its stem when different."""
    root = stem(token)
    return (token,) if root == token else (token, root)


def searchable(*texts: str | None) -> str:
    """What the index stores for a column: the words of every text and their stems, space-separated."""
    return " ".join(word for text in texts for token in search_tokens(text) for word in index_words(token))


@dataclass(frozen=True)
class Synonym:
    typed: tuple[str, ...]  # folded words
    means: tuple[tuple[str, ...], ...]  # each meaning's folded words
    why: str


def _meaning_terms(words: tuple[str, ...]) -> tuple[str, ...]:
    """The indexed words (stems) a meaning requires: stop words are not required."""
    kept = [w for w in words if w not in STOPWORDS] or list(words)
    return tuple(dict.fromkeys(stem(w) for w in kept))


@lru_cache(maxsize=1)
def synonyms() -> dict[tuple[str, ...], Synonym]:
    """The synonyms file, by folded typed words."""
    table: dict[tuple[str, ...], Synonym] = {}
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            typed = search_tokens(row["typed"])
            means = tuple(search_tokens(m) for m in row["means"].split("|") if search_tokens(m))
            if not typed or not means or len(typed) > MAX_SYNONYM_WORDS or not row["why"].strip():
                raise ValueError(f"Ligne de synonymes incomplète : {row}")
            table[typed] = Synonym(typed, means, row["why"].strip())
    return table


@dataclass(frozen=True)
class QueryWord:
    """A word of the query (or words of a synonym, "ping pong") and how it matches: as the
    start of an indexed word (`prefixes`: the word typed, and its stem), or as any of
    `alternatives` (the indexed words those start, when few; or, when `corrected`, those one
    typo away); or as every indexed word of one of `meanings` (synonyms, as stems)."""

    typed: str
    prefix: bool
    alternatives: tuple[str, ...] = ()
    corrected: bool = False
    in_offers: bool = True  # False when no offer's title has it (nor any alternative)
    meanings: tuple[tuple[str, ...], ...] = ()
    stemmed: bool = True  # False when no indexed word is its stem
    # False when no indexed word is, or starts with, the word typed: its stem and meanings
    # alone match (a prefix starting nothing still costs the index a walk).
    found_as_typed: bool = True

    @property
    def may_be_corrected(self) -> bool:
        return len(self.typed) >= TYPO_MIN_LENGTH and " " not in self.typed

    @property
    def root(self) -> str | None:
        """Its stem, also matched whole ("theatre" → theatr, the stem of "théâtres"), when it
        differs from the word; None once `alternatives` are typo corrections or `stemmed` is off."""
        if " " in self.typed or self.corrected or not self.stemmed:
            return None
        root = stem(self.typed)
        return root if root != self.typed and len(root) >= PREFIX_MIN_LENGTH else None

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The starts of indexed words it matches: the word typed, unless `alternatives` replace it."""
        if self.alternatives or " " in self.typed or not self.prefix or not self.found_as_typed:
            return ()
        return (self.typed,)

    @property
    def meaning_terms(self) -> tuple[str, ...]:
        """Every indexed word of its meanings."""
        return tuple(dict.fromkeys(t for meaning in self.meanings for t in meaning))

    @property
    def exact(self) -> tuple[str, ...]:
        """The indexed words it matches whole: its alternatives (else itself when too short
        to be a prefix), and its stem."""
        own = (self.typed,) if not self.prefix and " " not in self.typed and self.found_as_typed else ()
        words = self.alternatives or own
        roots = {*words, self.root} if self.root else set(words)
        # A document holding a word holds its stem too (`index_words`): the words whose stem
        # is matched as well add no document, only a longer list for the index to merge
        # ("stage" → stag alone, not stage | stages | stag; "th" → theatr, not theatre too).
        kept = tuple(w for w in words if w != self.root and (stem(w) == w or stem(w) not in roots))
        return kept + (self.root,) if self.root else kept


def _with_meanings(typed: tuple[str, ...]) -> QueryWord:
    word = " ".join(typed)
    synonym = synonyms().get(typed)
    if synonym is None:
        return QueryWord(word, prefix=len(word) >= PREFIX_MIN_LENGTH)
    meanings = [_meaning_terms(m) for m in synonym.means]
    if len(typed) > 1:  # "hip hop" also means the words typed
        meanings.insert(0, _meaning_terms(typed))
    return QueryWord(word, prefix=len(typed) == 1 and len(word) >= PREFIX_MIN_LENGTH,
                     meanings=tuple(dict.fromkeys(meanings)))


def query_words(text: str | None) -> list[QueryWord]:
    """The words to look for, in order, without repeats and without stopwords; words listed
    together in the synonyms file stay together.

    A query made only of stop words ("la", "de la") has no word to look for: it browses,
    as the empty box does. Kept as a prefix, "la" would start thousands of indexed words
    ("la ciotat", "laser", "lancon"...) and read a large part of the index for a list
    that says no more than browsing; the next letters typed narrow it ("la c" → "c")."""
    tokens = search_tokens(text)
    groups: list[tuple[str, ...]] = []
    position = 0
    while position < len(tokens):
        for size in range(min(MAX_SYNONYM_WORDS, len(tokens) - position), 0, -1):
            group = tokens[position : position + size]
            if size == 1 or group in synonyms():
                break
        position += len(group)
        if group in groups or (len(group) == 1 and group[0] in STOPWORDS):
            continue
        groups.append(group)
    if len(groups) > 1:
        # "judo la c" while typing "la ciotat": the other words already narrow, and a lone
        # letter would only drop good answers.
        groups = [g for g in groups if len(" ".join(g)) >= PREFIX_MIN_LENGTH] or groups
    return [_with_meanings(g) for g in groups[:MAX_QUERY_WORDS]]


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
