"""Self-fuzzing: Schemathesis reads ``liveness-mock openapi`` and fuzzes a real server in strict mode.

Every operation of the document, the regional ones included: a path item lists the hosts that
serve it as its ``servers``; Schemathesis sends every request to the mock's one base URL, with the
``Host`` header of one of those servers (taken in turn), which is how the mock picks the regional
host (docs/endpoints-and-hosts.md's ``curl -H 'Host: my-api.advance.ai'``). Requests carry a valid access token, so
generated data gets past authentication into validation and the actions. Positive and negative
data; the examples and fuzzing phases (the coverage phase's boundary cases run in the contract
suite and the bad-input catalogue; here they would be 3,000 requests).

Checks, chosen for a vendor that answers business errors with HTTP 200 and a code:

- ``not_a_server_error``: no 5xx (strict mode turns an answer that breaks its schema into a 500);
- ``response_schema_conformance``: every answer is one of the documented (endpoint, code) schemas
  of its status (the document's ``oneOf``);
- ``content_type_conformance``: every answer is ``application/json``, as documented;
- ``status_code_conformance``: every status is one the document lists (200, 400, 404, 405);
- ``valid_data_is_not_refused_as_invalid`` (ours): data the document calls valid is not answered
  with the endpoint's validation error (its ``errors:`` in the catalog). This is the vendor's form
  of ``positive_data_acceptance``, and what shows a document that says less than the mock checks.

Left out, because they read the HTTP status as the verdict and this vendor does not:
``negative_data_rejection`` (invalid data is an HTTP 200 PARAMETER_ERROR, not a 4xx),
``positive_data_acceptance`` (every answer is 200, accepted or not), ``missing_required_header``
and ``ignored_auth`` (a missing or bad token is an HTTP 200 IAM_FAILED, not a 401/403);
``unsupported_method`` (the document lists 405 but not the methods it is for: the bad-input
catalogue sends them), ``use_after_free`` and ``ensure_resource_availability`` (no links).
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mock_server.app import MockParts
from mock_server.cli import main
from mock_server.contract.catalog import Catalog, Endpoint
from mock_server.server import ThreadedServer

EXAMPLES = 25  # per operation and phase: 16 operations, about 400 requests, 10-15 s


def openapi_document() -> dict[str, Any]:
    """What ``liveness-mock openapi`` prints."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        main(["openapi"])
    return dict(json.loads(printed.getvalue()))


DOCUMENT = openapi_document()
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "generation": {"mode": "all", "max-examples": EXAMPLES}}
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)
HOSTS = {
    path: itertools.cycle([server["url"].removeprefix("https://") for server in item["servers"]])
    for path, item in DOCUMENT["paths"].items()
}


def validation_answers(endpoint: Endpoint) -> set[tuple[str, str]]:
    """(code, message) of every answer the endpoint gives to a request that breaks its schema."""
    targets = [endpoint.errors.empty, endpoint.errors.invalid, *(t for _, t in endpoint.errors.fields)]
    targets += [endpoint.errors.unknown] if endpoint.errors.unknown else []
    return {(t.code, endpoint.codes[t.code].messages[t.message]) for t in targets}


@schemathesis.check
def valid_data_is_not_refused_as_invalid(ctx: Any, response: Any, case: Any) -> bool | None:
    """Data the document calls valid gets past validation (any other answer may follow)."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return None
    endpoint = ENDPOINTS[case.path]
    body = response.json() if response.status_code in (200, 400) else {}
    answer = (body.get("code"), body.get("message"))
    refused = answer in validation_answers(endpoint) or answer[0] == "CLIENT_ERROR"
    assert not refused, f"valid by the document, refused by the mock as {answer}"
    return True


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
    valid_data_is_not_refused_as_invalid,
]
ENDPOINTS: dict[str, Endpoint] = {}


@pytest.fixture
def strict(parts: MockParts, catalog: Catalog) -> Iterator[MockParts]:
    ENDPOINTS.update({r.path: catalog.endpoints[r.endpoint_id] for r in catalog.routes("advance")})
    parts.gateway.violations.clear()
    yield parts
    assert parts.gateway.violations == [], "strict mode caught answers that break their schema"


@schema.parametrize()
@settings(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_document(
    case: Any, server: ThreadedServer, token: str, strict: MockParts
) -> None:
    headers = {"Host": next(HOSTS[case.path]), "X-ACCESS-TOKEN": token}
    response = case.call(base_url=server.url, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
