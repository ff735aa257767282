"""Refusals of card operations ("Associer une carte", loss, card stock): code + French sentence."""

from __future__ import annotations

from cjeune_app.core.errors import DomainError
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE

ASSISTANCE = f"l'assistance CJeune au {ASSISTANCE_PHONE} ou à {ASSISTANCE_EMAIL}"


class CardError(DomainError):
    code = "card_error"


class InvalidCardNumber(CardError):
    code = "card_number_invalid"
    http_status = 422
    message = "Le numéro saisi n'est pas valide : vérifiez les 16 chiffres inscrits sous le QR code."


class NotAllowedForPupil(CardError):
    code = "forbidden"
    http_status = 403
    message = "Ce compte ne peut pas gérer la carte de ce jeune. Connectez-vous avec le compte du jeune ou de son responsable légal."


class NoOpenSeason(CardError):
    code = "no_open_season"
    http_status = 409
    message = "Aucune saison CJeune de Provence n'est ouverte aujourd'hui : l'association sera possible à la rentrée."


class EnrollmentNotCompleted(CardError):
    code = "enrollment_not_completed"
    http_status = 409

    def __init__(self, season_code: str) -> None:
        super().__init__(
            f"L'inscription de la saison {season_code} n'est pas terminée : complétez-la jusqu'à "
            "l'étape 4 « Mentions légales » et cliquez sur « Terminer », puis associez la carte."
        )


class PhotoMissing(CardError):
    code = "photo_missing"
    http_status = 409
    message = (
        "Il manque une photo d'identité (absente ou refusée) : ajoutez-en une depuis l'inscription, "
        "étape 3 « Photo d'identité », puis associez la carte pour recevoir les crédits."
    )


class TooManyAttempts(CardError):
    code = "too_many_attempts"
    http_status = 429

    def __init__(self, minutes: int) -> None:
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(
            "Trop de numéros erronés ont été saisis. Pour protéger les cartes, réessayez dans "
            f"{minutes} {unit}.",
            retry_after_minutes=minutes,
        )


class _CountedWrongNumber(CardError):
    # The wrong attempt is recorded (throttling) even though the association is refused.
    keep_changes = True


class CardNotFound(_CountedWrongNumber):
    code = "card_unknown"
    http_status = 404
    message = (
        "Aucune carte ne porte ce numéro. Vérifiez les 16 chiffres inscrits sous le QR code, au dos "
        "de la carte, ou scannez-le."
    )


class CardHeldByAnotherAccount(_CountedWrongNumber):
    code = "card_taken"
    http_status = 409
    message = (
        "Cette carte est déjà associée à un autre compte. Vérifiez le numéro ; si c'est bien la "
        f"carte de votre enfant, contactez {ASSISTANCE}."
    )


class CardBlocked(_CountedWrongNumber):
    code = "card_blocked"
    http_status = 409
    message = (
        "Cette carte a été déclarée perdue ou volée : elle est bloquée et ne peut plus être "
        "associée. Utilisez la nouvelle carte remise par l'établissement."
    )


class OwnCardBlocked(CardBlocked):
    keep_changes = False  # the youth's own lost card typed again is not a guess


class AnotherCardActive(CardError):
    code = "another_card_active"
    http_status = 409
    message = (
        "Une autre carte est déjà active sur ce compte. Si elle est perdue ou volée, déclarez-la "
        "d'abord avec « Déclarer ma carte perdue ou volée », puis associez la nouvelle."
    )


class CardNotActive(CardError):
    code = "card_not_active"
    http_status = 409
    message = "Seule une carte activée peut être déclarée perdue ou volée."


class InvalidLossReason(CardError):
    code = "loss_reason_invalid"
    http_status = 422
    message = "Indiquez si la carte a été perdue ou volée."


class AssociationKeyReused(CardError):
    code = "idempotency_conflict"
    http_status = 409
    message = "Cette demande a déjà été traitée pour une autre carte : recommencez l'association depuis le début."


class UnknownEstablishment(CardError):
    code = "establishment_unknown"
    http_status = 404

    def __init__(self, uai: str) -> None:
        super().__init__(f"Aucun établissement n'a le code UAI « {uai} ». Vérifiez le code (7 chiffres et une lettre).")


class InvalidCardCount(CardError):
    code = "card_count_invalid"
    http_status = 422

    def __init__(self, maximum: int) -> None:
        super().__init__(f"Le nombre de cartes doit être un entier entre 1 et {maximum}.")
