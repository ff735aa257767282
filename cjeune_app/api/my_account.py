"""\"Mes données\" downloaded from \"Mon compte\" (JSON and PDF), authenticated by the page's session cookie."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from cjeune_app import routes
from cjeune_app.api.deps import CurrentActor
from cjeune_app.core.use_cases import my_account

router = APIRouter(include_in_schema=False)


@router.get(routes.MY_DATA_JSON)
async def my_data_json(actor: CurrentActor) -> Response:
    body = await asyncio.to_thread(my_account.my_data_json, actor)
    return Response(body, media_type="application/json; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="mes-donnees-cjeune.json"', "Cache-Control": "private, no-store"})


@router.get(routes.MY_DATA_PDF)
async def my_data_pdf(actor: CurrentActor) -> Response:
    body = await asyncio.to_thread(my_account.my_data_pdf, actor)
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="mes-donnees-cjeune.pdf"', "Cache-Control": "private, no-store"})


@router.post(routes.UNSUBSCRIBE_ONE_CLICK)
async def unsubscribe_one_click(jeton: str = "") -> JSONResponse:
    """RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe address;
    no cookie, no CSRF token (the signed link is the proof). A GET is not served: mail filters open
    links, and opening one must not unsubscribe (the link in the e-mail's body goes to the page)."""
    done = await asyncio.to_thread(my_account.unsubscribe, jeton)
    return JSONResponse({"code": "unsubscribed", "message": f"C'est fait : {done.address} ne recevra plus les "
                                                            "e-mails d'information de CJeune de Provence."},
                        headers={"Cache-Control": "no-store"})
