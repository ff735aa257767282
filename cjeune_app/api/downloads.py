"""Files the partner space links to, authenticated by the session cookie of the page (SameSite=Strict):
the monthly statements. Not part of the partners' API (no key, not in the OpenAPI spec)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cjeune_app.api.errors import ApiError
from cjeune_app.core.accounts.web import token_from_cookies
from cjeune_app.core.db import session_scope
from cjeune_app.core.partners.api import partner_id_for_session
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.partners.statements import Month, statement_csv, statement_filename, statement_pdf

router = APIRouter(include_in_schema=False)
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@router.get("/espace-partenaire/releves/{month}.{extension}")
def statement(month: str, extension: str, request: Request) -> Response:
    if extension not in MEDIA_TYPES:
        raise ApiError(404, "not_found", "Ressource introuvable.")
    wanted = Month.parse(month)  # a French 422 for a malformed month
    with session_scope() as session:
        partner_id = partner_id_for_session(session, token_from_cookies(request.cookies))
        if partner_id is None:
            raise ApiError(401, "not_signed_in", "Connectez-vous à l'espace partenaire pour télécharger vos relevés.")
        partner = session.get(Partner, partner_id)
        body = statement_csv(session, partner, wanted) if extension == "csv" else statement_pdf(session, partner, wanted)
        filename = statement_filename(partner, wanted, extension)
    return Response(body, media_type=MEDIA_TYPES[extension], headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})
