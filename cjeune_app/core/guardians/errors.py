"""Refusals of the guardians domain: the school's records of guardians and the proof of being one
(SMS code, children's birth dates). None of them tells whether a number is known to a school."""

from __future__ import annotations

from typing import Any

from cjeune_app.core.errors import Conflict, InvalidInput, TooManyAttempts
from cjeune_app.core.phones import MOBILE_EXAMPLE


class InvalidMobile(InvalidInput):
    code = "invalid_mobile"
    message = f"Indiquez un numéro de mobile français (06 ou 07), par exemple {MOBILE_EXAMPLE}."


class TooManyCodesForNumber(TooManyAttempts):
    code = "too_many_codes_for_number"

    def __init__(self, limit: int, retry_after_seconds: int, **details: Any) -> None:
        minutes = max(1, -(-retry_after_seconds // 60))
        super().__init__(
            f"Vous avez déjà demandé {limit} codes pour ce numéro dans l'heure : "
            f"réessayez dans {minutes} minute(s).",
            retry_after_seconds=retry_after_seconds, **details,
        )


class TooManyCodesFromAddress(TooManyAttempts):
    code = "too_many_codes_from_address"

    def __init__(self, retry_after_seconds: int, **details: Any) -> None:
        minutes = max(1, -(-retry_after_seconds // 60))
        super().__init__(
            "Trop de codes ont été demandés depuis cette connexion : "
            f"réessayez dans {minutes} minute(s).",
            retry_after_seconds=retry_after_seconds, **details,
        )


class MalformedCode(InvalidInput):
    code = "malformed_code"
    message = "Le code reçu par SMS comporte 6 chiffres : saisissez-le sans espace ni lettre."


class NoCodeInProgress(Conflict):
    code = "no_code"
    message = "Aucun code n'est en cours pour ce numéro : demandez un code."


class CodeExpired(Conflict):
    code = "code_expired"
    message = "Ce code a expiré (il est valable 10 minutes) : demandez un nouveau code."


class CodeAlreadyUsed(Conflict):
    code = "code_already_used"
    message = "Ce code a déjà été utilisé : demandez un nouveau code."


class CodeBlocked(Conflict):
    code = "code_blocked"
    message = "Trop d'essais erronés pour ce code : demandez un nouveau code."


class WrongCode(InvalidInput):
    """Counted: the try is kept even though the request is refused."""

    code = "wrong_code"
    keep_changes = True

    def __init__(self, tries_left: int) -> None:
        if tries_left > 0:
            text = f"Ce code n'est pas le bon : vérifiez le SMS reçu (il vous reste {tries_left} essai(s))."
        else:
            text = "Ce code n'est pas le bon et c'était le dernier essai : demandez un nouveau code."
        super().__init__(text, tries_left=tries_left)


class VerificationExpired(Conflict):
    code = "verification_expired"
    message = ("Votre vérification a expiré ou a déjà servi : recommencez en demandant un nouveau code "
               "par SMS.")


class MissingBirthDates(InvalidInput):
    code = "missing_birth_dates"
    message = "Indiquez la date de naissance de chacun des enfants (jj/mm/aaaa)."


class WrongBirthDates(InvalidInput):
    """Says which step failed (the dates), never which child."""

    code = "wrong_birth_dates"
    keep_changes = True

    def __init__(self, tries_left: int) -> None:
        if tries_left > 0:
            text = ("Au moins une date de naissance ne correspond pas à celles que l'établissement a "
                    f"enregistrées : vérifiez-les (il vous reste {tries_left} essai(s)).")
        else:
            text = ("Au moins une date de naissance ne correspond pas à celles que l'établissement a "
                    "enregistrées, et c'était le dernier essai : demandez un nouveau code par SMS, ou "
                    "contactez le secrétariat du collège.")
        super().__init__(text, tries_left=tries_left)


class NoChildForNumber(Conflict):
    """Only said after the code was right: the person holds the phone."""

    code = "no_child_for_number"
    message = ("Aucun élève n'est rattaché à ce numéro de mobile : demandez au secrétariat du collège "
               "de vérifier le numéro enregistré pour vous.")


class GuardianFormErrors(InvalidInput):
    """The school's form of guardians: problems by field (`fields`: {"g1_mobile": "...", ...})."""

    code = "guardian_form_errors"
    message = "Corrigez les champs signalés."

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(self.message, fields=fields)
        self.fields = fields
