"""Files the partner space links to, authenticated by the session cookie of the page (SameSite=Strict):
the monthly statements. Not part of the partners' API (no key, not in the OpenAPI spec)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cjeune_app import routes
from cjeune_app.api.csrf import SiteRead
from cjeune_app.api.errors import ApiError
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.statements import Month
from cjeune_app.core.use_cases import payments as payment_cases

router = APIRouter(include_in_schema=False)
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@router.get(routes.PARTNER_STATEMENT_PATTERN)
def statement(month: str, extension: str, actor: SiteRead) -> Response:
    if extension not in MEDIA_TYPES:
        raise ApiError(404, "not_found", "Ressource introuvable.")
    wanted = Month.parse(month)  # a French 422 for a malformed month
    if actor is None or actor.role is not Role.PARTNER:
        raise ApiError(401, "not_signed_in", "Connectez-vous à l'espace partenaire pour télécharger vos relevés.")
    file = payment_cases.statement(actor, wanted, extension)
    return Response(file.body, media_type=MEDIA_TYPES[extension], headers={
        "Content-Disposition": f'attachment; filename="{file.filename}"', "Cache-Control": "private, no-store"})
