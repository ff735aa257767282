"""Errors of the accounts domain. Each carries a stable `code` (for the API) and a French
`message` that tells the user what to do; `status` is the HTTP status an API answers with."""

from __future__ import annotations


class AccountError(Exception):
    code = "account_error"
    status = 400
    default_message = "La demande n'a pas pu aboutir."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class NotSignedIn(AccountError):
    code = "not_signed_in"
    status = 401
    default_message = "Votre session a expiré ou vous n'êtes pas connecté(e) : connectez-vous pour continuer."


class PermissionDenied(AccountError):
    """The signed-in account may not see or do this. Never says whether the target exists."""

    code = "forbidden"
    status = 403
    default_message = "Vous n'avez pas accès à cette page ou à cette information."


class InvalidToken(AccountError):
    code = "invalid_link"
    status = 400
    default_message = (
        "Ce lien n'est plus valable : il a expiré ou a déjà été utilisé. "
        "Demandez un nouveau lien depuis la page de connexion."
    )


class PasswordChangeRequired(AccountError):
    code = "password_change_required"
    status = 403
    default_message = "Choisissez d'abord un nouveau mot de passe pour remplacer le mot de passe temporaire."


class PasswordRejected(AccountError):
    """The new password breaks the policy; `reasons` lists every rule it breaks."""

    code = "password_rejected"
    status = 422

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


class FormErrors(AccountError):
    """A form with mistakes: `fields` maps each field name to the French sentence shown next to it."""

    code = "invalid_form"
    status = 422

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("Le formulaire contient des erreurs : " + " ".join(self.fields.values()))


class Conflict(AccountError):
    code = "conflict"
    status = 409
