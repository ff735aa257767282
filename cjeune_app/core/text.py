"""Text helpers shared by several domains."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents, hyphens or apostrophes: how people type in a search box."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    for separator in "-'’":
        stripped = stripped.replace(separator, " ")
    return " ".join(stripped.lower().replace("œ", "oe").replace("æ", "ae").split())
