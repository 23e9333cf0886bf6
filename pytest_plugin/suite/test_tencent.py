"""Tencent Cloud FaceID (file 004): ApplyLivenessToken then GetLivenessResult, TC3-signed, on the
mock and on Tencent's own endpoint (``--liveness-target=sandbox`` with TENCENTCLOUD_SECRET_ID /
TENCENTCLOUD_SECRET_KEY); unknown tokens and each signing mistake get their documented codes."""

from __future__ import annotations

import pytest

from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms
from pytest_plugin.mock import LivenessMock
from pytest_plugin.options import LivenessOptions
from pytest_plugin.tc3 import Tc3Signer, TencentCredentials

pytestmark = pytest.mark.liveness_contract

UNKNOWN_TOKEN = "00000000-0000-4000-8000-000000000000"
FIVE_MINUTES_S = 300  # "Timestamp and server time cannot differ by more than five minutes"
JPEG = b"\xff\xd8\xff"


def applied_token(api: LivenessClient) -> str:
    body = assert_conforms("apply_liveness_token", api.call("apply_liveness_token", {}).response)
    answer = body["Response"]
    assert "Error" not in answer and answer["SdkToken"], body
    return str(answer["SdkToken"])


def test_an_applied_token_has_a_documented_result(liveness_tencent_api: LivenessClient) -> None:
    token = applied_token(liveness_tencent_api)
    result = liveness_tencent_api.call("get_liveness_result", {"SdkToken": token})
    assert_conforms("get_liveness_result", result.response)


def test_an_unknown_token_is_illegal(liveness_tencent_api: LivenessClient) -> None:
    answer = liveness_tencent_api.call("get_liveness_result", {"SdkToken": UNKNOWN_TOKEN})
    assert_conforms(
        "get_liveness_result",
        answer.response,
        expect=("InvalidParameterValue.BizTokenIllegal", ""),
        why="no one applied for this SdkToken",
    )


def signer(options: LivenessOptions, *, secret_id: str | None = None, secret_key: str | None = None) -> Tc3Signer:
    credentials = TencentCredentials(
        secret_id or options.tencent_secret_id or "", secret_key or options.tencent_secret_key or ""
    )
    return Tc3Signer(credentials)


@pytest.mark.parametrize(
    ("mistake", "code"),
    [
        ("wrong SecretKey", "AuthFailure.SignatureFailure"),
        ("unknown SecretId", "AuthFailure.SecretIdNotFound"),
        ("clock ten minutes behind", "AuthFailure.SignatureExpire"),
    ],
)
def test_a_signing_mistake_gets_its_auth_failure(
    liveness_tencent_api: LivenessClient, liveness_options: LivenessOptions, mistake: str, code: str
) -> None:
    wrong = {
        "wrong SecretKey": signer(liveness_options, secret_key="not-the-secret-key"),
        "unknown SecretId": signer(liveness_options, secret_id="AKIDnosuchsecretid0000000000000000000"),
        "clock ten minutes behind": Tc3Signer(signer(liveness_options).credentials, skew_s=-2 * FIVE_MINUTES_S),
    }[mistake]
    answer = liveness_tencent_api.call("get_liveness_result", {"SdkToken": UNKNOWN_TOKEN}, signer=wrong)
    assert_conforms("get_liveness_result", answer.response, expect=(code, ""), why=mistake)


@pytest.mark.mock_only
def test_on_the_mock_a_token_reports_success_and_serves_its_evidence(
    liveness_tencent_api: LivenessClient, liveness_mock: LivenessMock
) -> None:
    token = applied_token(liveness_tencent_api)
    answer = liveness_tencent_api.call("get_liveness_result", {"SdkToken": token})
    assert (answer.code, answer.data["Result"]) == ("SUCCESS", "0"), answer
    best_frame = liveness_tencent_api.fetch(answer.data["BestFrame"]["Url"])
    assert best_frame.status_code == 200 and best_frame.content.startswith(JPEG)
    assert len(best_frame.content) == answer.data["BestFrame"]["Size"]
