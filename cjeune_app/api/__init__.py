"""HTTP API under /api/v1 (FastAPI), mounted into the Reflex backend. Thin: parse, call core, serialize."""

from cjeune_app.api.app import create_api

__all__ = ["create_api"]
