"""The JSON API keeps every promise of its OpenAPI document: schemathesis generates
requests from the document as the API serves it (valid ones and invalid ones, the edge
values of every parameter among them) and checks every answer with all its checks: status
codes, content types, bodies and headers as the document says, valid requests accepted,
invalid ones rejected, other methods answered 405 with Allow. It calls Django's WSGI
handler in this process, on the seed data, so no server is needed; a bounded,
derandomized number of examples per operation keeps the run short and the same each time.

Beside it, plain tests of what the document declares and of JSON at every API address."""

import os
import sys

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.config import SchemathesisConfig

pytestmark = pytest.mark.django_db

# The coverage phase (every parameter's edge values, each one alone: some 2 000 requests,
# minutes here) runs with API_SCHEMATHESIS_COVERAGE=1; otherwise the fuzzing phase, 20
# valid and invalid requests an operation.
COVERAGE = os.environ.get("API_SCHEMATHESIS_COVERAGE") == "1"

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"enabled": True},
        "generation": {"mode": "all", "max-examples": 20, "deterministic": True},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": COVERAGE},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
    }
)


class Counted:
    """A WSGI application that counts the requests it answers."""

    def __init__(self, app):
        self.app = app
        self.requests = 0

    def __call__(self, environ, start_response):
        self.requests += 1
        return self.app(environ, start_response)


@pytest.fixture
def api_schema(request, seeded):
    """The document the API serves, read through Django's WSGI handler, which then answers
    every request. The handler does not close the database connection when a request starts
    and ends (Django's own test client does the same): the connection's transaction holds
    the seed data."""
    # schemathesis 4.32 reads and sets the test's `_nodeid`, which pytest 9.2 no longer has.
    request.node._nodeid = request.node.nodeid
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    app = Counted(WSGIHandler())
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        print(f"\nschemathesis: {app.requests} requests", file=sys.stderr)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_the_api_keeps_its_openapi_document(case):
    case.call_and_validate()


# What the document declares ------------------------------------------------------------


@pytest.fixture
def document(client, seeded):
    return client.get("/api/v1/openapi.json").json()


def parameter(document, path, name):
    (found,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]["anyOf"][0]


def test_every_operation_declares_304_and_414(document):
    for path, operations in document["paths"].items():
        responses = operations["get"]["responses"]
        assert {"200", "304", "404", "414"} <= set(responses), path
        assert "content" not in responses["304"] and "content" not in responses["414"]
        if "{" not in path:
            assert "400" in responses, path  # parameters a list cannot use


def test_the_document_declares_the_limits_the_filters_keep(document):
    assert parameter(document, "/api/v1/projects", "goal")["items"]["enum"] == [
        str(n) for n in range(1, 18)
    ]
    year = parameter(document, "/api/v1/partnerships", "year")
    assert (year["minimum"], year["maximum"]) == (1900, 2100)
    page = parameter(document, "/api/v1/goals", "page")
    assert page["minimum"] == 1
    size = parameter(document, "/api/v1/goals", "page_size")
    assert (size["minimum"], size["maximum"]) == (1, 500)


def test_the_document_lists_the_values_a_filter_takes(document):
    """Values the database holds, read when the document is made: a published programme's
    slug, not a draft's; country codes; organisation kinds."""
    programmes = parameter(document, "/api/v1/projects", "programme")["items"]["enum"]
    assert "symbiocity" in programmes
    countries = parameter(document, "/api/v1/partnerships", "country")["items"]["enum"]
    assert {"KE", "XK"} <= set(countries)
    assert "nonprofit" in parameter(document, "/api/v1/organisations", "kind")["enum"]


@pytest.mark.parametrize("path", ["/api/v1/grants/abc", "/api/v1/goals/sdg/x", "/api/v1/nope"])
def test_unknown_api_addresses_are_a_404_in_json(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_the_api_root_links_the_lists_and_the_document(client, db):
    response = client.get("/api/v1/")
    assert response["Content-Type"].startswith("application/json")
    links = response.json()["links"]
    assert links["grants"].endswith("/api/v1/grants")
    assert links["openapi_json"].endswith("/api/v1/openapi.json")
