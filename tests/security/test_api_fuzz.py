"""Fuzzing the public API: schemathesis generates requests from the OpenAPI document served at
/api/v1/openapi.json and sends them, with a case worker's token, to the application in-process (WSGI). Every
answer must be a non-5xx, with the content type and body the schema declares for its status. A few hundred
cases in all (MAX_EXAMPLES per operation)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import checks

MAX_EXAMPLES = 12
CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.content_type_conformance]


def _served_schema() -> dict:
    # The document exactly as served (no database needed to build it).
    return Client().get("/api/v1/openapi.json").json()


schema = schemathesis.openapi.from_dict(_served_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def fuzz_token(world, token_for):
    """A case worker with a case, a consent and a sent referral: requests reach real objects, not only 404s."""
    # As Django's test client does: keep the test's database connection (and its transaction) open across
    # requests instead of closing it when each request finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield token_for(world["worker"])
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_schema_is_served_and_covers_the_contract(db):
    paths = _served_schema()["paths"]
    for path in ("/api/v1/me", "/api/v1/cases/{code}", "/api/v1/referrals/{referral_id}/messages"):
        assert path in paths


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_keeps_to_its_schema(case, fuzz_token):
    if case.path != "/api/v1/auth/token":
        case.headers = {**(case.headers or {}), "Authorization": fuzz_token}
    case.call_and_validate(checks=CHECKS)
