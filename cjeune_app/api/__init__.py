"""HTTP API under /api/v1: thin routers that parse, call core and serialize."""
