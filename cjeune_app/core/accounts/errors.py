"""Refusals of the accounts domain, each on one kind of `core.errors` (the API maps kinds to
statuses). Not signed in and not allowed are the kernel's `NotSignedIn` and `Forbidden`."""

from __future__ import annotations

from cjeune_app.core.errors import Forbidden, InvalidInput, Refusal


class InvalidToken(Refusal):
    code = "invalid_link"
    message = (
        "Ce lien n'est plus valable : il a expiré ou a déjà été utilisé. "
        "Demandez un nouveau lien depuis la page de connexion."
    )


class SignInExpired(Refusal):
    """Too long between the right password and the "Rester connecté ?" answer."""

    code = "sign_in_expired"
    message = "Votre connexion a expiré : saisissez à nouveau vos identifiants."


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"
    message = "Choisissez d'abord un nouveau mot de passe pour remplacer le mot de passe temporaire."


class PasswordRejected(InvalidInput):
    """The new password breaks the policy; `reasons` lists every rule it breaks."""

    code = "password_rejected"

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


class FormErrors(InvalidInput):
    """A form with mistakes: `fields` maps each field name to the French sentence shown next to it."""

    code = "invalid_form"

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("Le formulaire contient des erreurs : " + " ".join(self.fields.values()))
