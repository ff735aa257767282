"""Downloads of a batch of card stock for the printer (agents only): the CSV and the QR codes.

The browser's session cookie authenticates these routes (the pages' own session, SameSite=Strict),
so a link on /admin/cartes downloads the files; nobody else can.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cjeune_app import routes
from cjeune_app.api.csrf import SiteRead
from cjeune_app.api.errors import ApiError
from cjeune_app.core.actor import Actor
from cjeune_app.core.cards.errors import BatchNotFound
from cjeune_app.core.cards.printing import IssuedBatch, printer_csv, printer_zip
from cjeune_app.core.enums import Role
from cjeune_app.core.use_cases.cards import card_batch

router = APIRouter(tags=["back-office"], include_in_schema=False)

NOT_SIGNED_IN = "Connectez-vous avec un compte d'agent du Département pour télécharger ce fichier."
NOT_AN_AGENT = "Seuls les agents du Département peuvent télécharger les fichiers des lots de cartes."
NO_SUCH_BATCH = "Ce lot de cartes n'existe pas."


def _batch_for_agent(actor: Actor | None, batch_id: int) -> IssuedBatch:
    if actor is None:
        raise ApiError(401, "not_signed_in", NOT_SIGNED_IN)
    if actor.role is not Role.AGENT:
        raise ApiError(403, "forbidden", NOT_AN_AGENT)
    try:
        return card_batch(actor, batch_id)
    except BatchNotFound:
        raise ApiError(404, "not_found", NO_SUCH_BATCH) from None


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


@router.get(routes.CARD_BATCH_PRINTER_CSV_PATTERN)
def download_printer_csv(batch_id: int, actor: SiteRead) -> Response:
    batch = _batch_for_agent(actor, batch_id)
    return _attachment(printer_csv(batch).encode("utf-8"), "text/csv; charset=utf-8",
                       f"lot-{batch.batch_id}-{batch.establishment_uai}.csv")


@router.get(routes.CARD_BATCH_QR_ZIP_PATTERN)
def download_qr_codes(batch_id: int, actor: SiteRead) -> Response:
    batch = _batch_for_agent(actor, batch_id)
    return _attachment(printer_zip(batch), "application/zip",
                       f"lot-{batch.batch_id}-{batch.establishment_uai}-qr.zip")
