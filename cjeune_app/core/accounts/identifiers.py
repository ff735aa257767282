"""Eduprovence identifiers: <nom><initiale du prénom>[n]@eduprovence.fr."""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session, col, select

from cjeune_app.core.accounts.models import Account

EDUPROVENCE_DOMAIN = "eduprovence.fr"


def _ascii_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z]", "", without_accents.lower().replace("œ", "oe").replace("æ", "ae"))


def eduprovence_base(last_name: str, first_name: str) -> str:
    """`Fernandez`, `Julie` -> `fernandezj` (accents, spaces, hyphens, apostrophes removed)."""
    last = _ascii_letters(last_name.replace("Œ", "OE").replace("œ", "oe"))
    first = _ascii_letters(first_name)
    if not last or not first:
        raise ValueError("Le nom et le prénom doivent contenir au moins une lettre.")
    return f"{last}{first[0]}"


def next_free_login(session: Session, last_name: str, first_name: str) -> str:
    """The first free identifier: fernandezj, then fernandezj2, fernandezj3..."""
    base = eduprovence_base(last_name, first_name)
    taken = set(
        session.exec(
            select(Account.login).where(col(Account.login).like(f"{base}%@{EDUPROVENCE_DOMAIN}"))
        ).all()
    )
    candidate, n = f"{base}@{EDUPROVENCE_DOMAIN}", 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}@{EDUPROVENCE_DOMAIN}"
    return candidate
