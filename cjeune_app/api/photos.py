"""Photo d'identité over HTTP: the page's photo editor uploads here, and photos are shown from here.

    POST /pupils/{pupil_id}/photo   multipart: `photo` (JPEG) + `crop_x`, `crop_y`, `crop_width`,
                                    `crop_height` (fractions 0..1 of the upright picture)
    GET  /photos/{photo_id}         the processed 413×531 JPEG

Both are authenticated by the session cookie (SameSite=Strict, so another site cannot send it).
The upload is read in memory, chunk by chunk, and refused as soon as it passes the size limit;
only the processed photo is stored (core.photos). A photo is shown to the pupil, their parent
and agents; anyone else, signed out included, gets the same 404 as for a photo that does not exist.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from cjeune_app.api.errors import ApiError
from cjeune_app.api.uploads import BadUpload, UploadTooLarge, read_small_form
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.permissions import can_see_pupil
from cjeune_app.core.accounts.web import token_from_cookies
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.sign_in import account_for_token
from cjeune_app.core.photos.api import STATE_LABELS, PhotoNotFound, photo_bytes, submit_photo
from cjeune_app.core.photos.errors import MESSAGES, PhotoError
from cjeune_app.core.photos.models import Photo
from cjeune_app.core.photos.processing import MAX_UPLOAD_BYTES, CropBox

router = APIRouter(tags=["photos"])

# Who may send a pupil's photo, and who may look at it (agents review, they do not upload).
UPLOADERS = {Role.PUPIL, Role.PARENT}
VIEWERS = {Role.PUPIL, Role.PARENT, Role.AGENT}

PHOTO_FIELD = "photo"
CROP_FIELDS = ("crop_x", "crop_y", "crop_width", "crop_height")
PHOTO_STATUS = {"not_jpeg": 415, "too_large": 413}  # other refusals: 422

NOT_FOUND = ApiError(404, "not_found", "Ressource introuvable.")
SIGNED_OUT = ApiError(401, "not_signed_in", "Votre session a expiré : reconnectez-vous, puis envoyez "
                      "de nouveau la photo.")
TOO_LARGE = ApiError(413, "too_large", MESSAGES["too_large"])
NOT_A_FORM = ApiError(415, "not_multipart", "Envoyez la photo depuis le formulaire de la page (envoi "
                      "multipart/form-data avec le champ « photo »), au format JPEG, 10 Mo au maximum.")
NO_PHOTO = ApiError(422, "photo_missing", "Aucune photo reçue : choisissez une photo au format JPEG "
                    "(.jpg, .jpeg) de 10 Mo au maximum, puis validez-la.")
NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _account(session: Session, request: Request) -> Account | None:
    return account_for_token(session, token_from_cookies(request.cookies))


def _may(session: Session, account: Account | None, pupil_id: int, roles: set[Role]) -> bool:
    return account is not None and account.role in roles and can_see_pupil(session, account, pupil_id)


def _check_uploader(request: Request, pupil_id: int) -> None:
    with session_scope() as session:  # account_for_token may push back the session's expiry
        account = _account(session, request)
        if account is None:
            raise SIGNED_OUT
        if not _may(session, account, pupil_id, UPLOADERS):
            raise NOT_FOUND


def _crop(fields: dict[str, str]) -> CropBox | None:
    """The user's frame; None (largest centred frame) when the form sent none at all."""
    if not any(fields.get(name, "").strip() for name in CROP_FIELDS):
        return None
    try:
        return CropBox(*(float(fields.get(name, "").replace(",", ".")) for name in CROP_FIELDS))
    except ValueError:
        raise PhotoError("bad_crop", f"crop fields {fields!r}") from None


def _submit(request: Request, pupil_id: int, upload: bytes, crop: CropBox | None) -> dict:
    with session_scope() as session:
        # Checked again in the writing transaction: the session may have ended meanwhile.
        if not _may(session, _account(session, request), pupil_id, UPLOADERS):
            raise NOT_FOUND
        photo = submit_photo(session, pupil_id, upload, crop)
        return {"photo_id": photo.id, "state": photo.status, "label": STATE_LABELS[photo.status],
                "url": f"/api/v1/photos/{photo.id}"}


@router.post(
    "/pupils/{pupil_id}/photo",
    status_code=201,
    summary="Envoyer la photo d'identité d'un collégien",
    description="Formulaire multipart : `photo` (JPEG, 10 Mo au maximum) et le cadrage `crop_x`, "
    "`crop_y`, `crop_width`, `crop_height` en fractions de la photo. Réservé au collégien et à "
    "son représentant légal, authentifiés par leur cookie de session.",
)
async def upload_photo(pupil_id: int, request: Request) -> dict:
    await asyncio.to_thread(_check_uploader, request, pupil_id)  # before reading any of the body
    try:
        form = await read_small_form(request, PHOTO_FIELD, MAX_UPLOAD_BYTES)
    except UploadTooLarge:
        raise TOO_LARGE from None
    except BadUpload:
        raise NOT_A_FORM from None
    if not form.file:
        raise NO_PHOTO
    try:
        return await asyncio.to_thread(_submit, request, pupil_id, form.file, _crop(form.fields))
    except PhotoError as refused:
        raise ApiError(PHOTO_STATUS.get(refused.code, 422), refused.code, refused.message) from None


def _visible_photo(request: Request, photo_id: int) -> bytes:
    with session_scope() as session:  # account_for_token may push back the session's expiry
        account = _account(session, request)
        photo = session.get(Photo, photo_id)
        if photo is None or not _may(session, account, photo.pupil_id, VIEWERS):
            raise NOT_FOUND
        if photo.superseded_at is not None and account.role != Role.AGENT:
            raise NOT_FOUND  # the family only ever sees the current photo
        try:
            return photo_bytes(session, photo_id)[1]
        except PhotoNotFound:
            raise NOT_FOUND from None


@router.get(
    "/photos/{photo_id}",
    summary="Afficher une photo d'identité",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, 404: {"description": "Introuvable ou non autorisé"}},
)
async def show_photo(photo_id: int, request: Request) -> Response:
    data = await asyncio.to_thread(_visible_photo, request, photo_id)
    return Response(data, media_type="image/jpeg", headers=NO_STORE)
