"""Photo d'identité over HTTP: the page's photo editor uploads here, and photos are shown from here.

    POST /pupils/{pupil_id}/photo   multipart: `photo` (JPEG) + `crop_x`, `crop_y`, `crop_width`,
                                    `crop_height` (fractions 0..1 of the upright picture)
    GET  /photos/{photo_id}         the processed 413×531 JPEG

Both are authenticated by the session cookie (SameSite=Strict, so another site cannot send it); a
page of another origin of the same site is refused too (api.csrf): the upload needs the site's
Origin and the session's CSRF token (header X-CSRF-Token), the display a request of the site itself.
The upload is read in memory, chunk by chunk, and refused as soon as it passes the size limit;
only the processed photo is stored (core.photos). Who may send or see a photo is core's
(core.use_cases.photos): anyone else, signed out included for display, gets the same 404 as for a
photo that does not exist.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cjeune_app import routes
from cjeune_app.api.csrf import SiteChange, SiteRead
from cjeune_app.api.errors import ApiError
from cjeune_app.api.uploads import BadUpload, UploadTooLarge, read_small_form
from cjeune_app.core.photos.errors import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, PhotoNotJpeg, PhotoTooLarge
from cjeune_app.core.use_cases import photos

router = APIRouter(tags=["photos"])

PHOTO_FIELD = "photo"
NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


# Pure HTTP answers: what was sent is not a usable upload at all (size, media type, form shape).
def _too_large() -> ApiError:
    return ApiError(413, PhotoTooLarge.code, PhotoTooLarge.message)


def _not_jpeg() -> ApiError:
    return ApiError(415, PhotoNotJpeg.code, PhotoNotJpeg.message)


NOT_A_FORM = ApiError(415, "not_multipart", "Envoyez la photo depuis le formulaire de la page (envoi "
                      f"multipart/form-data avec le champ « photo »), au format JPEG, {MAX_UPLOAD_MB} Mo au "
                      "maximum.")
NO_PHOTO = ApiError(422, "photo_missing", "Aucune photo reçue : choisissez une photo au format JPEG "
                    f"(.jpg, .jpeg) de {MAX_UPLOAD_MB} Mo au maximum, puis validez-la.")


@router.post(
    routes.API_PUPIL_PHOTO_PATTERN,
    status_code=201,
    summary="Envoyer la photo d'identité d'un collégien",
    description="Formulaire multipart : `photo` (JPEG, 10 Mo au maximum) et le cadrage `crop_x`, "
    "`crop_y`, `crop_width`, `crop_height` en fractions de la photo. Réservé au collégien et à "
    "son représentant légal, authentifiés par leur cookie de session.",
)
async def upload_photo(pupil_id: int, request: Request, actor: SiteChange) -> dict[str, Any]:
    await asyncio.to_thread(photos.check_uploader, actor, pupil_id)  # before reading any of the body
    try:
        form = await read_small_form(request, PHOTO_FIELD, MAX_UPLOAD_BYTES)
    except UploadTooLarge:
        raise _too_large() from None
    except BadUpload:
        raise NOT_A_FORM from None
    if not form.file:
        raise NO_PHOTO
    try:
        sent = await asyncio.to_thread(photos.upload_photo, actor, pupil_id, form.file, form.fields)
    except PhotoTooLarge:
        raise _too_large() from None
    except PhotoNotJpeg:
        raise _not_jpeg() from None
    return {"photo_id": sent.photo_id, "state": str(sent.state), "label": sent.label, "url": sent.url}


@router.get(
    routes.API_PHOTO_PATTERN,
    summary="Afficher une photo d'identité",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, 404: {"description": "Introuvable ou non autorisé"}},
)
async def show_photo(photo_id: int, actor: SiteRead) -> Response:
    data = await asyncio.to_thread(photos.photo_for_display, actor, photo_id)
    return Response(data, media_type="image/jpeg", headers=NO_STORE)
