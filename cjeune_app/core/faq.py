"""Questions fréquentes, written from the facts of the service, and their keyword search."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE, COLLEGE_SUPPORT_EMAIL
from cjeune_app.core.text import fold


@dataclass(frozen=True)
class FaqEntry:
    slug: str
    topic: str
    question: str
    answer: str  # paragraphs separated by blank lines

    @property
    def searchable(self) -> str:
        return fold(f"{self.topic} {self.question} {self.answer}")

    def with_amounts(self, amounts: Amounts) -> FaqEntry:
        """The entry with the season's amounts written in (`{total}`, `{sport_culture}`...)."""
        words = {"total": amounts.total, "sport_culture": amounts.sport_culture,
                 "soutien_scolaire": amounts.soutien_scolaire}
        return replace(self, question=self.question.format(**words), answer=self.answer.format(**words))


class Amounts(Protocol):
    """What a season credits, formatted ("150 €"): season data, given by the caller."""

    @property
    def total(self) -> str: ...
    @property
    def sport_culture(self) -> str: ...
    @property
    def soutien_scolaire(self) -> str: ...


FAQ: tuple[FaqEntry, ...] = (
    FaqEntry(
        "carte", "La carte",
        "Qu'est-ce que la carte CJeune de Provence ?",
        "C'est la carte jeune du Département des Bouches-du-Rhône. Chaque année scolaire, elle "
        "donne {total} à chaque collégien : {sport_culture} « Sport & Culture » et {soutien_scolaire} "
        "« Soutien scolaire ».\n\n"
        "Ces sommes se dépensent chez les structures partenaires : clubs sportifs, associations, "
        "cinémas, théâtres, organismes de soutien scolaire, communes… La carte reste utile jusqu'à "
        "25 ans pour profiter des bons plans.",
    ),
    FaqEntry(
        "eligibilite", "La carte",
        "Qui peut en bénéficier ?",
        "Les collégiens qui habitent ET sont scolarisés dans les Bouches-du-Rhône : dans un collège "
        "public, dans un collège privé sous contrat d'association avec l'État, ou dans un autre "
        "parcours (IME, MFR, lycée professionnel, CNED, IDF) avec des identifiants Eduprovence.\n\n"
        "Les jeunes de moins de 26 ans qui ne sont plus au collège et qui habitent le département "
        "peuvent créer un compte « Jeune » pour les bons plans.",
    ),
    FaqEntry(
        "credits-expiration", "La carte",
        "Jusqu'à quand puis-je utiliser les crédits ?",
        "Les crédits valent pour une saison, c'est-à-dire une année scolaire, du 1er septembre au "
        "31 août. Ce qui n'a pas été dépensé au 31 août est perdu ; une nouvelle saison apporte de "
        "nouveaux crédits après le renouvellement de l'inscription.",
    ),
    FaqEntry(
        "identifiants", "Identifiants Eduprovence",
        "Avec quels identifiants mon enfant se connecte-t-il ?",
        "Avec son compte Eduprovence, le compte scolaire que le Département crée pour chaque "
        "collégien des Bouches-du-Rhône. Attention : ce n'est pas le compte Pronote.\n\n"
        "L'identifiant est formé du nom de l'enfant, de la première lettre de son prénom, parfois "
        "d'un nombre, puis de « @eduprovence.fr ». Pour Julie Fernandez : fernandezj@eduprovence.fr.",
    ),
    FaqEntry(
        "identifiants-qui", "Identifiants Eduprovence",
        "Qui remet les identifiants Eduprovence ?",
        "Collège public ou privé : le collège les remet en classe de 6e (ou peu après la rentrée), "
        "avec un mot de passe temporaire. Ils servent pendant toute la scolarité au collège : "
        "gardez-les précieusement.\n\n"
        "MFR : l'établissement les remet à la rentrée ou peu après.\n\n"
        "Établissement médico-éducatif (IME, ITEP, IES, IRS…) : renseignez-vous d'abord auprès de "
        "l'établissement ; s'il ne peut pas les fournir, contactez l'assistance.\n\n"
        f"CNED, IDF, lycée professionnel ou autre établissement sous contrat : contactez "
        f"l'assistance au {ASSISTANCE_PHONE} ou à {ASSISTANCE_EMAIL}.",
    ),
    FaqEntry(
        "mot-de-passe", "Mot de passe",
        "Quelles sont les règles du mot de passe ?",
        "À la première connexion, le mot de passe temporaire doit être remplacé. Le nouveau mot de "
        "passe doit comporter au moins 8 caractères, dont au moins 1 majuscule, 1 minuscule et "
        "1 chiffre, et être différent du mot de passe temporaire.\n\n"
        "Changez-le avec votre enfant : il s'en sert aussi sur les ordinateurs du collège.",
    ),
    FaqEntry(
        "mot-de-passe-oublie", "Mot de passe",
        "Mon enfant a oublié son mot de passe : que faire ?",
        "Seul l'établissement peut réinitialiser un compte Eduprovence.\n\n"
        "Collège public : pendant l'année scolaire, adressez-vous à l'ATI (assistant technique "
        "informatique) du collège, par exemple par son adresse e-mail générique indiquée sur le "
        f"site du collège. Pendant les vacances scolaires uniquement, écrivez à {COLLEGE_SUPPORT_EMAIL}.\n\n"
        f"Collège privé : écrivez à {COLLEGE_SUPPORT_EMAIL}, toute l'année.\n\n"
        f"Autre établissement : contactez l'assistance au {ASSISTANCE_PHONE} ou à {ASSISTANCE_EMAIL}.",
    ),
    FaqEntry(
        "premiere-demande", "Inscription",
        "Première demande ou renouvellement : quelle différence ?",
        "Première demande (votre enfant n'a jamais eu la carte) : complétez le formulaire déjà "
        "pré-rempli, ajoutez la photo d'identité, puis validez.\n\n"
        "Renouvellement (votre enfant a déjà eu la carte) : vérifiez et mettez à jour le formulaire "
        "si besoin ; la photo de l'an dernier est conservée ; validez.",
    ),
    FaqEntry(
        "inscription-etapes", "Inscription",
        "Comment se passe l'inscription ?",
        "Connectez-vous en choisissant « Collégien·ne » avec les identifiants Eduprovence de votre "
        "enfant, de préférence avec lui. Le formulaire doit être rempli et validé par le responsable "
        "légal, en 4 étapes : 1. Informations, 2. Coordonnées, 3. Photo d'identité, "
        "4. Mentions légales.\n\n"
        "Chaque étape est enregistrée : vous pouvez vous arrêter et reprendre plus tard, même sur un "
        "autre appareil.",
    ),
    FaqEntry(
        "parent", "Inscription",
        "Je suis parent : comment accéder à mon propre compte ?",
        "À la fin de l'inscription, l'adresse e-mail que vous avez donnée reçoit un lien "
        "d'activation. Choisissez votre mot de passe, puis connectez-vous en choisissant « Parent » : "
        "vous voyez chacun de vos enfants inscrits avec cette adresse.",
    ),
    FaqEntry(
        "photo", "Photo d'identité",
        "Quelle photo faut-il fournir ?",
        "Une photo de type identité : visage dégagé, de face, sans filtre. Vous pouvez la prendre "
        "en direct avec l'appareil photo du téléphone ou la webcam, ou envoyer un fichier.\n\n"
        "Seul le format JPEG (.jpg, .jpeg) est accepté : les fichiers PNG, PDF, HEIC… sont refusés. "
        "Vous cadrez ensuite la photo au format 35 × 45 mm. Sans photo, une première demande ne peut "
        "pas être créditée.",
    ),
    FaqEntry(
        "associer", "Utiliser la carte",
        "Comment créditer les {total} sur la carte ?",
        "Une fois l'inscription terminée, cliquez sur « Associer une carte » dans le tableau de bord. "
        "Scannez le QR code au dos de la carte, ou recopiez le numéro inscrit juste en dessous. Les "
        "soldes Sport & Culture et Soutien scolaire s'affichent aussitôt.",
    ),
    FaqEntry(
        "perte", "Utiliser la carte",
        "Ma carte est perdue ou volée : que faire ?",
        "Ne déclarez une perte ou un vol que si la carte a déjà été activée. Dans le tableau de bord, "
        "choisissez « Déclarer ma carte perdue ou volée » : elle est bloquée immédiatement et plus "
        "aucun paiement n'est accepté.\n\n"
        f"Vous pouvez aussi appeler l'assistance au {ASSISTANCE_PHONE} ou écrire à {ASSISTANCE_EMAIL}. "
        "La nouvelle carte, une fois associée, reprend le solde restant.",
    ),
    FaqEntry(
        "partenaire", "Partenaires",
        "Je représente une structure : comment devenir partenaire ?",
        "Associations, collectivités et entreprises peuvent créer un espace partenaire avec leur "
        "numéro SIRET. Après vérification de l'adresse e-mail, le Département valide la demande. "
        "La structure peut alors encaisser des paiements avec la carte et publier des bons plans.",
    ),
    FaqEntry(
        "contact", "Contact",
        "Qui contacter en cas de difficulté ?",
        f"L'assistance CJeune de Provence répond au {ASSISTANCE_PHONE} et à l'adresse "
        f"{ASSISTANCE_EMAIL}. Pour un mot de passe Eduprovence, voyez d'abord la question "
        "« Mon enfant a oublié son mot de passe ».",
    ),
)


def search_faq(query: str, amounts: Amounts | None = None) -> list[FaqEntry]:
    """Entries containing every word typed, accents and case ignored; with the season's
    `amounts` written in (else their `{total}`... placeholders are left as they are)."""
    entries = [entry.with_amounts(amounts) for entry in FAQ] if amounts is not None else list(FAQ)
    words = fold(query).split()
    if not words:
        return entries
    return [entry for entry in entries if all(word in entry.searchable for word in words)]
