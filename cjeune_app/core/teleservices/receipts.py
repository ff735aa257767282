"""The accusé de réception of a demande de bourse (PDF): reference, date and time of sending, the
child, the school and what was declared."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fpdf.enums import XPos, YPos

from cjeune_app.core.dates import format_date, format_hour
from cjeune_app.core.documents.pdf import FONT, new_pdf
from cjeune_app.core.formats import format_euros


@dataclass(frozen=True)
class Receipt:
    reference: str
    sent_at: dt.datetime
    child_name: str
    school_name: str
    season_code: str
    guardians: str
    dependent_children: int
    rfr_euros: int
    avis_year: int
    avis_attached: bool
    estimate_text: str


def receipt_pdf(receipt: Receipt) -> bytes:
    pdf = new_pdf(f"Accusé de réception {receipt.reference}")
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, "Accusé de réception — demande de bourse de collège", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    lines = [
        ("Référence", receipt.reference),
        ("Envoyée le", f"{format_date(receipt.sent_at)} à {format_hour(receipt.sent_at)} (heure de Paris)"),
        ("Année scolaire", receipt.season_code),
        ("Élève", receipt.child_name),
        ("Établissement", receipt.school_name),
        ("Responsables légaux du foyer", receipt.guardians),
        ("Enfants à charge", str(receipt.dependent_children)),
        ("Revenu fiscal de référence", format_euros(receipt.rfr_euros * 100)),
        ("Avis d'imposition", f"{receipt.avis_year}" + (" (joint)" if receipt.avis_attached else " (non joint)")),
        ("Estimation", receipt.estimate_text),
    ]
    for label, value in lines:
        pdf.set_font(FONT, "B", 11)
        pdf.cell(62, 7, label + " :")
        pdf.set_font(FONT, "", 11)
        pdf.multi_cell(0, 7, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.multi_cell(0, 6, "Votre demande a été transmise à l'établissement, qui l'instruit. La décision vous sera "
                         "communiquée sur la page « Services en ligne » et par e-mail. L'échelon affiché est une "
                         "estimation : seul l'établissement décide.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
