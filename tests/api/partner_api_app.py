"""The /api/v1 application alone, for tests that run it in a real server process (granian, as in
production): `granian --interface asgi tests.api.partner_api_app:app`."""

from cjeune_app.api import create_api
from cjeune_app.api.partners import router as partners_router
from cjeune_app.api.search import router as search_router

app = create_api([search_router, partners_router])
