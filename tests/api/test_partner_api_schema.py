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


def test_no_generated_request_makes_any_route_of_the_openapi_description_fail(session, request):
    """The whole description the app serves (search, partners, photos, health), called with a
    partner's key and a signed-in pupil's cookie, Origin and CSRF token: no 5xx."""
    from cjeune_app.api.card_batches import router as card_batches_router
    from cjeune_app.api.photos import router as photos_router
    from cjeune_app.api.search import router as search_router
    from cjeune_app.core.accounts.models import Account
    from cjeune_app.core.accounts.sessions import open_session
    from cjeune_app.core.accounts.web import SESSION_COOKIE
    from tests.support.site_client import page_headers

    world = build_partner_world(session)
    with session_scope() as s:
        secret = create_api_key(s, world.both, "schemathesis")[1]
        pupil = s.get(Account, world.pupil_account_id) if hasattr(world, "pupil_account_id") else None
        account = pupil or Account(role="collegien", login="schema@eduprovence.fr", must_change_password=False)
        s.add(account)
        s.flush()
        token = open_session(s, account, remember=False)
    app = create_api([search_router, partners_router, photos_router, card_batches_router])
    limiter = RateLimiter(per_minute_allowed=1_000_000, burst=1_000_000)
    app.dependency_overrides[rate_limiter] = lambda: limiter
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {secret}", "Cookie": f"{SESSION_COOKIE}={token}", **page_headers(token)}
    statuses: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 9  # more than the partners' routes

    for operation, mode in itertools.product(operations, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION // 2, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            response = case.call_and_validate(headers=headers, checks=[checks.not_a_server_error])
            statuses[response.status_code] += 1

        try:
            no_server_error()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE

    print(f"\n[{request.node.callspec.id}] schemathesis, whole description: {len(operations)} operations, "
          f"{sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
    assert not any(status >= 500 for status in statuses)
