"""Errors of the search, in French, each saying how to fix the request."""

from __future__ import annotations


class SearchError(ValueError):
    """A search request that cannot be answered as given (the API answers 422)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
