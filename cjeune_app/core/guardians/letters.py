"""The notification letter of a guardian's Parent account (the school's way): identifier,
provisional password, the steps of the first sign-in, the school's name. One A4 page per guardian;
the provisional password exists only in this PDF (or the e-mail)."""

from __future__ import annotations

from dataclasses import dataclass

from cjeune_app import routes
from cjeune_app.core.accounts.letters import credentials_box, heading, paragraph
from cjeune_app.core.accounts.passwords import PASSWORD_RULES
from cjeune_app.core.documents import new_pdf
from cjeune_app.core.notifications import public_url
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE


@dataclass(frozen=True)
class GuardianLetter:
    guardian_name: str  # Marie DURAND
    children: str  # Léa (5e B), Tom (3e A)
    school_name: str
    login: str
    provisional_password: str


def first_steps() -> list[str]:
    rules = ", ".join(rule.label.lower() for rule in PASSWORD_RULES)
    return [
        f"Ouvrez {public_url(routes.sign_in_door('parent'))} (« Qui suis-je ? », puis « Parent »).",
        "Saisissez l'identifiant ci-dessus, cliquez sur « Suivant », puis saisissez le mot de passe "
        "provisoire en respectant les majuscules et les minuscules.",
        f"Choisissez votre propre mot de passe ({rules}).",
        "Indiquez la date de naissance de chacun de vos enfants scolarisés au collège, puis votre adresse e-mail.",
        "Ouvrez l'e-mail reçu et cliquez sur le lien d'activation : votre compte est alors actif.",
    ]


def guardian_letters_pdf(letters: list[GuardianLetter]) -> bytes:
    pdf = new_pdf("Comptes des responsables légaux — CJeune de Provence")
    for letter in letters:
        pdf.add_page()
        pdf.set_text_color(0, 61, 122)
        paragraph(pdf, "CJeune de Provence", 20, "B", 10)
        pdf.set_text_color(0, 0, 0)
        paragraph(pdf, "Département des Bouches-du-Rhône — la carte des collégiens et des jeunes", 9.5)
        pdf.ln(4)
        paragraph(pdf, letter.school_name, 10.5, "B")
        paragraph(pdf, f"À l'attention de {letter.guardian_name}, responsable légal de {letter.children}")
        pdf.ln(4)
        paragraph(pdf, "Votre compte parent", 14, "B", 8)
        credentials_box(pdf, letter.login, letter.provisional_password, "Mot de passe provisoire :")
        paragraph(pdf, "Ce compte vous donne accès aux services en ligne CJeune de Provence pour vos enfants : "
                       "inscription, photo d'identité, soldes de la carte. Le mot de passe provisoire ne sert "
                       "qu'une fois : à la première connexion, vous en choisissez un.")
        heading(pdf, "Première connexion")
        for number, step in enumerate(first_steps(), start=1):
            paragraph(pdf, f"{number}. {step}")
            pdf.ln(1)
        heading(pdf, "Bon à savoir")
        paragraph(pdf, "• Courrier perdu ou mot de passe provisoire déjà utilisé ? Demandez un nouveau courrier au "
                       "secrétariat du collège : l'ancien mot de passe ne fonctionnera plus.")
        paragraph(pdf, f"• Assistance CJeune de Provence : {ASSISTANCE_PHONE} — {ASSISTANCE_EMAIL}.")
        pdf.ln(3)
        paragraph(pdf, "Document personnel : ne le partagez pas et ne le laissez pas à la vue de tous.", 9, "B")
    return bytes(pdf.output())
