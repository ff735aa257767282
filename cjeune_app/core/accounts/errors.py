"""Errors of the accounts domain. Each carries a stable `code` (for the API) and a French
`message` that tells the user what to do; `http_status` is the HTTP status an API answers with."""

from __future__ import annotations

from cjeune_app.core.errors import DomainError


class AccountError(DomainError):
    code = "account_error"
    http_status = 400
    message = "La demande n'a pas pu aboutir."


class NotSignedIn(AccountError):
    code = "not_signed_in"
    http_status = 401
    message = "Votre session a expiré ou vous n'êtes pas connecté(e) : connectez-vous pour continuer."


class PermissionDenied(AccountError):
    """The signed-in account may not see or do this. Never says whether the target exists."""

    code = "forbidden"
    http_status = 403
    message = "Vous n'avez pas accès à cette page ou à cette information."


class InvalidToken(AccountError):
    code = "invalid_link"
    http_status = 400
    message = (
        "Ce lien n'est plus valable : il a expiré ou a déjà été utilisé. "
        "Demandez un nouveau lien depuis la page de connexion."
    )


class PasswordChangeRequired(AccountError):
    code = "password_change_required"
    http_status = 403
    message = "Choisissez d'abord un nouveau mot de passe pour remplacer le mot de passe temporaire."


class PasswordRejected(AccountError):
    """The new password breaks the policy; `reasons` lists every rule it breaks."""

    code = "password_rejected"
    http_status = 422

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


class FormErrors(AccountError):
    """A form with mistakes: `fields` maps each field name to the French sentence shown next to it."""

    code = "invalid_form"
    http_status = 422

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("Le formulaire contient des erreurs : " + " ".join(self.fields.values()))


class Conflict(AccountError):
    code = "conflict"
    http_status = 409
