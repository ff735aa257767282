"""Filters as data: category bits for SQL, and facet tokens for the FTS5 `facets` column."""

from __future__ import annotations

from cjeune_app.core.enums import Category, Envelope, envelope_for_category

CATEGORY_BITS = {category: 1 << index for index, category in enumerate(Category)}
ENVELOPE_BITS = {
    envelope: sum(bit for category, bit in CATEGORY_BITS.items() if envelope_for_category(category) is envelope)
    for envelope in Envelope
}

# Tokens are letters and digits only, so that FTS5 keeps each one whole. User words never
# reach the facets column: every word of a query is bound to the text columns.
PARTNER_DOCUMENT = "xkp"  # in every partner document: what browsing without words matches


def category_facet(category: Category | str) -> str:
    return "xt" + Category(category).value.replace("_", "")


def envelope_facets(envelope: Envelope) -> list[str]:
    return [category_facet(c) for c in Category if envelope_for_category(c) is envelope]


def commune_facet(insee_code: str) -> str:
    return "xi" + insee_code


def commune_group_facet(insee_code: str) -> str:
    return "xm" + insee_code
