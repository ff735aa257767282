"""Schemathesis against the partners' OpenAPI spec, with a valid key, on SQLite and PostgreSQL:
whatever the generated request, no server error (5xx), and every answer matches the spec
(documented status, JSON body of the documented shape). PostgreSQL matters most here: it refuses
what SQLite lets through (NUL characters, integers beyond 32 bits).

Valid and invalid requests (positive and negative generation). Bounded: a few examples per operation, so that the whole file runs in well under two minutes."""

from __future__ import annotations

import itertools
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from cjeune_app.api import create_api
from cjeune_app.api.deps import rate_limiter
from cjeune_app.api.partners import router as partners_router
from cjeune_app.api.ratelimit import RateLimiter
from cjeune_app.core.db import session_scope
from cjeune_app.core.partners.api_keys import create_api_key
from tests.support.partner_world import build_partner_world

EXAMPLES_PER_OPERATION = 30
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]


def test_no_generated_request_makes_the_api_fail(session, request):
    world = build_partner_world(session)
    with session_scope() as s:
        secret = create_api_key(s, world.both, "schemathesis")[1]
    app = create_api([partners_router])
    limiter = RateLimiter(per_minute_allowed=1_000_000, burst=1_000_000)
    app.dependency_overrides[rate_limiter] = lambda: limiter
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    auth = {"Authorization": f"Bearer {secret}"}
    statuses: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation, mode in itertools.product(operations, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_failure(case):
            response = case.call_and_validate(headers=auth, checks=CHECKS)
            statuses[response.status_code] += 1

        try:
            no_failure()
        except Unsatisfiable:  # nothing invalid to send (an operation without parameters nor body)
            assert mode is GenerationMode.NEGATIVE

    print(f"\n[{request.node.callspec.id}] schemathesis: {len(operations)} operations, valid and invalid data, "
          f"{sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
    assert not any(status >= 500 for status in statuses)
