"""Checks of each step of the stepper, in French, each message saying how to fix the field.

Every `*_error` function returns None when the value is fine; the UI calls the same functions
beside each field as the core does on "Suivant". `clean_step` returns the normalized values to
store and the errors, keyed by field, in the order of the fields on screen (the first one gets
the focus).

E-mail syntax is checked by `email-validator` (deliverability check off: no DNS lookup from a
form, and the activation e-mail is the real test): it knows the rules a regex gets wrong
(dots, label lengths, internationalized domains, reserved names such as `.test`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from cjeune_app.core import phones
from cjeune_app.core.email_address import is_valid_email, normalize_email  # noqa: F401 (re-exported)
from cjeune_app.core.enrollment.communes import chosen_commune
from cjeune_app.core.enrollment.wording import ATTESTATION_LABEL, FIELD_LABELS, OUTSIDE_DEPARTMENT
from cjeune_app.core.territory import commune_by_insee, communes_for_postal_code, is_resident_commune

STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("guardian_last_name", "guardian_first_name"),
    2: ("address_line", "address_complement", "postal_code", "commune_insee", "email",
        "email_confirmation", "optin_email", "mobile", "optin_sms"),
    3: (),  # the photo belongs to the photo module; the parent may go on without one
    4: ("attested",),
}
REQUIRED_FIELDS = frozenset({
    "guardian_last_name", "guardian_first_name", "address_line", "postal_code", "commune_insee",
    "email", "email_confirmation", "attested",
})

NAME_MAX = 60
ADDRESS_MAX = 120
PUPIL_EMAIL_DOMAIN = "eduprovence.fr"
EMAIL_FORMAT_HINT = "Saisissez l'adresse e-mail sous la forme nom@exemple.fr"
MOBILE_EXAMPLE = "06 12 34 56 78"


def is_required(field: str) -> bool:
    return field in REQUIRED_FIELDS


def field_label(field: str) -> str:
    """The label shown beside a field, with "*" when it is required."""
    label = FIELD_LABELS[field]
    return f"{label} *" if is_required(field) else label


# ---------------------------------------------------------------------------------------------
# Text clean-up shared by the fields


def clean_text(value: object) -> str:
    """NFC, no control characters, single spaces, trimmed: what people paste from elsewhere."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(text.split())


