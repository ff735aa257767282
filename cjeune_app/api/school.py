"""What the /etablissement page sends with the session cookie (SameSite=Strict), from the site's own
origin with the session's CSRF token (api.csrf): the CSV of pupils to import, and a pupil's
password reset. Not part of the partners' API (not in the OpenAPI spec).

    POST /etablissement/import                      multipart: `fichier` (CSV, 2 Mo at most)
    POST /etablissement/eleves/{pupil_id}/mot-de-passe
    POST /etablissement/responsables/courriers?classe=&envoi=&responsable=&nouveaux=

Both answer JSON; the letters PDF travels base64-encoded in the answer and is never written
anywhere on the server (the temporary passwords exist only in it): the page turns it into a
file in the browser. The CSV is read in memory, refused as soon as it passes the size limit.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from cjeune_app import routes
from cjeune_app.api.csrf import SiteChange, SiteChangeToken
from cjeune_app.api.deps import current_actor
from cjeune_app.api.errors import ApiError
from cjeune_app.api.uploads import BadUpload, UploadTooLarge, read_small_form
from cjeune_app.core.actor import Actor
from cjeune_app.core.errors import Forbidden, NotFound
from cjeune_app.core.guardians.distribution import Delivery
from cjeune_app.core.use_cases import guardians, school

router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "private, no-store"}

TOO_LARGE = ApiError(413, "too_large", f"Le fichier dépasse {school.MAX_FILE_BYTES // 1_000_000} Mo : "
                     "découpez-le en plusieurs fichiers.")
NOT_A_FORM = ApiError(415, "not_multipart", "Envoyez le fichier depuis le formulaire de la page "
                      "(fichier CSV de 2 Mo au maximum).")
NO_FILE = ApiError(422, "file_missing", "Aucun fichier reçu : choisissez le fichier CSV des élèves, puis "
                   "cliquez sur « Importer ».")


def _pdf(content: bytes | None) -> str | None:
    return base64.b64encode(content).decode("ascii") if content else None


def school_staff(actor: SiteChange) -> Actor:
    """A school's staff member, on a request of the site's own page (Origin and CSRF token, api.csrf)."""
    school.require_school_staff(actor)
    assert actor is not None
    return actor


SchoolStaff = Annotated[Actor, Depends(school_staff)]


def _import(token: str | None, csv_bytes: bytes) -> dict:
    # The actor again: the session may have ended during the upload.
    result = school.import_pupils(current_actor(token), csv_bytes)
    return {
        "errors": result.errors,
        "already_known": result.already_known,
        "created": [{"login": p.login, "name": f"{p.first_name} {p.last_name}", "class_name": p.class_name}
                    for p in result.created],
        "letters_pdf": _pdf(result.letters_pdf),
        "filename": result.letters_filename,
    }


@router.post(routes.SCHOOL_IMPORT)
async def import_pupils(request: Request, _staff: SchoolStaff, token: SiteChangeToken) -> JSONResponse:
    # The staff check (a dependency) runs before any of the body is read.
    try:
        form = await read_small_form(request, routes.SCHOOL_IMPORT_FILE_FIELD, school.MAX_FILE_BYTES)
    except UploadTooLarge:
        raise TOO_LARGE from None
    except BadUpload:
        raise NOT_A_FORM from None
    if not form.file:
        raise NO_FILE
    # A file with bad rows is an answer like any other (200): its errors are shown on the page.
    return JSONResponse(await asyncio.to_thread(_import, token, form.file), headers=NO_STORE)


def _reset(staff: SchoolStaff, pupil_id: int) -> dict:
    try:
        reset = school.reset_pupil_password(staff, pupil_id)
    except Forbidden as refusal:  # another school's pupil, or none: not found, in the same words
        raise NotFound(refusal.message) from None
    return {"login": reset.login, "letter_pdf": _pdf(reset.letter_pdf), "filename": reset.letter_filename}


@router.post(routes.SCHOOL_PASSWORD_RESET_PATTERN)
def reset_password(pupil_id: int, staff: SchoolStaff) -> JSONResponse:
    return JSONResponse(_reset(staff, pupil_id), headers=NO_STORE)


@router.post(routes.SCHOOL_GUARDIAN_LETTERS)
def guardian_letters(staff: SchoolStaff, classe: str = "", envoi: str = Delivery.LETTER.value,
                     responsable: str = "", nouveaux: bool = False) -> JSONResponse:
    """The guardians' accounts of a class (or all, or one guardian): the letters PDF and/or e-mails."""
    try:
        delivery = Delivery(envoi)
    except ValueError:
        delivery = Delivery.LETTER
    guardian_id = routes.row_id(responsable) if responsable else None
    if responsable and guardian_id is None:
        raise NotFound("Ce responsable légal n'est pas enregistré dans votre établissement.")
    issued = guardians.issue_guardian_letters(staff, class_name=classe or None, guardian_id=guardian_id,
                                              delivery=delivery, only_new=nouveaux)
    return JSONResponse({"count": issued.count, "emailed": issued.emailed, "letters_pdf": _pdf(issued.letters_pdf),
                         "filename": issued.letters_filename}, headers=NO_STORE)
