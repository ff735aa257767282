"""The FastAPI application behind /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from cjeune_app.api.errors import install_error_handlers

API_PREFIX = "/api/v1"

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
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    install_error_handlers(api)
    for router in [health_router, *(routers or [])]:
        api.include_router(router, prefix=API_PREFIX)
    for router in site_routers or []:
        api.include_router(router)
    return api
