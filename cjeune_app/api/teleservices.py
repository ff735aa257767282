"""Files of the téléservices pages, authenticated by the page's session cookie (SameSite=Strict);
not part of the partners' API (not in the OpenAPI spec).

    POST /services-en-ligne/bourse/{pupil_id}/avis                multipart: `avis` (PDF or JPEG)
    GET  /services-en-ligne/bourse/{pupil_id}/accuse-reception.pdf
    GET  /etablissement/teleservices/bourses.csv?statut=...
    GET  /etablissement/teleservices/bourses/{request_id}/avis   (staff of the school: the avis, to instruct)

The avis is read in memory and refused as soon as it passes the size limit; it is checked and stored
(privately) by core, which also checks again that the service is open.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from cjeune_app import routes
from cjeune_app.api.deps import CurrentActor
from cjeune_app.api.errors import ApiError
from cjeune_app.api.uploads import BadUpload, UploadTooLarge, read_small_form
from cjeune_app.core.teleservices.avis import MAX_AVIS_BYTES
from cjeune_app.core.teleservices.errors import AvisRefused
from cjeune_app.core.use_cases import teleservices

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "private, no-store"}
NOT_A_FORM = ApiError(415, "not_multipart", "Envoyez l'avis d'imposition depuis le formulaire de la page.")
NO_FILE = ApiError(422, "file_missing", "Aucun fichier reçu : choisissez l'avis d'imposition (PDF ou JPEG).")


@router.post(routes.ONLINE_BOURSE_AVIS_PATTERN)
async def upload_avis(pupil_id: int, request: Request, actor: CurrentActor) -> JSONResponse:
    try:
        form = await read_small_form(request, routes.AVIS_FILE_FIELD, MAX_AVIS_BYTES)
    except UploadTooLarge:
        raise AvisRefused() from None
    except BadUpload:
        raise NOT_A_FORM from None
    if not form.file:
        raise NO_FILE
    screen = await asyncio.to_thread(teleservices.attach_avis, actor, pupil_id, form.file)
    return JSONResponse({"avis": screen.avis_attached}, headers=NO_STORE)


@router.get(routes.ONLINE_BOURSE_RECEIPT_PATTERN)
def receipt(pupil_id: int, actor: CurrentActor) -> Response:
    file = teleservices.bourse_receipt(actor, pupil_id)
    return Response(file.body, media_type="application/pdf", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{file.filename}"'})


@router.get(routes.SCHOOL_BOURSE_AVIS_PATTERN)
def school_avis(request_id: int, actor: CurrentActor) -> Response:
    file = teleservices.school_avis(actor, request_id)
    return Response(file.body, media_type=file.media_type, headers={
        **NO_STORE, "Content-Disposition": f'inline; filename="{file.filename}"'})


@router.get(routes.SCHOOL_BOURSE_CSV)
def bourse_csv(actor: CurrentActor, statut: str = "") -> Response:
    file = teleservices.export_bourse_csv(actor, statut or None)
    return Response(file.body, media_type="text/csv; charset=utf-8", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{file.filename}"'})
