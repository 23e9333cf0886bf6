"""Every documented code of both actions renders from an Outcome alone and fits its schema.

Scenarios (issue 4) answer through the gateway's renderer, so this is what makes each of those
codes reachable from a shipped scenario.
"""

from __future__ import annotations

import json

import pytest
from starlette.responses import Response

from mock_server.app import MockParts
from mock_server.contract.catalog import Catalog
from mock_server.contract.catalog_loader import load_catalog
from mock_server.contract.examples import Example
from mock_server.contract.outcome import Outcome
from mock_server.contract.resources import schemas_dir

CATALOG = load_catalog(schemas_dir())
CODES = [
    (e.id, code) for e in CATALOG.endpoints.values() if e.protocol == "tencent" for code in e.codes if code != "SUCCESS"
]
FILE = {"Url": "https://example.com/a.jpg", "MD5": "0" * 32, "Size": 1}
SUCCESS_DATA = {
    "apply_liveness_token": {"SdkToken": "D2B55F0C-FB5D-4FB6-8765-3E931EBBFC79"},
    "get_liveness_result": {
        "Result": "1001",
        "Description": "Failed to call the liveness engine",
        "BestFrame": FILE,
        "Video": None,
    },
}


def respond(parts: MockParts, endpoint_id: str, outcome: Outcome) -> tuple[Response, dict[str, object]]:
    parts.gateway.violations.clear()
    notes: dict[str, object] = {}
    response = parts.gateway.respond(parts.catalog.endpoints[endpoint_id], outcome, notes)
    assert parts.gateway.violations == [], parts.gateway.violations
    return response, notes


def test_both_actions_have_codes_here(catalog: Catalog) -> None:
    assert {eid for eid, _ in CODES} == {"apply_liveness_token", "get_liveness_result"} and len(CODES) > 40


@pytest.mark.parametrize(("endpoint_id", "code"), CODES)
def test_every_error_code_renders_and_fits_its_schema(parts: MockParts, endpoint_id: str, code: str) -> None:
    response, notes = respond(parts, endpoint_id, Outcome(code))
    body = json.loads(response.body)
    assert response.status_code == 200 and notes["code"] == code
    spec = parts.catalog.endpoints[endpoint_id].codes[code]
    assert body["Response"]["Error"] == {"Code": code, "Message": spec.message()}
    assert parts.contract.response_problems(endpoint_id, body) == []


@pytest.mark.parametrize("endpoint_id", sorted(SUCCESS_DATA))
def test_success_spreads_the_output_before_the_request_id(parts: MockParts, endpoint_id: str) -> None:
    response, _ = respond(parts, endpoint_id, Outcome("SUCCESS", SUCCESS_DATA[endpoint_id]))
    body = json.loads(response.body)
    assert list(body["Response"]) == [*SUCCESS_DATA[endpoint_id], "RequestId"]
    assert parts.contract.response_problems(endpoint_id, body) == []


def test_a_message_key_or_text_picks_the_message(parts: MockParts) -> None:
    keyed, _ = respond(parts, "get_liveness_result", Outcome("InvalidParameter", message="incorrect"))
    assert json.loads(keyed.body)["Response"]["Error"]["Message"] == "Incorrect parameter."
    texted, _ = respond(parts, "get_liveness_result", Outcome("InvalidParameter", message_text="SdkToken is wrong"))
    assert json.loads(texted.body)["Response"]["Error"]["Message"] == "SdkToken is wrong"


def test_strict_mode_refuses_an_answer_that_breaks_the_schema(parts: MockParts) -> None:
    response = parts.gateway.respond(
        parts.catalog.endpoints["get_liveness_result"], Outcome("SUCCESS", {"Result": 0}), {}
    )
    assert response.status_code == 500 and parts.gateway.violations
    parts.gateway.violations.clear()


def test_data_of_gives_back_what_renders_the_example_again(parts: MockParts, examples: list[Example]) -> None:
    example = next(e for e in examples if e.endpoint == "get_liveness_result" and e.kind == "response")
    data = parts.contract.data_of("get_liveness_result", example.body)
    assert data is not None and "RequestId" not in data
    response, _ = respond(parts, "get_liveness_result", Outcome("SUCCESS", data))
    again = json.loads(response.body)["Response"]
    assert again | {"RequestId": "-"} == example.body["Response"] | {"RequestId": "-"}
    error = {"Response": {"Error": {"Code": "InternalError", "Message": "Internal error."}, "RequestId": "x"}}
    assert parts.contract.data_of("get_liveness_result", error) is None
