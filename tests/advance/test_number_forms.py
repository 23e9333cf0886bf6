"""Every number the mock sends has the JSON form of its page's examples: a client typed from them
(an ``int`` for ``"score": 100``, a ``double`` for ``"livenessScore": 100.0``) decodes every answer.

The audit walks each documented example and the mock's own answer for the same endpoint and code,
over real HTTP, and compares the form (int or float) of every number at the same place.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_server.contract.examples import Example
from mock_server.contract.schemas import ContractSchemas

from ..helpers import TOKEN_PATH, complete, signed_body
from ..vendor_client import Vendor, sdk_record

# Numbers the examples do not print, typed by their page's table.
TABLE_ONLY = {("get_video", "SUCCESS", "data.videoCreateTime"): "int"}  # 000: "videoCreateTime: long"
SCORED = ["pass", "fail", "presentation_attack", "unsure_attack"]
UNSCORED = ["too_many_faces", "face_occluded"]


def numbers(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, "int" or "float") of every number in a JSON value; list items share their list's path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from numbers(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for item in node:
            yield from numbers(item, f"{path}[]")
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, type(node).__name__


def documented_forms(examples: list[Example]) -> dict[tuple[str, str], dict[str, str]]:
    """{(endpoint, code): {path: form}} from every response example, plus the table-only numbers."""
    forms: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for example in examples:
        if example.kind == "response" and example.code:
            for path, form in numbers(example.body):
                assert forms[(example.endpoint, example.code)].setdefault(path, form) == form, example.file
    for (endpoint, code, path), form in TABLE_ONLY.items():
        forms[(endpoint, code)][path] = form
    return forms


def mock_answers(http: httpx.Client, token: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(endpoint, answer) for every endpoint whose answers carry numbers, over several outcomes."""
    vendor = Vendor(http, token)
    yield "token_authentication", http.post(TOKEN_PATH, json=signed_body()).json()
    yield "generate_url", vendor.generate_url()
    for outcome in SCORED * 3 + UNSCORED:  # scores are drawn: several of each
        signature_id = vendor.session()["signatureId"]
        complete(http, signature_id, outcome)
        yield "get_result", vendor.result(signature_id)
        yield "liveness_detection", vendor.detection({"signatureId": signature_id})
        yield "get_video", vendor.video({"signatureId": signature_id})
    yield "liveness_detection", vendor.detection({"livenessId": sdk_record(http, "pass")})


def audit(documented: dict[tuple[str, str], dict[str, str]], endpoint: str, code: str, body: Any) -> set[str]:
    """The paths of the numbers in ``body``, each checked against the documented form."""
    paths = set()
    for path, form in numbers(body):
        expected = documented[(endpoint, code)].get(path)
        assert expected is not None, f"{endpoint} {code}: {path} is a number no example or table shows"
        assert form == expected, f"{endpoint} {code}: {path} is sent as {form}, the docs print {expected}"
        paths.add(path)
    return paths


def test_every_number_has_the_form_its_page_prints(http: httpx.Client, token: str, examples: list[Example]) -> None:
    documented = documented_forms(examples)
    seen: set[tuple[str, str, str]] = set()
    for endpoint, body in mock_answers(http, token):
        seen |= {(endpoint, body["code"], path) for path in audit(documented, endpoint, body["code"], body)}
    # the audit saw every documented number of these answers (it cannot pass by seeing none)
    assert {
        ("get_result", "SUCCESS", "data.score"),
        ("get_result", "SUCCESS", "data.attackType"),
        ("get_result", "FACE_OCCLUDED", "data.farImageTime"),
        ("liveness_detection", "SUCCESS", "data.livenessScore"),
        ("liveness_detection", "SUCCESS", "data.attackType"),
        ("get_video", "SUCCESS", "data.videoCreateTime"),
        ("token_authentication", "SUCCESS", "data.expiredTime"),
        ("generate_url", "SUCCESS", "data.expiredTime"),
    } <= seen


def test_get_result_scores_are_whole_numbers_in_range(http: httpx.Client, token: str) -> None:
    """003: "score": 100 and "score": 0; ranging from [0,100]."""
    vendor = Vendor(http, token)
    for outcome in ["pass", "fail"] * 10:
        signature_id = vendor.session()["signatureId"]
        complete(http, signature_id, outcome)
        score = vendor.result(signature_id)["data"]["score"]
        assert type(score) is int and 0 <= score <= 100
        assert vendor.detection({"signatureId": signature_id})["data"]["livenessScore"] == float(score)


def broken(example: Example, path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(example.body)
    node = body
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    node[last] = value
    return dict(body)


@pytest.mark.parametrize(
    ("file", "path", "value"),
    [
        ("get_result.SUCCESS.1.json", "data.score", 84.4),
        ("get_result.SUCCESS.1.json", "data.score", 100.0),
        ("get_result.SUCCESS.2.json", "data.attackType", 2.0),
        ("liveness_detection.SUCCESS.1.json", "data.livenessScore", 100),
        ("liveness_detection.SUCCESS.2.json", "data.attackType", 3.0),
        ("get_result.SUCCESS.1.json", "data.farImageTime", 1713247589908.0),
        ("token_authentication.SUCCESS.1.json", "data.expiredTime", 1642580192430.0),
        ("get_liveness_result.SUCCESS.1.json", "Response.Video.Size", 9430792.0),
    ],
)
def test_strict_mode_refuses_a_number_in_the_wrong_form(
    contract: ContractSchemas, examples: list[Example], file: str, path: str, value: Any
) -> None:
    example = next(e for e in examples if e.file == file)
    assert contract.response_problems(example.endpoint, example.body) == []
    assert contract.response_problems(example.endpoint, broken(example, path, value)) != []


def test_a_scenario_with_a_fractional_score_is_refused_when_loaded(http: httpx.Client) -> None:
    """Scenario data is checked against the code's schema: a score a typed client cannot decode never goes out."""
    rule = {"match": {"endpoint": "get_result"}, "respond": {"code": "SUCCESS", "data": {"score": 84.5}}}
    refused = http.post("/__admin/scenarios", json={"name": "fractional", "rules": [rule]})
    assert refused.status_code == 400 and "score" in refused.text
    rule["respond"]["data"] = {"score": 84}  # type: ignore[index]
    assert http.post("/__admin/scenarios", json={"name": "whole", "rules": [rule]}).status_code == 201
