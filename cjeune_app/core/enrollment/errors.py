"""Refusals of the enrollment domain: a stable code for programs, a French sentence for people.

Field mistakes are not exceptions: they come back as `StepResult.errors`, one per field.
"""

from __future__ import annotations

from cjeune_app.core.errors import Forbidden, NotFound


class PupilNotFound(NotFound):
    code = "pupil_not_found"
    message = ("Nous ne retrouvons pas la fiche de cet élève : "
               "contactez le secrétariat de son établissement.")


class SeasonNotFound(NotFound):
    code = "season_not_found"
    message = ("Les inscriptions pour cette année scolaire ne sont pas encore ouvertes : "
               "revenez à partir de la rentrée.")


class NotAFamilyAccount(Forbidden):
    """The form is filled in by the pupil or their parent, with their own accounts."""

    code = "not_a_family_account"
    message = ("L'inscription se fait avec le compte Eduprovence du collégien, ou avec le compte Parent de "
               "son représentant légal.")


class ChildNotFound(Forbidden):
    """A parent asked for a child not linked to their account (never says whether it exists)."""

    code = "child_not_found"
    message = "Nous ne trouvons pas cet enfant parmi ceux rattachés à votre compte Parent."


class UnsubscribeLinkInvalid(NotFound):
    """The unsubscribe link was cut or altered (a signed link is never guessed)."""

    code = "unsubscribe_link_invalid"
    message = ("Ce lien de désabonnement est incomplet ou modifié. Copiez le lien entier depuis l'e-mail, ou "
               "retirez votre accord dans « Mon compte », rubrique « Mes consentements ».")
