"""The FastAPI application behind /api/v1."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, FastAPI, Request

from cjeune_app.api.docs import install_docs
from cjeune_app.api.errors import ApiError, install_error_handlers
from cjeune_app.api.headers import SecurityHeadersMiddleware
from cjeune_app.api.observability import RequestLogMiddleware, metrics_router
from cjeune_app.api.page_paths import SlashlessPagesMiddleware
from cjeune_app.api.session_cookie import HandshakeFilter
from cjeune_app.routes import MAX_ROW_ID

API_PREFIX = "/api/v1"
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def ids_in_range(request: Request) -> None:
    """Every `..._id` of the path that is a whole number out of the range of ids answers 404;
    anything else that is not a whole number is left to the route's validation (422)."""
    for name, value in request.path_params.items():
        whole = name.endswith("_id") and isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip())
        if whole and not 1 <= int(value) <= MAX_ROW_ID:
            raise ApiError(404, "not_found", "Ressource introuvable.")

health_router = APIRouter()


@health_router.get("/health", summary="État du service")
def health() -> dict:
    return {"status": "ok"}


def create_api(routers: list[APIRouter] | None = None, site_routers: list[APIRouter] | None = None) -> FastAPI:
    """`routers` serve under /api/v1; `site_routers` at their own paths (files the pages link to)."""
    api = FastAPI(
        title="API CJeune de Provence",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served from local files: api.docs
        redoc_url=None,
    )
    install_error_handlers(api)
    install_docs(api, f"{API_PREFIX}/openapi.json")
    # Reflex mounts its backend (pages in single-port mode, the event websocket, uploads) inside
    # this application: the middleware covers every answer of the server.
    api.add_middleware(SecurityHeadersMiddleware)
    # The websocket's handshake: only from the site's origin, and its cookie reduced to a digest.
    api.add_middleware(HandshakeFilter)
    # /partenaires answers the page itself, as /partenaires/ does (no 307 round trip on a phone).
    api.add_middleware(SlashlessPagesMiddleware)
    api.add_middleware(RequestLogMiddleware)  # outermost: times and logs every answer
    checked = [Depends(ids_in_range)]
    for router in [health_router, *(routers or [])]:
        api.include_router(router, prefix=API_PREFIX, dependencies=checked)
    for router in site_routers or []:
        api.include_router(router, dependencies=checked)
    api.include_router(metrics_router)
    return api
