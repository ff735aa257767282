"""What the /etablissement page sends with the session cookie (SameSite=Strict): the CSV of pupils
to import, and a pupil's password reset. Not part of the partners' API (not in the OpenAPI spec).

    POST /etablissement/import                      multipart: `fichier` (CSV, 2 Mo at most)
    POST /etablissement/eleves/{pupil_id}/mot-de-passe

Both answer JSON; the letters PDF travels base64-encoded in the answer and is never written
anywhere on the server (the temporary passwords exist only in it): the page turns it into a
file in the browser. The CSV is read in memory, refused as soon as it passes the size limit.
"""

from __future__ import annotations

import asyncio
import base64

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from cjeune_app.api.errors import ApiError
from cjeune_app.api.uploads import BadUpload, UploadTooLarge, read_small_form
from cjeune_app.core.accounts.api import account_for_token
from cjeune_app.core.accounts.errors import AccountError
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.web import token_from_cookies
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.api import reset_pupil_password
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.establishments.pupil_import import MAX_FILE_BYTES, import_pupils_csv

router = APIRouter(include_in_schema=False)

IMPORT_PATH = "/etablissement/import"
FILE_FIELD = "fichier"
NO_STORE = {"Cache-Control": "private, no-store"}

SIGNED_OUT = ApiError(401, "not_signed_in", "Votre session a expiré : reconnectez-vous avec le compte de "
                      "l'établissement, puis recommencez.")
NOT_STAFF = ApiError(403, "forbidden", "Seuls les personnels d'un établissement scolaire peuvent importer "
                     "des élèves ou réinitialiser leurs mots de passe.")
TOO_LARGE = ApiError(413, "too_large", f"Le fichier dépasse {MAX_FILE_BYTES // 1_000_000} Mo : découpez-le "
                     "en plusieurs fichiers.")
NOT_A_FORM = ApiError(415, "not_multipart", "Envoyez le fichier depuis le formulaire de la page "
                      "(fichier CSV de 2 Mo au maximum).")
NO_FILE = ApiError(422, "file_missing", "Aucun fichier reçu : choisissez le fichier CSV des élèves, puis "
                   "cliquez sur « Importer ».")
NO_SUCH_PUPIL = ApiError(404, "not_found", "Cet élève n'est pas inscrit dans votre établissement.")


def reset_path(pupil_id: int) -> str:
    return f"/etablissement/eleves/{pupil_id}/mot-de-passe"


def _staff(session: Session, request: Request) -> Account:
    account = account_for_token(session, token_from_cookies(request.cookies))
    if account is None:
        raise SIGNED_OUT
    if account.role != Role.ESTABLISHMENT or account.establishment_id is None:
        raise NOT_STAFF
    return account


def _check_staff(request: Request) -> None:
    with session_scope(read_only=True) as session:
        _staff(session, request)


def _pdf(content: bytes | None) -> str | None:
    return base64.b64encode(content).decode("ascii") if content else None


def _import(request: Request, csv_bytes: bytes) -> dict:
    with session_scope() as session:
        staff = _staff(session, request)  # again: the session may have ended during the upload
        school = session.get(Establishment, staff.establishment_id)
        result = import_pupils_csv(session, school, csv_bytes, acting=staff)
        return {
            "errors": result.errors,
            "already_known": result.already_known,
            "created": [{"login": p.login, "name": f"{p.first_name} {p.last_name}", "class_name": p.class_name}
                        for p in result.created],
            "letters_pdf": _pdf(result.letters_pdf),
            "filename": f"lettres-eduprovence-{school.uai}.pdf",
        }


@router.post(IMPORT_PATH)
async def import_pupils(request: Request) -> JSONResponse:
    await asyncio.to_thread(_check_staff, request)  # before reading any of the body
    try:
        form = await read_small_form(request, FILE_FIELD, MAX_FILE_BYTES)
    except UploadTooLarge:
        raise TOO_LARGE from None
    except BadUpload:
        raise NOT_A_FORM from None
    if not form.file:
        raise NO_FILE
    # A file with bad rows is an answer like any other (200): its errors are shown on the page.
    return JSONResponse(await asyncio.to_thread(_import, request, form.file), headers=NO_STORE)


def _reset(request: Request, pupil_id: int) -> dict:
    with session_scope() as session:
        staff = _staff(session, request)
        try:
            reset = reset_pupil_password(session, staff, pupil_id)
        except AccountError:  # another school's pupil, or none: the same answer
            raise NO_SUCH_PUPIL from None
        return {"login": reset.login, "letter_pdf": _pdf(reset.letter_pdf),
                "filename": f"lettre-{reset.login.split('@')[0]}.pdf"}


@router.post("/etablissement/eleves/{pupil_id}/mot-de-passe")
async def reset_password(pupil_id: int, request: Request) -> JSONResponse:
    return JSONResponse(await asyncio.to_thread(_reset, request, pupil_id), headers=NO_STORE)
