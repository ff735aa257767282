"""Refusals of card operations ("Associer une carte", loss, card stock): code + French sentence.

The refusals of a payment with a card (blocked, not active) are decided by the wallet's debit and
defined in core.wallet.errors. Two of them are refined here for the family's screens, because
the sentence a family needs differs from the partner's at the counter: the same code, a subclass
with the words of its context (typing a blocked card to associate it; declaring a card lost)."""

from __future__ import annotations

from cjeune_app.core.cards.numbers import NUMBER_LENGTH
from cjeune_app.core.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts
from cjeune_app.core.site import ASSISTANCE_EMAIL, ASSISTANCE_PHONE
from cjeune_app.core.wallet import errors as wallet_errors

ASSISTANCE = f"l'assistance CJeune au {ASSISTANCE_PHONE} ou à {ASSISTANCE_EMAIL}"
DIGITS_UNDER_QR = f"les {NUMBER_LENGTH} chiffres inscrits sous le QR code"


class InvalidCardNumber(InvalidInput):
    code = "card_number_invalid"
    message = f"Le numéro saisi n'est pas valide : vérifiez {DIGITS_UNDER_QR}."


class NotAllowedForPupil(Forbidden):
    message = (
        "Ce compte ne peut pas gérer la carte de ce jeune. Connectez-vous avec le compte du jeune ou de "
        "son responsable légal."
    )


class NoOpenSeason(Conflict):
    code = "no_open_season"
    message = "Aucune saison CJeune de Provence n'est ouverte aujourd'hui : l'association sera possible à la rentrée."


class EnrollmentNotCompleted(Conflict):
    code = "enrollment_not_completed"

    def __init__(self, season_code: str) -> None:
        super().__init__(
            f"L'inscription de la saison {season_code} n'est pas terminée : complétez-la jusqu'à "
            "l'étape 4 « Mentions légales » et cliquez sur « Terminer », puis associez la carte."
        )


class PhotoMissing(Conflict):
    code = "photo_missing"
    message = (
        "Il manque une photo d'identité (absente ou refusée) : ajoutez-en une depuis l'inscription, "
        "étape 3 « Photo d'identité », puis associez la carte pour recevoir les crédits."
    )


class WrongNumbersThrottled(TooManyAttempts):
    def __init__(self, minutes: int) -> None:
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(
            "Trop de numéros erronés ont été saisis. Pour protéger les cartes, réessayez dans "
            f"{minutes} {unit}.",
            retry_after_minutes=minutes, retry_after_seconds=minutes * 60,
        )


class CardNotFound(NotFound):
    code = "card_unknown"
    message = f"Aucune carte ne porte ce numéro. Vérifiez {DIGITS_UNDER_QR}, au dos de la carte, ou scannez-le."
    # Typed at association, the wrong attempt is recorded (throttling) even though it is refused;
    # elsewhere (a partner's card check or payment) nothing was written before it.
    keep_changes = True


class CardHeldByAnotherAccount(Conflict):
    code = "card_taken"
    message = (
        "Cette carte est déjà associée à un autre compte. Vérifiez le numéro ; si c'est bien la "
        f"carte de votre enfant, contactez {ASSISTANCE}."
    )
    keep_changes = True  # a counted wrong number


class CardBlockedAtAssociation(wallet_errors.CardBlocked):
    """A blocked card typed to be associated: the family must use the new card."""

    message = (
        "Cette carte a été déclarée perdue ou volée : elle est bloquée et ne peut plus être "
        "associée. Utilisez la nouvelle carte remise par l'établissement."
    )
    keep_changes = True  # someone else's blocked card: a counted wrong number


class OwnCardBlocked(CardBlockedAtAssociation):
    keep_changes = False  # the youth's own lost card typed again is not a guess


class AnotherCardActive(Conflict):
    code = "another_card_active"
    message = (
        "Une autre carte est déjà active sur ce compte. Si elle est perdue ou volée, déclarez-la "
        "d'abord avec « Déclarer ma carte perdue ou volée », puis associez la nouvelle."
    )


class OnlyActiveCardDeclaredLost(wallet_errors.CardNotActive):
    """"Déclarer ma carte perdue ou volée" on a card that is not active."""

    message = "Seule une carte activée peut être déclarée perdue ou volée."


class InvalidLossReason(InvalidInput):
    code = "loss_reason_invalid"
    message = "Indiquez si la carte a été perdue ou volée."


class AssociationKeyReused(wallet_errors.IdempotencyKeyReused):
    """The family never sees keys: this says what to do on the association screen."""

    message = "Cette demande a déjà été traitée pour une autre carte : recommencez l'association depuis le début."


class UnknownEstablishment(NotFound):
    code = "establishment_unknown"

    def __init__(self, uai: str) -> None:
        super().__init__(f"Aucun établissement n'a le code UAI « {uai} ». Vérifiez le code (7 chiffres et une lettre).")


class InvalidCardCount(InvalidInput):
    code = "card_count_invalid"

    def __init__(self, maximum: int) -> None:
        super().__init__(f"Le nombre de cartes doit être un entier entre 1 et {maximum}.")


class BatchNotFound(NotFound):
    code = "card_batch_unknown"
    message = "Ce lot de cartes n'existe pas."

class UnknownSchool(NotFound):
    code = "school_unknown"
    message = "Cet établissement n'existe pas : choisissez-le dans la liste des établissements."
