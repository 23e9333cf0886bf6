"""Limits the docs do not state: every one the request schemas set is listed in docs/choices.md with its
reason (choice 46), and the URL forms a real integrator may send are accepted, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_server.contract.catalog import Catalog
from mock_server.contract.schemas import ContractSchemas

from ..conftest import ROOT
from ..helpers import GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL

CHOICES = (ROOT / "docs" / "choices.md").read_text(encoding="utf-8")
LIMITS_ROW = next(line for line in CHOICES.splitlines() if line.startswith("| 46 |"))
INVALID_RETURN = ("PARAMETER_ERROR", "Invalid returnUrl,please check your returnUrl")  # 003's example text
GENERIC = ("PARAMETER_ERROR", "Parameter error,please check you input.")


def max_lengths(schema: dict[str, Any]) -> Iterator[tuple[str, int]]:
    """(field, maxLength) of every top-level field, through $refs and anyOf."""
    definitions = schema.get("definitions", {})

    def walk(node: Any) -> Iterator[int]:
        if isinstance(node, dict):
            if "$ref" in node:
                yield from walk(definitions[node["$ref"].rsplit("/", 1)[1]])
            if "maxLength" in node:
                yield node["maxLength"]
            for branch in node.get("anyOf", []):
                yield from walk(branch)

    for name, sub in schema.get("properties", {}).items():
        for limit in set(walk(sub)):
            yield name, limit


def test_every_unstated_length_limit_is_listed_with_its_reason(contract: ContractSchemas) -> None:
    found = {
        (name, limit)
        for endpoint, schema in contract.requests.items()
        if endpoint != "configure_ui"  # its limits are choice 16
        for name, limit in max_lengths(schema)
    }
    assert ("userId", 64) in found and ("returnUrl", 2048) in found  # the walk finds them
    for name, limit in sorted(found):
        assert f"`{name}`" in LIMITS_ROW, name
        assert str(limit) in LIMITS_ROW, (name, limit)


def create(api: httpx.Client, **fields: Any) -> tuple[str, str]:
    body = api.post(GET_TOKEN_PATH, json={"returnUrl": RETURN_URL, "region": "IDN", **fields}).json()
    return body["code"], body["message"]


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://WWW.EXAMPLE.COM/back",  # RFC 3986: the scheme is case-insensitive
        "https://bücher.example/zurück?x=1",  # an IDN host
        "https://例え.jp/戻る",
        "http://[::1]:8080/back",  # a bracketed IPv6 address
        "http://127.0.0.1:8080/back",
    ],
)
def test_url_forms_a_real_integrator_may_send_are_accepted(api: httpx.Client, url: str) -> None:
    assert create(api, returnUrl=url)[0] == "SUCCESS"
    assert create(api, failedReturnUrl=url)[0] == "SUCCESS"


@pytest.mark.parametrize(
    "url", ["myapp://liveness/done", "intent://scan/#Intent;scheme=zxing;end", "javascript:alert(1)"]
)
def test_other_schemes_are_refused_with_the_documented_error(api: httpx.Client, url: str) -> None:
    assert create(api, returnUrl=url) == INVALID_RETURN


def test_ids_past_64_characters_get_the_documented_parameter_error(api: httpx.Client, catalog: Catalog) -> None:
    assert create(api, userId="u" * 64)[0] == "SUCCESS"
    assert create(api, userId="u" * 65) == GENERIC
    answer = api.post(GET_RESULT_PATH, json={"signatureId": "f" * 65}).json()
    get_result = catalog.endpoints["get_result"]  # its only documented PARAMETER_ERROR text (003)
    invalid = get_result.errors.invalid
    assert (answer["code"], answer["message"]) == (invalid.code, get_result.code(invalid.code).message(invalid.message))
