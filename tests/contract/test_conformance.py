"""conformance.differences: the docs' own examples differ in nothing; one mutation, one difference."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from mock_server.contract.catalog import Catalog
from mock_server.contract.conformance import Difference, differences, expected_statuses
from mock_server.contract.examples import Example, load_examples
from mock_server.contract.kinds import KINDS
from mock_server.contract.resources import fixtures_dir
from mock_server.contract.schemas import ContractSchemas
from pytest_plugin import spec

from ..helpers import SERVICE_BUSY_BODY

RESPONSES = [e for e in load_examples(fixtures_dir() / "examples") if e.kind == "response"]
JSON = {"Content-Type": "application/json"}


def faithful(contract: ContractSchemas, example: Example) -> tuple[int, dict[str, str]]:
    """The status and headers the contract gives the example's code."""
    spec = contract.catalog.endpoints[example.endpoint].codes[str(example.code)]
    headers = dict(JSON)
    if spec.retry_after:
        headers["Retry-After"] = "10s"
    return min(expected_statuses(spec, example.body.get("message"))), headers


@pytest.mark.parametrize("example", RESPONSES, ids=lambda e: e.file)
def test_every_documented_example_differs_in_nothing(contract: ContractSchemas, example: Example) -> None:
    status, headers = faithful(contract, example)
    assert differences(contract, example.endpoint, status, headers, example.text.encode()) == []


def test_a_catalog_alone_is_enough(catalog: Catalog) -> None:
    example = next(e for e in RESPONSES if e.file == "get_result.SUCCESS.1.json")
    assert differences(catalog, "get_result", 200, JSON, example.text.encode()) == []


def example(name: str) -> Example:
    return next(e for e in RESPONSES if e.file == name)


Body = dict[str, Any]


def changed(name: str, change: Callable[[Body], Any]) -> bytes:
    body = copy.deepcopy(example(name).body)
    change(body)
    return json.dumps(body).encode()


def drop(body: Body, *path: str) -> None:
    for key in path[:-1]:
        body = body[key]
    del body[path[-1]]


# (case, endpoint, status, headers, body bytes, the one difference expected)
MUTATIONS: list[Any] = [
    pytest.param(
        "get_result",
        400,
        JSON,
        example("get_result.SUCCESS.1.json").text.encode(),
        Difference("status", "get_result", "status", "200", "400"),
        id="status",
    ),
    pytest.param(
        "get_result",
        200,
        JSON,
        b"<html>Bad gateway</html>",
        Difference("envelope", "get_result", "", "a JSON object in the advance envelope", "not JSON"),
        id="envelope-not-json",
    ),
    pytest.param(
        "get_result",
        200,
        JSON,
        changed("get_result.SUCCESS.1.json", lambda b: b.update(transactionId="")),
        Difference("envelope", "get_result", "/transactionId", "a string of 1 to 64 characters", '""'),
        id="envelope-request-id",
    ),
    pytest.param(
        "get_liveness_result",
        200,
        JSON,
        changed("get_liveness_result.SUCCESS.1.json", lambda b: drop(b, "Response", "RequestId")),
        Difference(
            "envelope", "get_liveness_result", "/Response/RequestId", "a string of 1 to 64 characters", "(absent)"
        ),
        id="envelope-tencent-request-id",
    ),
    pytest.param(
        "get_result",
        200,
        JSON,
        changed("get_result.SUCCESS.1.json", lambda b: b.update(code="SIGNATURE_GONE")),
        Difference(
            "undocumented_code",
            "get_result",
            "/code",
            "one of " + ", ".join(spec.endpoint("get_result").codes),
            "SIGNATURE_GONE",
        ),
        id="undocumented-code",
    ),
    pytest.param(
        "get_result",
        200,
        JSON,
        changed("get_result.SUCCESS.1.json", lambda b: b.update(message="Okay")),
        Difference("undocumented_message", "get_result", "/message", '"OK"', '"Okay"'),
        id="undocumented-message",
    ),
    pytest.param(
        "get_result",
        200,
        JSON,
        changed("get_result.SUCCESS.1.json", lambda b: b["data"].update(deviceRisk="LOW")),
        Difference("field_added", "get_result", "/data/deviceRisk", "(absent)", "string"),
        id="field-added",
    ),
    pytest.param(
        "get_result",
        200,
        JSON,
        changed("get_result.SUCCESS.1.json", lambda b: drop(b, "data", "cameraType")),
        Difference("field_removed", "get_result", "/data/cameraType", "string", "(absent)"),
        id="field-removed",
    ),
    pytest.param(
        "get_result",
        200,
        JSON,
        changed("get_result.SUCCESS.1.json", lambda b: b["data"].update(score="100")),
        Difference("field_retyped", "get_result", "/data/score", "integer", "string"),
        id="field-retyped",
    ),
    pytest.param(
        "get_liveness_result",
        200,
        JSON,
        changed("get_liveness_result.SUCCESS.1.json", lambda b: b["Response"]["BestFrame"].update(Size="232267")),
        Difference("field_retyped", "get_liveness_result", "/Response/BestFrame/Size", "integer", "string"),
        id="field-retyped-inside-a-nullable-object",
    ),
    pytest.param(
        "get_result",
        200,
        JSON,
        changed("get_result.SUCCESS.1.json", lambda b: b["data"].update(cameraType="DRONE_CAMERA")),
        Difference("field_value", "get_result", "/data/cameraType", "", '"DRONE_CAMERA"'),
        id="field-value",
    ),
    pytest.param(
        "get_result",
        200,
        {"Content-Type": "text/plain"},
        example("get_result.SUCCESS.1.json").text.encode(),
        Difference("header", "get_result", "headers/Content-Type", "application/json", "text/plain"),
        id="header-content-type",
    ),
]


