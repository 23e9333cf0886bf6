"""Every JSON example of the vendor docs is in fixtures/examples, verbatim, and fits its schema."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from mock_server.contract.examples import Example, load_examples
from mock_server.contract.resources import fixtures_dir
from mock_server.contract.schemas import ContractSchemas

from ..conftest import VENDOR_DOCS

EXAMPLES = load_examples(fixtures_dir() / "examples")
RESPONSES = [e for e in EXAMPLES if e.kind == "response"]
ADVANCE_RESPONSES = [e for e in RESPONSES if e.seed.split(":")[0] != "004"]
TENCENT_RESPONSES = [e for e in RESPONSES if e.seed.split(":")[0] == "004"]
SEEDS = ("000", "001", "002", "003", "004")  # 004 is Tencent's


def json_blocks(text: str) -> list[str]:
    """Every balanced {...} block of ``text`` that parses as JSON (strings may hold braces)."""
    blocks, start = [], text.find("{")
    while start >= 0:
        depth, i, in_string, escaped = 0, start, False, False
        while i < len(text):
            ch = text[i]
            if in_string:
                escaped, in_string = (False, in_string) if escaped else (ch == "\\", ch != '"')
            elif ch == '"':
                in_string = True
            elif ch in "{}":
                depth += 1 if ch == "{" else -1
                if depth == 0:
                    break
            i += 1
        block = text[start : i + 1]
        try:
            json.loads(block)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        blocks.append(block)
        start = text.find("{", i + 1)
    return blocks


def seed_text(prefix: str) -> str:
    return next(VENDOR_DOCS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.file)
def test_each_example_is_verbatim_from_its_seed_line(example: Example) -> None:
    source, line = example.seed.split(":")
    first_line = example.text.splitlines()[0]
    assert first_line in seed_text(source).splitlines()[int(line) - 1]
    assert example.text.rstrip("\n") in seed_text(source)


@pytest.mark.parametrize("source", SEEDS)
def test_every_example_of_the_vendor_docs_is_in_the_fixtures(source: str) -> None:
    kept = {e.text.rstrip("\n") for e in EXAMPLES}
    missing = [b[:80] for b in json_blocks(seed_text(source)) if b not in kept]
    assert missing == []


@pytest.mark.parametrize("example", RESPONSES, ids=lambda e: e.file)
def test_each_response_example_fits_the_schema_of_its_endpoint_and_code(
    example: Example, contract: ContractSchemas
) -> None:
    assert contract.code_of(example.endpoint, example.body) == example.code
    assert contract.response_problems(example.endpoint, example.body) == []


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind == "request"], ids=lambda e: e.file)
def test_each_request_example_fits_its_request_schema(example: Example, contract: ContractSchemas) -> None:
    errors = list(contract.request_validator(example.endpoint).iter_errors(example.body))
    assert errors == []


def broken(body: dict[str, Any], how: str) -> dict[str, Any]:
    body = copy.deepcopy(body)
    if how == "missing_field":
        del body["transactionId"]
    elif how == "wrong_type":
        body["transactionId"] = 1234567890123456
    elif how == "undocumented_code":
        body["code"] = "NOT_A_DOCUMENTED_CODE"
    elif how == "too_long_transaction_id":
        body["transactionId"] = "a" * 65
    elif how == "unknown_pricing":
        body["pricingStrategy"] = "MAYBE"
    elif how == "extra_field":
        body["surprise"] = True
    return body


BREAKAGES = [
    "missing_field",
    "wrong_type",
    "undocumented_code",
    "too_long_transaction_id",
    "unknown_pricing",
    "extra_field",
]


@pytest.mark.parametrize("how", BREAKAGES)
@pytest.mark.parametrize("example", ADVANCE_RESPONSES, ids=lambda e: e.file)
def test_a_broken_example_is_rejected(example: Example, how: str, contract: ContractSchemas) -> None:
    assert contract.response_problems(example.endpoint, broken(example.body, how)) != []


@pytest.mark.parametrize(
    ("file", "field", "value"),
    [
        ("get_result.SUCCESS.1.json", "score", "100"),
        ("get_result.SUCCESS.1.json", "score", 101),
        ("get_result.SUCCESS.1.json", "attackType", 4),
        ("get_result.SUCCESS.1.json", "attackType", 1),  # score 100: no attack type allowed
        ("get_result.SUCCESS.1.json", "cameraType", "PHONE"),
        ("get_result.SUCCESS.2.json", "attackType", None),  # score 0: an attack type is required
        ("liveness_detection.SUCCESS.1.json", "livenessScore", -1),
        ("liveness_detection.SUCCESS.1.json", "attackSubType", "x"),
        ("token_authentication.SUCCESS.1.json", "expiredTime", "1642580192430"),
        ("get_video.SUCCESS.1.json", "videoUrl", None),
        ("generate_url.SUCCESS.1.json", "signatureId", "not-hex"),
        ("get_result.NO_FACE_DETECTED.1.json", "score", 80),
    ],
)
def test_a_data_field_of_the_wrong_type_or_range_is_rejected(
    file: str, field: str, value: Any, contract: ContractSchemas
) -> None:
    example = next(e for e in EXAMPLES if e.file == file)
    body = copy.deepcopy(example.body)
    body["data"][field] = value
    assert contract.response_problems(example.endpoint, body) != []


@pytest.mark.parametrize("example", [e for e in ADVANCE_RESPONSES if e.body["data"]], ids=lambda e: e.file)
def test_a_data_object_missing_a_required_field_is_rejected(example: Example, contract: ContractSchemas) -> None:
    schema = contract.responses[(example.endpoint, example.code)]  # type: ignore[index]
    data_ref = schema["properties"]["data"]["$ref"].rsplit("/", 1)[1]
    required = schema["definitions"][data_ref]["required"]
    body = copy.deepcopy(example.body)
    del body["data"][required[0]]
    assert contract.response_problems(example.endpoint, body) != []


def test_an_error_code_charged_as_pay_is_rejected(contract: ContractSchemas) -> None:
    example = next(e for e in EXAMPLES if e.file == "get_video.VIDEO_NOT_FOUND.1.json")
    body = dict(example.body, pricingStrategy="PAY")
    assert contract.response_problems("get_video", body) == ["at pricingStrategy: 'FREE' was expected"]


def tencent_broken(body: dict[str, Any], how: str) -> dict[str, Any]:
    body = copy.deepcopy(body)
    response = body["Response"]
    if how == "no_request_id":
        del response["RequestId"]
    elif how == "request_id_not_uuid":
        response["RequestId"] = "b8cb2269"
    elif how == "result_not_a_string":
        response["Result"] = 1001
    elif how == "md5_not_hex32":
        response["Video"]["MD5"] = "682e24b2"
    elif how == "size_as_string":
        response["BestFrame"]["Size"] = "232267"
    elif how == "file_info_extra_field":
        response["Video"]["Name"] = "video.mp4"
    elif how == "missing_description":
        del response["Description"]
    elif how == "error_and_output":
        response["Error"] = {"Code": "InternalError", "Message": "Internal error."}
    elif how == "undocumented_error":
        body["Response"] = {"Error": {"Code": "NoSuchThing", "Message": "x"}, "RequestId": response["RequestId"]}
    elif how == "not_wrapped":
        body = response
    return body


TENCENT_BREAKAGES = [
    "no_request_id",
    "request_id_not_uuid",
    "result_not_a_string",
    "md5_not_hex32",
    "size_as_string",
    "file_info_extra_field",
    "missing_description",
    "error_and_output",
    "undocumented_error",
    "not_wrapped",
]


def test_file_004_has_its_output_example() -> None:
    assert [e.file for e in TENCENT_RESPONSES] == ["get_liveness_result.SUCCESS.1.json"]


@pytest.mark.parametrize("how", TENCENT_BREAKAGES)
@pytest.mark.parametrize("example", TENCENT_RESPONSES, ids=lambda e: e.file)
def test_a_broken_tencent_example_is_rejected(example: Example, how: str, contract: ContractSchemas) -> None:
    assert contract.response_problems(example.endpoint, tencent_broken(example.body, how)) != []


def test_a_tencent_error_answer_fits_its_code_only(contract: ContractSchemas) -> None:
    body = {
        "Response": {
            "Error": {"Code": "InvalidParameterValue.BizTokenExpired", "Message": "BizToken expired."},
            "RequestId": "b8cb2269-08b2-426c-8be8-c7142c7e64e4",
        }
    }
    assert contract.response_problems("get_liveness_result", body) == []
    assert contract.response_problems("apply_liveness_token", body) == [
        "code 'InvalidParameterValue.BizTokenExpired' is not documented for apply_liveness_token"
    ]


@pytest.mark.parametrize("example", ADVANCE_RESPONSES, ids=lambda e: e.file)
def test_data_of_an_advance_example_is_its_data(example: Example, contract: ContractSchemas) -> None:
    assert contract.data_of(example.endpoint, example.body) == example.body["data"]
