"""The letter a school hands each pupil: Eduprovence identifier, temporary password, first steps.

One A4 page per pupil. The temporary password exists only in this PDF (the database keeps its
hash): the school prints it and should not keep the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from cjeune_app import routes
from cjeune_app.core.accounts.passwords import PASSWORD_RULES
from cjeune_app.core.documents import FONT, new_pdf
from cjeune_app.core.notifications import public_url
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE


@dataclass(frozen=True)
class Letter:
    first_name: str
    last_name: str
    class_name: str
    establishment_name: str
    login: str
    temporary_password: str


def letters_pdf(letters: list[Letter]) -> bytes:
    pdf = new_pdf("Identifiants Eduprovence — CJeune de Provence")
    for letter in letters:
        _page(pdf, letter)
    return bytes(pdf.output())


def paragraph(pdf: FPDF, text: str, size: float = 10.5, style: str = "", height: float = 5.5) -> None:
    """A paragraph, wrapped to the page width. Most paragraphs are the same on every letter:
    they are wrapped once per document (fpdf2's line breaking costs ~100 ms a page)."""
    pdf.set_font(FONT, style, size)
    text = _french_spacing(text)
    cache = pdf.__dict__.setdefault("_cjeune_wrapped", {})
    lines = cache.get((text, size, style))
    if lines is None:
        lines = pdf.multi_cell(0, height, text, dry_run=True, output=MethodReturnValue.LINES)
        cache[(text, size, style)] = lines
    for line in lines:
        pdf.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _french_spacing(text: str) -> str:
    """No line break inside « ... » nor before : and ? (non-breaking spaces)."""
    for plain, tied in (("« ", "«\u00a0"), (" »", "\u00a0»"), (" :", "\u00a0:"), (" ?", "\u00a0?")):
        text = text.replace(plain, tied)
    return text


def heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    paragraph(pdf, text, 12, "B", 7)


def _page(pdf: FPDF, letter: Letter) -> None:
    pdf.add_page()
    pdf.set_text_color(0, 61, 122)
    paragraph(pdf, "CJeune de Provence", 20, "B", 10)
    pdf.set_text_color(0, 0, 0)
    paragraph(pdf, "Département des Bouches-du-Rhône — la carte des collégiens et des jeunes", 9.5)
    pdf.ln(4)
    paragraph(pdf, f"{letter.establishment_name} — classe {letter.class_name}", 10.5, "B")
    paragraph(pdf, f"À l'attention de {letter.first_name} {letter.last_name.upper()} et de ses responsables légaux")
    pdf.ln(4)
    paragraph(pdf, "Vos identifiants de connexion Eduprovence", 14, "B", 8)
    credentials_box(pdf, letter.login, letter.temporary_password)
    paragraph(pdf, "Ces identifiants sont remis par le collège. Ils servent pendant toute la scolarité au "
               "collège, pour le site CJeune de Provence comme pour les ordinateurs et la tablette du "
               "collège : gardez cette lettre en lieu sûr. Attention, ce ne sont pas les identifiants "
               "de Pronote.")
    heading(pdf, "Première connexion")
    rules = ", ".join(rule.label.lower() for rule in PASSWORD_RULES)
    steps = [
        f"Ouvrez {public_url(routes.SIGN_IN)} et choisissez « Collégien·ne » dans « Qui suis-je ? ».",
        "Saisissez l'identifiant ci-dessus, puis cliquez sur « Suivant ».",
        "Saisissez le mot de passe temporaire en respectant les majuscules et les minuscules, "
        "puis cliquez sur « Se connecter ».",
        f"Le site vous demande alors de choisir votre propre mot de passe : {rules}. Il doit être "
        "différent du mot de passe temporaire, qui montre le format attendu.",
        "Remplissez ensuite la demande de carte avec un responsable légal : le formulaire, "
        "la photo d'identité, puis la validation.",
    ]
    for number, step in enumerate(steps, start=1):
        paragraph(pdf, f"{number}. {step}")
        pdf.ln(1)
    heading(pdf, "Bon à savoir")
    for tip in (
        "Faites cette première connexion en famille : le mot de passe choisi servira aussi à "
        "l'élève sur le matériel informatique du collège.",
        "Mot de passe perdu ? L'ATI (assistant technique informatique) ou le secrétariat du "
        "collège vous remettra un nouveau mot de passe temporaire. Pendant les vacances scolaires : "
        "support-informatisation-college@eduprovence.fr.",
        f"Assistance CJeune de Provence : {ASSISTANCE_PHONE} — {ASSISTANCE_EMAIL}.",
    ):
        paragraph(pdf, f"• {tip}")
        pdf.ln(1)
    pdf.ln(3)
    paragraph(pdf, "Document personnel : ne le partagez pas et ne le laissez pas à la vue de tous.", 9, "B")


def credentials_box(pdf: FPDF, login: str, password: str, password_label: str = "Mot de passe temporaire :") -> None:
    """The framed identifier and password (pupils' letters, guardians' notification letters)."""
    pdf.ln(2)
    top = pdf.get_y()
    pdf.set_fill_color(236, 243, 250)
    pdf.rect(pdf.l_margin, top, pdf.epw, 26, style="F")
    pdf.set_xy(pdf.l_margin + 5, top + 4)
    pdf.set_font(FONT, "", 10.5)
    pdf.cell(52, 8, "Identifiant :")
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 8, login, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_x(pdf.l_margin + 5)
    pdf.set_font(FONT, "", 10.5)
    pdf.cell(52, 8, password_label)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 8, password, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + 30)
