"""Checks on what people type when they sign up or sign in."""

from __future__ import annotations

import datetime as dt

from cjeune_app.core.accounts.identifiers import EDUPROVENCE_DOMAIN
from cjeune_app.core.accounts.passwords import policy_failures
from cjeune_app.core.dates import age_on
from cjeune_app.core.email_address import is_valid_email, normalize_email
from cjeune_app.core.territory import is_resident_commune

YOUTH_MAX_AGE = 25  # "moins de 26 ans"
# Under 15, French law (loi Informatique et libertés, art. 45) asks for a parent's consent
# to process a child's data on the child's own request: younger users come through school.
YOUTH_MIN_AGE = 15


def normalize_login(login: str) -> str:
    """Lower case, trimmed; a bare Eduprovence identifier (`fernandezj`) gets its domain."""
    login = (login or "").strip().lower()
    if login and "@" not in login and "." not in login:  # "m.dupont": a guardian's identifier
        login = f"{login}@{EDUPROVENCE_DOMAIN}"
    return login


def email_error(email: str) -> str | None:
    email = normalize_email(email)
    if not email:
        return "Indiquez votre adresse e-mail."
    if len(email) > 254 or not is_valid_email(email):
        return "Cette adresse e-mail n'est pas valide : vérifiez-la (exemple : prenom.nom@exemple.fr)."
    if email.endswith("@" + EDUPROVENCE_DOMAIN):
        return ("Les adresses @eduprovence.fr sont réservées aux collégiens : "
                "indiquez une adresse e-mail personnelle.")
    return None


def password_error(password: str) -> str | None:
    failures = policy_failures(password or "")
    return " ".join(failures) or None


def name_error(value: str, label: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return f"Indiquez votre {label}."
    if len(value) > 100:
        return f"Votre {label} est trop long (100 caractères au plus)."
    if not any(c.isalpha() for c in value):
        return f"Votre {label} doit contenir au moins une lettre."
    return None


def youth_birth_date_error(birth_date: dt.date | None, today: dt.date) -> str | None:
    if birth_date is None:
        return "Indiquez votre date de naissance (jj/mm/aaaa)."
    if birth_date >= today:
        return "La date de naissance doit être dans le passé : vérifiez-la (jj/mm/aaaa)."
    age = age_on(birth_date, today)
    if age > YOUTH_MAX_AGE:
        return "Le compte Jeune est réservé aux moins de 26 ans."
    if age < YOUTH_MIN_AGE:
        return ("Il faut avoir au moins 15 ans pour créer soi-même un compte Jeune. "
                "Si vous êtes au collège, connectez-vous en tant que Collégien·ne "
                "avec vos identifiants Eduprovence.")
    return None


def resident_commune_error(commune_insee: str) -> str | None:
    if not (commune_insee or "").strip():
        return "Choisissez votre commune dans la liste."
    if not is_resident_commune(commune_insee):
        return NOT_RESIDENT
    return None


NOT_RESIDENT = ("La carte CJeune de Provence est réservée aux habitants des Bouches-du-Rhône : "
                "choisissez votre commune dans la liste.")
