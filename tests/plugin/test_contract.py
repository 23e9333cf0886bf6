"""assert_conforms: each check catches its deviation, says what differed and how to reproduce it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mock_server.contract.resources import fixtures_dir
from pytest_plugin import contract
from pytest_plugin.contract import assert_conforms
from pytest_plugin.curl import curl

URL = "http://127.0.0.1:8080/openapi/liveness/v4/h5/get-result"


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request(
        "POST", URL, json={"signatureId": "abc"}, headers={"Host": "api.advance.ai", "X-ACCESS-TOKEN": "secret-token"}
    )
    return httpx.Response(status, json=body, headers=headers, request=request)


def envelope(
    code: str = "LIVENESS_NO_RESULT", message: str = "This token has no detection result", **fields: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "data": None,
        "extra": None,
        "transactionId": "a2190c8682344303",
        "pricingStrategy": "FREE",
    } | fields


SUCCESS_DATA = {
    "image": "AAAA",
    "imageFar": "AAAA",
    "imageNear": "AAAA",
    "farImageTime": 1,
    "nearImageTime": 2,
    "auditImageUrl": None,
}
SUCCESS_DATA |= {"score": 99, "cameraType": "WEB_CAMERA", "video": None, "attackType": None}


def test_a_documented_answer_conforms() -> None:
    assert assert_conforms("get_result", answer(envelope()))["code"] == "LIVENESS_NO_RESULT"
    assert_conforms("get_result", answer(envelope("SUCCESS", "OK", data=SUCCESS_DATA)))


@pytest.mark.parametrize(
    ("response", "failure", "says"),
    [
        (answer(envelope("SIGNATURE_GONE")), contract.UndocumentedCode, "code 'SIGNATURE_GONE' is not documented here"),
        (
            answer(envelope(), status=400),
            contract.WrongStatus,
            "HTTP 400 with code LIVENESS_NO_RESULT, which is documented with HTTP 200",
        ),
        (
            answer(envelope("CLIENT_ERROR", "HTTP 404 - Not Found")),
            contract.WrongStatus,
            "HTTP 200 with code CLIENT_ERROR, which is documented with HTTP 404",
        ),
        (
            answer(envelope("SUCCESS", "OK", data=SUCCESS_DATA | {"score": "99"})),
            contract.SchemaMismatch,
            "at data/score: '99' is not of type 'number'",
        ),
        (
            answer(envelope("SUCCESS", "OK", data={k: v for k, v in SUCCESS_DATA.items() if k != "image"})),
            contract.SchemaMismatch,
            "'image' is a required property",
        ),
        (answer(envelope(transactionId="")), contract.BadTransactionId, "transactionId '' is not a string of 1 to 64"),
        (answer(envelope(transactionId="x" * 65)), contract.BadTransactionId, "not a string of 1 to 64"),
        (
            answer(envelope(pricingStrategy="PAY")),
            contract.WrongPricing,
            "pricingStrategy 'PAY' for LIVENESS_NO_RESULT, documented 'FREE'",
        ),
        (
            answer(
                envelope(
                    "SERVICE_BUSY", "Rate limit is exceeded, please retry after the suggested time in HTTP Header."
                )
            ),
            contract.MissingRetryAfter,
            "SERVICE_BUSY without a Retry-After",
        ),
        (answer([1, 2]), contract.NotAnEnvelope, "not a JSON object envelope"),
    ],
)
def test_each_deviation_has_its_failure(
    response: httpx.Response, failure: type[contract.ContractFailure], says: str
) -> None:
    with pytest.raises(failure) as caught:
        assert_conforms("get_result", response)
    message = str(caught.value)
    assert says in message
    assert isinstance(caught.value, AssertionError)
    assert "reproduce: curl -sS -X POST 'http://127.0.0.1:8080/openapi/liveness/v4/h5/get-result'" in message
    assert "secret-token" not in message and '"X-ACCESS-TOKEN: $LIVENESS_ACCESS_TOKEN"' in message


@pytest.mark.parametrize("retry_after", ["10s", "10", " :10s"])
def test_busy_codes_carry_retry_after_and_may_be_http_429(retry_after: str) -> None:
    busy = envelope("SERVICE_BUSY", "Rate limit is exceeded, please retry after the suggested time in HTTP Header.")
    assert_conforms("get_result", answer(busy, headers={"Retry-After": retry_after}))
    assert_conforms("get_result", answer(busy, status=429, headers={"Retry-After": retry_after}))
    with pytest.raises(contract.WrongStatus):
        assert_conforms("get_result", answer(busy, status=503, headers={"Retry-After": retry_after}))


def test_an_expected_answer_is_checked_with_its_reason() -> None:
    with pytest.raises(
        contract.UnexpectedAnswer,
        match=r"expected PARAMETER_ERROR 'Parameter should not be empty' because signatureId removed; got LIVENESS_NO_RESULT",
    ):
        assert_conforms(
            "get_result",
            answer(envelope()),
            expect=("PARAMETER_ERROR", "Parameter should not be empty"),
            why="signatureId removed",
        )


def test_curl_keeps_the_host_and_body_and_masks_the_token() -> None:
    line = curl(answer(envelope()).request)
    assert line == (
        "curl -sS -X POST 'http://127.0.0.1:8080/openapi/liveness/v4/h5/get-result' -H 'Host: api.advance.ai' "
        '-H \'Content-Type: application/json\' -H "X-ACCESS-TOKEN: $LIVENESS_ACCESS_TOKEN" --data-raw \'{"signatureId":"abc"}\''
    )


def test_a_tencent_answer_goes_through_the_same_checks() -> None:
    """The catalog's protocol picks the envelope: Tencent's {"Response": ...} (file 004)."""
    example = json.loads(
        (fixtures_dir() / "examples" / "get_liveness_result.SUCCESS.1.json").read_text(encoding="utf-8")
    )
    assert assert_conforms("get_liveness_result", answer(example))["Response"]["Result"] == "1001"
    refused = {"Response": {"Error": {"Code": "AuthFailure.Nope", "Message": "x"}, "RequestId": "b8cb2269"}}
    with pytest.raises(contract.UndocumentedCode, match=r"code 'AuthFailure\.Nope' is not documented here"):
        assert_conforms("get_liveness_result", answer(refused))
    with pytest.raises(contract.BadTransactionId, match=r"Response\.RequestId None"):
        assert_conforms("get_liveness_result", answer({"Response": {**example["Response"], "RequestId": None}}))
