"""The liveness session journey: as far as a sandbox goes without a person (create, poll, unknown
ids, clear-data), then all of it on the mock (completion, results, media, video, SDK records)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms
from pytest_plugin.mock import LivenessMock
from pytest_plugin.target import now_ms

pytestmark = pytest.mark.liveness_contract

RETURN_URL = "https://www.example.com/liveness/back"
UNKNOWN_HEX, UNKNOWN_UUID = "0123456789abcdef", "00000000-0000-4000-8000-000000000000"
JPEG, MP4_BOX = b"\xff\xd8\xff", b"ftyp"


def code_of(api: LivenessClient, endpoint: str, params: dict[str, Any], host: str | None = None) -> str:
    """Call, check the answer against the contract, return its code."""
    return str(assert_conforms(endpoint, api.call(endpoint, params, host).response)["code"])


def new_session(api: LivenessClient) -> dict[str, Any]:
    body = assert_conforms("get_token", api.call("get_token", {"returnUrl": RETURN_URL, "region": "IDN"}).response)
    assert body["code"] == "SUCCESS", body
    return dict(body["data"])


def test_a_new_session_has_no_result_yet(liveness_api: LivenessClient) -> None:
    session = new_session(liveness_api)
    assert session["url"].startswith(("http://", "https://"))
    assert code_of(liveness_api, "get_result", {"signatureId": session["signatureId"]}) == "LIVENESS_NO_RESULT"


def test_an_idvs_session_has_a_url_that_expires(liveness_api: LivenessClient) -> None:
    body = assert_conforms(
        "generate_url", liveness_api.call("generate_url", {"returnUrl": RETURN_URL, "region": "PHL"}).response
    )
    assert body["code"] == "SUCCESS", body
    assert body["data"]["expiredTime"] > now_ms(), "the page URL is still valid when handed out"


@pytest.mark.parametrize(
    ("endpoint", "params", "code"),
    [
        ("get_result", {"signatureId": UNKNOWN_HEX}, "SIGNATURE_NOT_EXIST"),
        ("liveness_detection", {"livenessId": UNKNOWN_UUID}, "LIVENESS_ID_NOT_EXISTED"),
        ("liveness_detection", {"signatureId": UNKNOWN_HEX}, "RESULT_NOT_FOUND"),
        ("get_video", {"livenessId": UNKNOWN_UUID}, "LIVENESS_ID_NOT_EXIST"),
        ("get_video", {"signatureId": UNKNOWN_HEX}, "SIGNATURE_ID_NOT_EXIST"),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(v),
)
def test_unknown_ids_get_their_documented_code(
    liveness_api: LivenessClient, endpoint: str, params: dict[str, Any], code: str
) -> None:
    assert code_of(liveness_api, endpoint, params) == code


def test_clear_data_removes_a_session_and_is_idempotent(liveness_api: LivenessClient) -> None:
    signature_id = new_session(liveness_api)["signatureId"]
    assert code_of(liveness_api, "pii_clear_data", {"signatureId": signature_id}) == "SUCCESS"
    assert code_of(liveness_api, "pii_clear_data", {"signatureId": signature_id}) == "SUCCESS"
    assert code_of(liveness_api, "get_result", {"signatureId": signature_id}) == "RESULT_NOT_FOUND"


@pytest.mark.mock_only
def test_the_whole_journey_on_the_mock(liveness_api: LivenessClient, liveness_mock: LivenessMock) -> None:
    signature_id = new_session(liveness_api)["signatureId"]
    liveness_mock.complete(signature_id, "pass")
    result = assert_conforms("get_result", liveness_api.call("get_result", {"signatureId": signature_id}).response)
    assert result["code"] == "SUCCESS" and result["data"]["score"] >= 50, result
    detection = assert_conforms(
        "liveness_detection", liveness_api.call("liveness_detection", {"signatureId": signature_id}).response
    )
    assert detection["pricingStrategy"] == "PAY"
    image = liveness_api.fetch(detection["data"]["imageFarUrl"])
    assert image.status_code == 200 and image.content.startswith(JPEG)
    video = assert_conforms("get_video", liveness_api.call("get_video", {"signatureId": signature_id}).response)
    assert MP4_BOX in liveness_api.fetch(video["data"]["videoUrl"]).content[:16]
    assert code_of(liveness_api, "pii_clear_data", {"signatureId": signature_id}) == "SUCCESS"
    assert code_of(liveness_api, "get_result", {"signatureId": signature_id}) == "RESULT_NOT_FOUND"
    assert liveness_api.fetch(detection["data"]["imageFarUrl"]).status_code == 404, "clear-data revokes media links"


@pytest.mark.mock_only
def test_an_sdk_record_reports_base64_images_and_a_video(
    liveness_api: LivenessClient, liveness_mock: LivenessMock
) -> None:
    liveness_id = liveness_mock.liveness_record("pass")
    params = {"livenessId": liveness_id, "resultType": "IMAGE_BASE64"}
    detection = assert_conforms("liveness_detection", liveness_api.call("liveness_detection", params).response)
    assert base64.b64decode(detection["data"]["detectionResult"]).startswith(JPEG)
    assert code_of(liveness_api, "get_video", {"livenessId": liveness_id}) == "SUCCESS"


@pytest.mark.mock_only
@pytest.mark.parametrize("outcome", ["pass", "fail", "presentation_attack", "no_face", "face_occluded"])
def test_each_outcome_is_reported_as_documented(
    liveness_api: LivenessClient, liveness_mock: LivenessMock, outcome: str
) -> None:
    signature_id = new_session(liveness_api)["signatureId"]
    expected = liveness_mock.complete(signature_id, outcome)["code"]
    assert code_of(liveness_api, "get_result", {"signatureId": signature_id}) == expected
