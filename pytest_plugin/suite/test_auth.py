"""Token Authentication and the access token every other endpoint requires."""

from __future__ import annotations

import pytest

from pytest_plugin import spec
from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms
from pytest_plugin.mock import LivenessMock
from pytest_plugin.target import Credentials, now_ms

pytestmark = pytest.mark.liveness_contract

PROTECTED = [e for e in spec.advance_endpoints() if spec.endpoint(e).auth == "access_token"]
HOUR_MS = 3_600_000


def message(endpoint_id: str, code: str, key: str) -> str:
    return spec.endpoint(endpoint_id).code(code).message(key)


def token_call(api: LivenessClient, body: dict[str, object]) -> dict[str, object]:
    return dict(assert_conforms("token_authentication", api.call("token_authentication", body).response))


def test_signed_credentials_get_a_token(liveness_api: LivenessClient, liveness_credentials: Credentials) -> None:
    body = token_call(liveness_api, liveness_credentials.signed_body(periodSecond=600))
    assert body["code"] == "SUCCESS", body
    data = body["data"]
    assert isinstance(data, dict) and data["token"]
    assert abs(int(data["expiredTime"]) - (now_ms() + 600_000)) < 120_000, "periodSecond=600 sets the expiry"


def test_an_unknown_access_key_is_refused(liveness_api: LivenessClient) -> None:
    body = token_call(liveness_api, Credentials("nosuchaccesskey0", "nosuchsecret").signed_body())
    assert (body["code"], body["message"]) == (
        "IAM_FAILED",
        message("token_authentication", "IAM_FAILED", "access_key_not_found"),
    )


def test_a_wrong_signature_is_refused(liveness_api: LivenessClient, liveness_credentials: Credentials) -> None:
    body = token_call(liveness_api, Credentials(liveness_credentials.access_key, "not-the-secret").signed_body())
    assert (body["code"], body["message"]) == (
        "PARAMETER_ERROR",
        message("token_authentication", "PARAMETER_ERROR", "signature"),
    )


def test_a_stale_timestamp_is_refused(liveness_api: LivenessClient, liveness_credentials: Credentials) -> None:
    body = token_call(liveness_api, liveness_credentials.signed_body(timestamp_ms=now_ms() - HOUR_MS))
    assert (body["code"], body["message"]) == (
        "PARAMETER_ERROR",
        message("token_authentication", "PARAMETER_ERROR", "timestamp"),
    )


@pytest.mark.parametrize("endpoint", PROTECTED)
@pytest.mark.parametrize("token", [None, "not-a-token"], ids=["no-token", "garbage-token"])
def test_protected_endpoints_refuse_a_missing_or_bad_token(
    liveness_api: LivenessClient, endpoint: str, token: str | None
) -> None:
    headers = {"X-ACCESS-TOKEN": token} if token else {}
    answer = liveness_api.call(endpoint, {"signatureId": "0123456789abcdef"}, auth=False, headers=headers)
    body = assert_conforms(endpoint, answer.response)
    assert body["code"] == "IAM_FAILED", body
    assert body["message"] in spec.endpoint(endpoint).code("IAM_FAILED").messages.values()


@pytest.mark.mock_only
def test_an_expired_token_is_refused_and_the_client_renews_it(
    liveness_api: LivenessClient, liveness_mock: LivenessMock
) -> None:
    old = liveness_api.access_token()
    liveness_mock.advance_clock(2 * HOUR_MS)
    refused = liveness_api.call("get_result", {"signatureId": "0123456789abcdef"}, headers={"X-ACCESS-TOKEN": old})
    assert refused.code == "IAM_FAILED", refused
    renewed = liveness_api.call("get_result", {"signatureId": "0123456789abcdef"})
    assert renewed.code == "SIGNATURE_NOT_EXIST", renewed
    assert liveness_api.access_token() != old
