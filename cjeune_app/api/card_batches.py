"""Downloads of a batch of card stock for the printer (agents only): the CSV and the QR codes.

The browser's session cookie authenticates these routes (the pages' own session, SameSite=Strict),
so a link on /admin/cartes downloads the files; nobody else can.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cjeune_app.api.errors import ApiError
from cjeune_app.core.accounts.web import token_from_cookies
from cjeune_app.core.cards.api import IssuedBatch, batch_by_id, printer_csv, printer_zip
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.sign_in import account_for_token

router = APIRouter(tags=["back-office"], include_in_schema=False)

NOT_SIGNED_IN = "Connectez-vous avec un compte d'agent du Département pour télécharger ce fichier."
NOT_AN_AGENT = "Seuls les agents du Département peuvent télécharger les fichiers des lots de cartes."
NO_SUCH_BATCH = "Ce lot de cartes n'existe pas."


def printer_csv_path(batch_id: int) -> str:
    return f"/api/v1/admin/lots-cartes/{batch_id}/imprimeur.csv"


def printer_zip_path(batch_id: int) -> str:
    return f"/api/v1/admin/lots-cartes/{batch_id}/qr-codes.zip"


def _batch_for_agent(request: Request, batch_id: int) -> IssuedBatch:
    with session_scope() as session:
        account = account_for_token(session, token_from_cookies(request.cookies))
        if account is None:
            raise ApiError(401, "not_signed_in", NOT_SIGNED_IN)
        if account.role != Role.AGENT:
            raise ApiError(403, "forbidden", NOT_AN_AGENT)
        batch = batch_by_id(session, batch_id)
    if batch is None:
        raise ApiError(404, "not_found", NO_SUCH_BATCH)
    return batch


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


@router.get("/admin/lots-cartes/{batch_id}/imprimeur.csv")
def download_printer_csv(batch_id: int, request: Request) -> Response:
    batch = _batch_for_agent(request, batch_id)
    return _attachment(printer_csv(batch).encode("utf-8"), "text/csv; charset=utf-8",
                       f"lot-{batch.batch_id}-{batch.establishment_uai}.csv")


@router.get("/admin/lots-cartes/{batch_id}/qr-codes.zip")
def download_qr_codes(batch_id: int, request: Request) -> Response:
    batch = _batch_for_agent(request, batch_id)
    return _attachment(printer_zip(batch), "application/zip",
                       f"lot-{batch.batch_id}-{batch.establishment_uai}-qr.zip")
