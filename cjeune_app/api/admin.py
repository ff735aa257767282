"""Files of the back office, authenticated by the page's session cookie: the journal as CSV."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cjeune_app import routes
from cjeune_app.api.deps import CurrentActor
from cjeune_app.core.use_cases import journal

router = APIRouter(include_in_schema=False)


@router.get(routes.ADMIN_JOURNAL_CSV)
def journal_csv(request: Request, actor: CurrentActor) -> Response:
    filename, body = journal.export_journal(actor, journal.filter_from_fields(dict(request.query_params)))
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})
