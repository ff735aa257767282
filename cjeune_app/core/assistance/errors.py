"""The assistance's refusals."""

from __future__ import annotations

from cjeune_app.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class SearchTooShort(InvalidInput):
    code = "assistance_search_too_short"
    message = ("Saisissez au moins 2 lettres d'un nom, un identifiant Eduprovence, un numéro de carte "
               "(ou ses 4 derniers chiffres avec le nom), une adresse e-mail ou un numéro de mobile.")


class LastDigitsNeedAName(InvalidInput):
    code = "assistance_last_digits_need_name"
    message = ("Avec les 4 derniers chiffres de la carte, saisissez aussi le nom de l'élève "
               "(par exemple « 1234 Fernandez »).")


class ReasonRequired(InvalidInput):
    code = "assistance_reason_required"
    message = "Indiquez le motif de l'action : il est conservé dans le journal."


class BeneficiaryNotFound(NotFound):
    code = "assistance_beneficiary_not_found"
    message = "Ce dossier n'existe pas."


class AccountNotFound(NotFound):
    code = "assistance_account_not_found"
    message = "Ce compte n'est pas rattaché à ce dossier."


class AccountNotLocked(Conflict):
    code = "assistance_account_not_locked"
    message = "Ce compte n'est pas bloqué : il n'y a rien à débloquer."


class NoLinkForThisAccount(Conflict):
    code = "assistance_no_link"
    message = ("Ce compte n'a pas d'adresse e-mail à laquelle envoyer un lien (un élève reçoit un nouveau "
               "mot de passe de son établissement).")


class NoEnrollmentToCorrect(Conflict):
    code = "assistance_no_enrollment"
    message = "Cet élève n'a pas d'inscription cette saison : il n'y a pas de coordonnées à corriger."


class InvalidCorrectionAmount(InvalidInput):
    code = "correction_amount_invalid"
    message = "Saisissez un montant en euros différent de zéro (par exemple 12,50), crédit ou débit."


class NoWalletToCorrect(Conflict):
    code = "correction_no_wallet"
    message = "Cet élève n'a pas de porte-monnaie pour cette enveloppe et cette saison : rien à corriger."


class CorrectionNotFound(NotFound):
    code = "correction_not_found"
    message = "Cette correction n'existe pas."


class CorrectionAlreadyDecided(Conflict):
    code = "correction_already_decided"
    message = "Cette correction a déjà été approuvée ou refusée."


class SameAgentCannotApprove(Forbidden):
    code = "correction_four_eyes"
    message = "Une correction doit être approuvée par un autre agent que celui qui l'a proposée."
