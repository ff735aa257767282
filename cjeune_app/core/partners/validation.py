"""Checks of the partner sign-up form. Each message says how to fix the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cjeune_app.core.accounts.validation import email_error, password_error
from cjeune_app.core.checksums import is_valid_siret
from cjeune_app.core.enums import Category, PartnerKind
from cjeune_app.core.territory import commune_by_insee, postal_code_matches_commune


@dataclass
class PartnerSignUp:
    """What a structure types on the sign-up form."""

    name: str
    kind: str  # enums.PartnerKind
    siret: str
    address: str
    postal_code: str
    commune_insee: str
    categories: list[str]
    contact_email: str
    password: str
    phone: str = ""
    website: str = ""
    description: str = field(default="")


def normalize_siret(siret: str) -> str:
    """People copy SIRETs with spaces or dots: `732 829 320 00074`."""
    return "".join(c for c in (siret or "") if not c.isspace() and c not in ".-")


def siret_error(siret: str) -> str | None:
    siret = normalize_siret(siret)
    if not siret:
        return "Indiquez le numéro SIRET de la structure (14 chiffres)."
    if len(siret) != 14 or not siret.isdigit():
        return "Le numéro SIRET comporte 14 chiffres (exemple : 732 829 320 00074) : vérifiez-le."
    if not is_valid_siret(siret):
        return ("Ce numéro SIRET n'est pas valide : un chiffre a sans doute été mal recopié. "
                "Vérifiez-le sur l'avis de situation INSEE ou sur annuaire-entreprises.data.gouv.fr.")
    return None


def partner_form_errors(form: PartnerSignUp) -> dict[str, str]:
    errors: dict[str, str | None] = {
        "name": _required(form.name, 200, "le nom de la structure"),
        "kind": None if form.kind in set(PartnerKind) else
        "Choisissez le type de structure : association, collectivité ou commerciale.",
        "siret": siret_error(form.siret),
        "address": _required(form.address, 250, "l'adresse de la structure"),
        "postal_code": _postal_code_error(form.postal_code, form.commune_insee),
        "commune_insee": None if commune_by_insee(form.commune_insee) else
        "Choisissez la commune de la structure dans la liste (communes des Bouches-du-Rhône).",
        "categories": _categories_error(form.categories),
        "contact_email": email_error(form.contact_email),
        "password": password_error(form.password),
        "phone": None if len(form.phone or "") <= 20 else "Le numéro de téléphone est trop long.",
        "website": website_error(form.website),
    }
    return {name: message for name, message in errors.items() if message}


WEBSITE_MAX_LENGTH = 250
WEBSITE_INVALID = ("L'adresse du site doit être une adresse web complète, commençant par https:// ou http:// "
                   "(par exemple https://www.judo-aix.fr).")


def is_web_address(url: str) -> bool:
    """An http or https address of a named host: never `javascript:`, `data:` or another scheme
    (the address becomes a link on the partner's public page)."""
    url = (url or "").strip()
    if not url.isprintable() or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and url.lower().startswith(
        ("http://", "https://"))


def website_error(url: str) -> str | None:
    url = (url or "").strip()
    if not url:
        return None  # optional
    if len(url) > WEBSITE_MAX_LENGTH:
        return "L'adresse du site est trop longue."
    return None if is_web_address(url) else WEBSITE_INVALID


def _required(value: str, max_length: int, label: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return f"Indiquez {label}."
    if len(value) > max_length:
        return f"{label[0].upper()}{label[1:]} est trop long ({max_length} caractères au plus)."
    return None


def _postal_code_error(postal_code: str, commune_insee: str) -> str | None:
    code = (postal_code or "").strip()
    if not (len(code) == 5 and code.isdigit()):
        return "Le code postal comporte 5 chiffres : vérifiez-le."
    commune = commune_by_insee(commune_insee)
    if commune is not None and not postal_code_matches_commune(code, commune_insee):
        return (f"Le code postal {code} ne correspond pas à {commune.name} "
                f"({', '.join(commune.postal_codes)}) : vérifiez le code postal ou la commune.")
    return None


def _categories_error(categories: list[str]) -> str | None:
    if not categories:
        return "Cochez au moins une catégorie d'activité."
    if not set(categories) <= set(Category):
        return "Catégorie inconnue : choisissez parmi sport, culture, loisirs et soutien scolaire."
    return None
