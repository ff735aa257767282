"""Printable documents (PDF) with an embedded Unicode font."""

from cjeune_app.core.documents.pdf import FONT, new_pdf

__all__ = ["FONT", "new_pdf"]
