"""The OpenAPI schema: valid, complete, served, and true — schemathesis calls every operation with generated
input (anonymous and with a superuser's token) and checks no answer is a 500 or breaks the schema."""

import os

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from config.wsgi import application
from tests.factories import (
    BenchmarkScoreFactory,
    PricePointFactory,
    ProbeResultFactory,
    SourceRunFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

LISTS = {
    "/api/v1/labs/": ["country", "parent", "founded_after", "founded_before"],
    "/api/v1/models/": ["lab", "country", "open_weights", "reasoning", "released", "released_after", "released_before"],
    "/api/v1/events/": ["kind", "country", "date_after", "date_before"],
    "/api/v1/source-runs/": ["source", "status", "started_after", "started_before"],
    "/api/v1/providers/": ["country", "lab", "api_style", "first_party"],
    "/api/v1/offerings/": ["model", "provider", "lab", "country", "first_party", "retired", "live_on", "probe_enabled"],
    "/api/v1/prices/": [
        "at",
        "offering",
        "model",
        "provider",
        "lab",
        "country",
        "first_party",
        "off_peak",
        "effective_after",
        "effective_before",
    ],
    "/api/v1/benchmarks/": ["category", "higher_is_better"],
    "/api/v1/scores/": [
        "model",
        "benchmark",
        "metric",
        "evaluated_by",
        "self_reported",
        "lab",
        "country",
        "reported_after",
        "reported_before",
    ],
    "/api/v1/probes/": ["offering", "model", "provider", "ok", "error_kind", "started_after", "started_before"],
}


@pytest.fixture
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates_against_the_openapi_specification(openapi):
    validate_schema(openapi)  # raises on any violation of the OpenAPI 3.0 JSON schema


def test_schema_and_interactive_docs_are_served(api_client):
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/prices/" in response.json()["paths"]
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


@pytest.mark.parametrize("path", sorted(LISTS))
def test_schema_describes_every_filter_and_query_feature_of_each_list(openapi, path):
    operation = openapi["paths"][path]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {*LISTS[path], "search", "ordering", "page", "page_size", "format"} <= names
    described = {p["name"] for p in operation["parameters"] if p.get("description")}
    assert set(LISTS[path]) <= described
    responses = operation["responses"]
    assert "text/csv" in responses["200"]["content"]
    assert {"400", "401", "404", "429"} <= set(responses)


def test_schema_describes_errors_and_the_token_scheme(openapi):
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method == "get":
                assert {} in operation["security"], path  # anonymous reads
            else:
                assert {} not in operation["security"], (method, path)
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
            if method in ("post", "put", "patch"):
                assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ValidationError"
                }
            if method == "delete":
                assert "409" in operation["responses"]
    assert "additionalProperties" in openapi["components"]["schemas"]["ValidationError"]


def test_provider_schema_has_no_field_for_a_key_value(openapi):
    fields = set(openapi["components"]["schemas"]["Provider"]["properties"])
    assert "api_key_env" in fields
    assert not {name for name in fields if "secret" in name or name in ("api_key", "key", "token")}


# --- schemathesis --------------------------------------------------------------------------------------------

# Bounded so the suite stays fast; raise both for a deeper run, e.g.
# API_FUZZ_MAX_EXAMPLES=100 API_FUZZ_PHASES=examples,coverage,fuzzing pytest tests/test_api_schema.py
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_MAX_EXAMPLES", "10"))
PHASES = os.environ.get("API_FUZZ_PHASES", "examples,fuzzing").split(",")
# Every check but positive_data_acceptance: a body can match the schema and still be refused (an unknown
# slug, a duplicate, a score outside its benchmark's scale); that 400 is the API doing its job.
EXCLUDED_CHECKS = ["positive_data_acceptance"]


@pytest.fixture
def wsgi_inside_the_test_transaction():
    """Schemathesis calls the WSGI app directly, so Django would close the connection at each request's start
    and end (ending the test's transaction on PostgreSQL); Django's own test client turns that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_rows(db, throttle_rates, wsgi_inside_the_test_transaction):
    """One row of every kind, and throttling out of the way (one test makes many requests)."""
    throttle_rates(anon="1000000/minute", user="1000000/minute")
    PricePointFactory()
    BenchmarkScoreFactory()
    ProbeResultFactory()
    TimelineEventFactory()
    SourceRunFactory()


@pytest.fixture
def superuser_token(db) -> str:
    user = User.objects.create_superuser("fuzzer", password="pw-for-tests-only")
    return Token.objects.create(user=user).key


# Built in-process (no HTTP, no database) at collection; the calls go to the WSGI app inside each test's transaction.
api_schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
api_schema.app = application  # what from_wsgi() sets: calls go to the WSGI app in-process
api_schema.config.generation.update(max_examples=MAX_EXAMPLES)
api_schema.config.phases.update(phases=PHASES)


api_schema.config.checks.update(excluded_check_names=EXCLUDED_CHECKS)


# The fixtures run once per operation, not per example, on purpose: rows the examples write accumulate.
FUZZ_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@api_schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_anonymous_gives_no_500_and_matches_the_schema(case, api_rows):
    case.call_and_validate()


@api_schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_with_a_superuser_token_gives_no_500_and_matches_the_schema(case, api_rows, superuser_token):
    case.call_and_validate(headers={"Authorization": f"Token {superuser_token}"})
