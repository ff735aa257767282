"""Files of the back office (agents only), authenticated by the pages' session cookie
(SameSite=Strict): the SEPA transfer file of a reimbursement batch and the statistics tables as CSV."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cjeune_app import routes
from cjeune_app.api.deps import CurrentActor
from cjeune_app.core.use_cases import reimbursements, statistics

router = APIRouter(tags=["back-office"], include_in_schema=False)


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@router.get(routes.REIMBURSEMENT_TRANSFER_XML_PATTERN)
def transfer_xml(batch_id: int, actor: CurrentActor) -> Response:
    file = reimbursements.transfer_file(actor, batch_id)  # refusals: 401, 403, 404, 409 (api/errors.py)
    return _attachment(file.body, "application/xml", file.filename)


@router.get(routes.STATISTICS_CSV_PATTERN)
def statistics_table(season: str, table: str, actor: CurrentActor) -> Response:
    file = statistics.statistics_csv(actor, season, table)
    return _attachment(file.body, "text/csv; charset=utf-8", file.filename)
