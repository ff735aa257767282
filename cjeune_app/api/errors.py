"""Every error leaves the API as {"code": "...", "message": "<phrase en français>"}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cjeune_app.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    NotSignedIn,
    Refusal,
    TooManyAttempts,
)

# The one place where a kind of refusal becomes an HTTP status.
STATUS_OF_REFUSAL: dict[type[Refusal], int] = {
    InvalidInput: 422,
    NotSignedIn: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyAttempts: 429,
}


def status_of(refusal: Refusal) -> int:
    """The status of the refusal's kind (the nearest in its class's ancestry); 400 for any other."""
    for cls in type(refusal).__mro__:
        if cls in STATUS_OF_REFUSAL:
            return STATUS_OF_REFUSAL[cls]
    return 400


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_body(code: str, message: str) -> dict:
    return {"code": code, "message": message}


_STATUS_MESSAGES = {
    400: ("bad_request", "Requête mal formée : le corps doit être un JSON valide, encodé en UTF-8."),
    401: ("unauthorized", "Authentification requise : fournissez une clé d'API valide."),
    403: ("forbidden", "Vous n'avez pas accès à cette ressource."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode non autorisée sur cette adresse."),
    429: ("too_many_requests", "Trop de requêtes : réessayez dans quelques instants."),
}


def _field_path(location: tuple) -> str:
    return ".".join(str(part) for part in location if part not in ("body", "query", "path", "header"))


def install_error_handlers(api: FastAPI) -> None:
    @api.exception_handler(Refusal)
    async def _refusal(_request: Request, error: Refusal):
        # A refusal of core (card blocked, balance too low...): its code, sentence and status.
        headers = None
        if (seconds := error.details.get("retry_after_seconds")) is not None:
            headers = {"Retry-After": str(int(seconds))}
        return JSONResponse(error.as_dict(), status_code=status_of(error), headers=headers)

    @api.exception_handler(ApiError)
    async def _api_error(_request: Request, error: ApiError):
        return JSONResponse(error_body(error.code, error.message), status_code=error.status,
                            headers=error.headers)

    @api.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, error: RequestValidationError):
        problems = error.errors()
        fields = sorted({_field_path(tuple(p.get("loc", ()))) for p in problems} - {""})
        message = "Requête invalide"
        message += f" : vérifiez {', '.join(fields)}." if fields else "."
        return JSONResponse({**error_body("invalid_request", message), "fields": fields}, status_code=422)

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, error: StarletteHTTPException):
        code, message = _STATUS_MESSAGES.get(error.status_code, ("error", "La requête a échoué."))
        return JSONResponse(error_body(code, message), status_code=error.status_code)