def is_checked(value: object) -> bool:
    """A checkbox value as browsers and forms send it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in {"on", "true", "1", "oui"}


# ---------------------------------------------------------------------------------------------
# Step 1: the legal guardian's names

_NAME_SUBJECTS = {
    "guardian_last_name": "le nom du représentant légal",
    "guardian_first_name": "le prénom du représentant légal",
}
_NAME_SEPARATORS = " -'"


def clean_name(value: object) -> str:
    """Typographic apostrophes become "'", spaces around hyphens and apostrophes go."""
    text = clean_text(value)
    for apostrophe in "’‘ʼ`´":
        text = text.replace(apostrophe, "'")
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s*'\s*", "'", text)


def _is_letter(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char) in ("Mn", "Mc")


def name_error(value: object, field: str) -> str | None:
    subject = _NAME_SUBJECTS[field]
    text = clean_name(value)
    if not text:
        return f"Indiquez {subject}."
    if any(c.isdigit() for c in text):
        return (f"Retirez les chiffres : {subject} ne peut contenir que des lettres, "
                "des tirets, des apostrophes et des espaces.")
    odd = next((c for c in text if not (_is_letter(c) or c in _NAME_SEPARATORS)), None)
    if odd is not None:
        return (f"Retirez le caractère « {odd} » : {subject} ne peut contenir que des lettres "
                "(accentuées ou non), des tirets, des apostrophes et des espaces.")
    if not (text[0].isalpha() and _is_letter(text[-1])):
        return f"Commencez et terminez {subject} par une lettre."
    if re.search(r"[-' ]{2,}", text):
        return f"Ne mettez pas deux tirets, apostrophes ou espaces à la suite dans {subject}."
    if len(text) > NAME_MAX:
        return f"Abrégez {subject} : {NAME_MAX} caractères au plus."
    return None


# ---------------------------------------------------------------------------------------------
# Step 2: address


def address_line_error(value: object) -> str | None:
    text = clean_text(value)
    if not text:
        return ("Indiquez l'adresse postale : numéro et nom de la voie, "
                "par exemple « 12 rue de la République ».")
    if not any(c.isalpha() for c in text):
        return ("Ajoutez le nom de la voie à l'adresse postale, "
                "par exemple « 12 rue de la République ».")
    if len(text) > ADDRESS_MAX:
        return (f"Abrégez l'adresse postale ({ADDRESS_MAX} caractères au plus) "
                "et mettez le reste dans « Complément d'adresse ».")
    return None


def address_complement_error(value: object) -> str | None:
    if len(clean_text(value)) > ADDRESS_MAX:
        return f"Abrégez le complément d'adresse : {ADDRESS_MAX} caractères au plus."
    return None


def clean_postal_code(value: object) -> str:
    return re.sub(r"\s", "", str(value or ""))


def postal_code_error(value: object) -> str | None:
    code = clean_postal_code(value)
    if not code:
        return "Indiquez le code postal : 5 chiffres, par exemple 13100."
    if not re.fullmatch(r"\d{5}", code):
        return "Corrigez le code postal : il compte 5 chiffres, sans lettre ni espace, par exemple 13100."
    return None


def commune_error(insee_code: object) -> str | None:
    """The commune is chosen from the list (it carries its INSEE code); residence is decided
    on that code, never on the postal code (13780 also serves Riboux, in the Var)."""
    code = clean_text(insee_code)
    if not code:
        return "Choisissez votre ville dans la liste proposée après avoir saisi le code postal."
    if not is_resident_commune(code):
        return OUTSIDE_DEPARTMENT
    return None


def postal_code_commune_error(postal_code: object, insee_code: object) -> str | None:
    """Both well-formed: does the postal code belong to the chosen commune?"""
    code = clean_postal_code(postal_code)
    commune = commune_by_insee(clean_text(insee_code))
    if commune is None or code in commune.postal_codes:
        return None
    if len(commune.postal_codes) == 1:
        known = f"son code postal est {commune.postal_codes[0]}"
    else:
        known = f"ses codes postaux sont {', '.join(commune.postal_codes)}"
    return (f"Le code postal {code} ne correspond pas à {commune.name} ({known}) : "
            "corrigez le code postal ou choisissez la ville dans la liste.")


def _address_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors = {}
    postal_code = values.get("postal_code")
    town = chosen_commune(values, clean_postal_code(postal_code))
    insee_code = town.insee
    for field, problem in (
        ("address_line", address_line_error(values.get("address_line"))),
        ("address_complement", address_complement_error(values.get("address_complement"))),
        ("postal_code", postal_code_error(postal_code)),
        ("commune_insee", commune_error(insee_code) if town.in_department else OUTSIDE_DEPARTMENT),
    ):
        if problem:
            errors[field] = problem
    if "postal_code" not in errors and "commune_insee" not in errors:
        mismatch = postal_code_commune_error(postal_code, insee_code)
        if mismatch:
            errors["postal_code"] = mismatch
    elif "postal_code" not in errors and not communes_for_postal_code(clean_postal_code(postal_code)):
        # No commune of the 13 behind this postal code: the list of towns stays empty.
        errors.setdefault("postal_code", OUTSIDE_DEPARTMENT)
    return errors


# ---------------------------------------------------------------------------------------------
# Step 2: e-mail and its confirmation


def email_error(value: object) -> str | None:
    text = str(value or "").strip()
    if not text:
        return f"Indiquez l'adresse e-mail du représentant légal. {EMAIL_FORMAT_HINT}."
    if any(c.isspace() for c in text):
        return f"Retirez les espaces de l'adresse e-mail. {EMAIL_FORMAT_HINT}."
    if text.count("@") != 1:
        return f"{EMAIL_FORMAT_HINT}, avec un seul « @ »."
    local, domain = text.split("@")
    if not is_valid_email(text):
        if not local or not domain:
            return f"{EMAIL_FORMAT_HINT} : il manque une partie avant ou après le « @ »."
        if not local.isascii():
            return f"Retirez les accents avant le « @ ». {EMAIL_FORMAT_HINT}."
        if "." not in domain:
            return (f"Ajoutez l'extension après le « @ » (par exemple « .fr » ou « .com »). "
                    f"{EMAIL_FORMAT_HINT}.")
        return f"{EMAIL_FORMAT_HINT} : vérifiez les points, les lettres et l'extension."
    if domain.lower() == PUPIL_EMAIL_DOMAIN:
        return ("Les adresses @eduprovence.fr sont celles des collégiens : "
                "indiquez l'adresse e-mail personnelle du représentant légal.")
    return None


def email_confirmation_error(email: object, confirmation: object) -> str | None:
    if not str(confirmation or "").strip():
        return "Saisissez une seconde fois l'adresse e-mail pour la confirmer."
    if email_error(email) is None and normalize_email(email) != normalize_email(confirmation):
        return ("Les deux adresses e-mail ne sont pas identiques : "
                "saisissez la même adresse dans les deux champs.")
    return None


# ---------------------------------------------------------------------------------------------
# Step 2: French mobile number, stored as +33612345678, shown as +33 6 12 34 56 78

def normalize_mobile(value: object) -> str | None:
    """"06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "+33 (0)6…", "0033 6…" →
    "+33612345678"; None when empty or not a French mobile number (libphonenumber's rules)."""
    return phones.normalize_mobile(value)


def format_mobile(e164: str | None) -> str:
    """"+33612345678" → "+33 6 12 34 56 78"."""
    return phones.international(e164)


def mobile_error(value: object) -> str | None:
    text = str(value or "").strip()
    problem = phones.problem_of(text) if text else None  # optional
    if problem is None:
        return None
    if any(character.isalpha() for character in text):
        return f"Saisissez le numéro de mobile avec des chiffres seulement, par exemple {MOBILE_EXAMPLE}."
    if problem is phones.MobileProblem.FOREIGN:
        return f"Indiquez un numéro de mobile français (06 ou 07), par exemple {MOBILE_EXAMPLE}."
    if problem is phones.MobileProblem.NOT_A_MOBILE:
        return (f"Indiquez un numéro de mobile : il commence par 06 ou 07, par exemple {MOBILE_EXAMPLE} "
                "(les numéros de fixe ne sont pas acceptés).")
    return (f"Vérifiez le numéro de mobile : 10 chiffres commençant par 06 ou 07, "
            f"par exemple {MOBILE_EXAMPLE} ou +33 6 12 34 56 78.")


def optin_sms_error(mobile: object, optin_sms: object) -> str | None:
    if is_checked(optin_sms) and not str(mobile or "").strip():
        return "Indiquez votre numéro de mobile pour recevoir les informations par SMS, ou décochez la case."
    return None


# ---------------------------------------------------------------------------------------------
# Step 4


def attestation_error(value: object) -> str | None:
    if is_checked(value):
        return None
    return f"Cochez la case « {ATTESTATION_LABEL} » pour terminer l'inscription."


# ---------------------------------------------------------------------------------------------
# Whole steps


def _ordered(step: int, errors: dict[str, str]) -> dict[str, str]:
    return {field: errors[field] for field in STEP_FIELDS[step] if field in errors}


def clean_step(step: int, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(values to store, errors). The values are meaningful only when there is no error."""
    if step not in STEP_FIELDS:
        raise ValueError(f"unknown step {step!r}")
    values = values or {}
    cleaned: dict[str, Any]
    if step == 1:
        errors = {f: e for f in STEP_FIELDS[1] if (e := name_error(values.get(f), f))}
        cleaned = {f: clean_name(values.get(f)) for f in STEP_FIELDS[1]}
    elif step == 2:
        errors = _address_errors(values)
        for field, problem in (
            ("email", email_error(values.get("email"))),
            ("email_confirmation", email_confirmation_error(values.get("email"),
                                                            values.get("email_confirmation"))),
            ("mobile", mobile_error(values.get("mobile"))
             or optin_sms_error(values.get("mobile"), values.get("optin_sms"))),
        ):
            if problem:
                errors[field] = problem
        cleaned = {
            "address_line": clean_text(values.get("address_line")),
            "address_complement": clean_text(values.get("address_complement")),
            "postal_code": clean_postal_code(values.get("postal_code")),
            "commune_insee": chosen_commune(values, clean_postal_code(values.get("postal_code"))).insee,
            "email": normalize_email(values.get("email")),
            "mobile": normalize_mobile(values.get("mobile")),
            "optin_email": is_checked(values.get("optin_email")),
            "optin_sms": is_checked(values.get("optin_sms")),
        }
    elif step == 3:
        errors, cleaned = {}, {}
    else:
        problem = attestation_error(values.get("attested"))
        errors = {"attested": problem} if problem else {}
        cleaned = {"attested": is_checked(values.get("attested"))}
    return cleaned, _ordered(step, errors)


ADDRESS_FIELDS = ("address_line", "address_complement", "postal_code", "commune_insee")


def clean_address(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The postal address alone, by step 2's rules (the residence rule included): what "Mon compte"
    changes after the enrollment. (values to store, errors in the order of the fields)."""
    values = values or {}
    errors = _address_errors(values)
    postal_code = clean_postal_code(values.get("postal_code"))
    cleaned = {
        "address_line": clean_text(values.get("address_line")),
        "address_complement": clean_text(values.get("address_complement")),
        "postal_code": postal_code,
        "commune_insee": chosen_commune(values, postal_code).insee,
    }
    return cleaned, {field: errors[field] for field in ADDRESS_FIELDS if field in errors}


def validate_step1(values: Mapping[str, Any]) -> dict[str, str]:
    return clean_step(1, values)[1]


def validate_step2(values: Mapping[str, Any]) -> dict[str, str]:
    return clean_step(2, values)[1]


def validate_step3(values: Mapping[str, Any]) -> dict[str, str]:
    return clean_step(3, values)[1]


def validate_step4(values: Mapping[str, Any]) -> dict[str, str]:
    return clean_step(4, values)[1]


def validate_step(step: int, values: Mapping[str, Any]) -> dict[str, str]:
    return clean_step(step, values)[1]
