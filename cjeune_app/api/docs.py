"""The API docs page (/api/v1/docs): Swagger UI served from the files of the swagger-ui-bundle-v2
package, never from a CDN. Its one inline script (Swagger UI's start) is allowed by its hash, as
every page's (api.headers)."""

from __future__ import annotations

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

API_DOCS_PATH = "/api/v1/docs"
DOCS_ASSETS = API_DOCS_PATH + "/fichiers"


def docs_page(openapi_url: str, title: str) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=openapi_url, title=title,
        swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
    )


def install_docs(api: FastAPI, openapi_url: str) -> None:
    page = docs_page(openapi_url, api.title)
    api.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger-ui")

    @api.get(API_DOCS_PATH, include_in_schema=False)
    def docs() -> HTMLResponse:
        return page

