"""Every HTTP answer logged (one JSON line with its request id, method, path, status, time) and counted
for Prometheus; `/metrics` for the operators' Prometheus, behind a bearer token (CJEUNE_METRICS_TOKEN;
without it the page does not exist). What a request carries (body, query, cookies, headers) is never
logged: only the path, with anything that looks like a token blanked (core/telemetry.py)."""

from __future__ import annotations

import hmac
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cjeune_app import routes
from cjeune_app.api.errors import ApiError
from cjeune_app.core.settings import settings
from cjeune_app.core.telemetry import ERRORS, HTTP_REQUESTS, HTTP_SECONDS, bind_ids, log, metrics_page, new_id

_QUIET_PREFIXES = ("/_next/", "/assets/", "/favicon", "/_event")  # static files and Reflex's websocket


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        request_id = new_id()
        with bind_ids(request_id=request_id):
            try:
                await self.app(scope, receive, send_and_note)
            finally:
                seconds = time.perf_counter() - started
                method, path = scope["method"], scope["path"]
                HTTP_REQUESTS.labels(method, str(status)).inc()
                HTTP_SECONDS.labels(method).observe(seconds)
                if status >= 500:
                    ERRORS.labels("http").inc()
                if status >= 400 or not path.startswith(_QUIET_PREFIXES):
                    log.info("http_request", method=method, path=path, status=status, ms=round(seconds * 1000, 2))


metrics_router = APIRouter(include_in_schema=False)
_bearer = HTTPBearer(auto_error=False)


def metrics_token_holder(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    expected = settings().metrics_token
    if not expected:
        raise ApiError(404, "not_found", "Ressource introuvable.")
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "Jeton de supervision requis.", {"WWW-Authenticate": "Bearer"})


@metrics_router.get(routes.METRICS, dependencies=[Depends(metrics_token_holder)])
def metrics() -> Response:
    body, content_type = metrics_page()
    return Response(body, media_type=content_type)