@pytest.mark.parametrize(("endpoint", "status", "headers", "body", "expected"), MUTATIONS)
def test_one_mutation_gives_exactly_its_difference(
    contract: ContractSchemas, endpoint: str, status: int, headers: dict[str, str], body: bytes, expected: Difference
) -> None:
    found = differences(contract, endpoint, status, headers, body)
    assert len(found) == 1, found
    (difference,) = found
    assert (difference.kind, difference.endpoint, difference.where, difference.actual) == (
        expected.kind,
        expected.endpoint,
        expected.where,
        expected.actual,
    )
    if expected.expected:
        assert difference.expected == expected.expected


def test_a_rate_limit_without_retry_after_is_a_header_difference(contract: ContractSchemas) -> None:
    content = json.dumps(SERVICE_BUSY_BODY).encode()
    assert differences(contract, "get_result", 200, {**JSON, "Retry-After": "10s"}, content) == []
    assert differences(contract, "get_result", 429, {**JSON, "retry-after": "10"}, content) == []
    found = differences(contract, "get_result", 200, JSON, content)
    assert found == [Difference("header", "get_result", "headers/Retry-After", "seconds (10s)", "(absent)")]


def test_several_deviations_are_each_reported_once(contract: ContractSchemas) -> None:
    def change(body: Body) -> None:
        body["data"].update(score="100", deviceRisk="LOW", extraField=1)
        del body["data"]["video"]

    found = differences(contract, "get_result", 500, JSON, changed("get_result.SUCCESS.1.json", change))
    assert sorted((d.kind, d.where) for d in found) == [
        ("field_added", "/data/deviceRisk"),
        ("field_added", "/data/extraField"),
        ("field_removed", "/data/video"),
        ("field_retyped", "/data/score"),
        ("status", "status"),
    ]


def test_every_kind_is_one_of_the_documented_kinds() -> None:
    assert {"status", "envelope", "undocumented_code", "undocumented_message", "header"} <= set(KINDS)
    assert {"field_added", "field_removed", "field_retyped", "field_value"} <= set(KINDS)


def test_an_unknown_endpoint_is_a_clear_error(contract: ContractSchemas) -> None:
    with pytest.raises(ValueError, match=r"no endpoint 'nope'; known: .*get_result"):
        differences(contract, "nope", 200, JSON, b"{}")
