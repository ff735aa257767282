"""PDF documents with DejaVu Sans embedded (fonts/ beside this file, see fonts/LICENSE):
the PDF core fonts know no "é" outside Latin-1 and no "·", and a fresh machine may have no
system font at all."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT = "DejaVu"
FONTS_DIR = Path(__file__).with_name("fonts")


def new_pdf(title: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_author("Département des Bouches-du-Rhône — CJeune de Provence")
    pdf.set_lang("fr-FR")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    return pdf
