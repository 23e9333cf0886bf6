"""The tc3 guard: real TC3-HMAC-SHA256 verification, the five-minute window, regions, the rate limit."""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from tencentcloud.common import abstract_client

from mock_server.app import MockParts

from .conftest import SECRET_KEY, Tencent, error_code

SIX_MINUTES = 6 * 60


class _Clock:
    """Stands in for the ``time`` module the SDK reads its X-TC-Timestamp from."""

    def __init__(self, offset_s: float) -> None:
        self.offset_s = offset_s

    def time(self) -> float:
        return time.time() + self.offset_s


def test_a_wrong_secret_key_is_signature_failure(tencent: Tencent) -> None:
    client = tencent.faceid(secret_key="not" + SECRET_KEY)
    assert error_code(lambda: tencent.apply(client)) == "AuthFailure.SignatureFailure"


def test_an_unknown_secret_id_is_secret_id_not_found(tencent: Tencent) -> None:
    client = tencent.faceid(secret_id="AKIDnobodyhasthisid")
    assert error_code(lambda: tencent.apply(client)) == "AuthFailure.SecretIdNotFound"


@pytest.mark.parametrize("region", ["ap-guangzhou", "ap-bangkok", ""])
def test_a_region_the_action_does_not_serve_is_unsupported(tencent: Tencent, region: str) -> None:
    client = tencent.faceid(region=region)  # "" sends no X-TC-Region at all
    assert error_code(lambda: tencent.apply(client)) == "UnsupportedRegion"
    assert error_code(lambda: tencent.result("X", client)) == "UnsupportedRegion"


@pytest.mark.parametrize("region", ["ap-hongkong", "ap-jakarta", "ap-singapore"])
def test_the_documented_regions_are_served(tencent: Tencent, region: str) -> None:
    client = tencent.faceid(region=region)
    assert tencent.result(tencent.apply(client), client).Result == "0"


def test_a_signature_over_a_stale_timestamp_is_expired(tencent: Tencent, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(abstract_client, "time", _Clock(-SIX_MINUTES))  # the SDK signs correctly, six minutes ago
    assert error_code(tencent.apply) == "AuthFailure.SignatureExpire"
    monkeypatch.setattr(abstract_client, "time", _Clock(+SIX_MINUTES))
    assert error_code(tencent.apply) == "AuthFailure.SignatureExpire"
    monkeypatch.setattr(abstract_client, "time", _Clock(-4 * 60))
    assert tencent.apply()


def test_a_timestamp_near_the_moved_mock_clock_is_accepted(
    tencent: Tencent, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    http.post("/__admin/clock", json={"advanceMs": 3_600_000})
    assert tencent.apply()  # wall clock
    monkeypatch.setattr(abstract_client, "time", _Clock(3_600))
    assert tencent.apply()  # mock clock
    monkeypatch.setattr(abstract_client, "time", _Clock(1_800))
    assert error_code(tencent.apply) == "AuthFailure.SignatureExpire"  # near neither


def test_temporary_credentials_are_unknown_to_the_mock(tencent: Tencent) -> None:
    client = tencent.faceid()
    client.credential.token = "session-token"
    assert error_code(lambda: tencent.apply(client)) == "AuthFailure.TokenFailure"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer abc",
        "TC3-HMAC-SHA256 Credential=AKIDmocksampleid/2024-01-01/faceid/tc3_request, SignedHeaders=content-type;host",
        "TC3-HMAC-SHA256 Credential=AKIDmocksampleid/faceid/tc3_request, SignedHeaders=content-type;host, Signature="
        + "0" * 64,
        "TC3-HMAC-SHA256 Credential=AKIDmocksampleid/2024-01-01/faceid/tc3_request, SignedHeaders=host, Signature="
        + "0" * 64,
        "HMAC-SHA256 Credential=AKIDmocksampleid/2024-01-01/faceid/tc3_request, SignedHeaders=content-type;host, Signature="
        + "0" * 64,
    ],
)
def test_a_malformed_authorization_is_invalid_authorization(http: httpx.Client, authorization: str | None) -> None:
    headers = {"X-TC-Action": "ApplyLivenessToken", "X-TC-Version": "2018-03-01", "X-TC-Region": "ap-singapore"}
    headers["X-TC-Timestamp"] = str(int(time.time()))
    if authorization is not None:
        headers["Authorization"] = authorization
    response = http.post("/", json={}, headers=headers)
    assert response.status_code == 200
    assert response.json()["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"


def test_a_body_changed_after_signing_fails_the_signature(tencent: Tencent, monkeypatch: pytest.MonkeyPatch) -> None:
    client = tencent.common()
    build = client._build_req_with_tc3_signature

    def tamper(action, params, req, options=None):  # type: ignore[no-untyped-def]
        build(action, params, req, options)
        req.data = req.data.replace('"3"', '"4"')

    monkeypatch.setattr(client, "_build_req_with_tc3_signature", tamper)
    assert (
        error_code(lambda: client.call_json("ApplyLivenessToken", {"SecureLevel": "3"}))
        == "AuthFailure.SignatureFailure"
    )


def test_21_calls_within_one_second_exceed_the_rate_limit(tencent: Tencent) -> None:
    client = tencent.faceid()
    began = time.monotonic()
    tokens = [tencent.apply(client) for _ in range(20)]
    code = error_code(lambda: tencent.apply(client))
    elapsed = time.monotonic() - began
    assert elapsed < 1.0, f"21 calls took {elapsed:.2f} s: too slow to test a per-second limit"
    assert len(set(tokens)) == 20 and code == "RequestLimitExceeded"
    assert tencent.result(tokens[0], client).Result == "0"  # the limit is per action


def test_secrets_appear_in_no_answer_and_no_log(
    tencent: Tencent, parts: MockParts, caplog: pytest.LogCaptureFixture, http: httpx.Client
) -> None:
    caplog.set_level(logging.DEBUG)
    client = tencent.faceid(secret_key="wrong-secret-key")
    bodies = []
    for call in (lambda: tencent.apply(client), lambda: tencent.result("x", client)):
        with pytest.raises(Exception) as raised:
            call()
        bodies.append(str(raised.value))
    server_logs = [r.getMessage() for r in caplog.records if not r.name.startswith(("tencentcloud", "urllib3"))]
    text = "\n".join([*bodies, *server_logs, repr(parts.accounts.by_name("default"))])
    assert "wrong-secret-key" not in text and SECRET_KEY not in text and "Signature=" not in text


def test_a_language_other_than_the_two_documented_is_invalid(tencent: Tencent) -> None:
    client = tencent.faceid()
    client.profile.language = "fr-FR"
    assert error_code(lambda: tencent.apply(client)) == "InvalidParameterValue"
    client.profile.language = "zh-CN"
    assert tencent.apply(client)


@pytest.mark.parametrize(("timestamp", "code"), [(None, "MissingParameter"), ("soon", "InvalidParameter")])
def test_a_missing_or_malformed_timestamp(http: httpx.Client, timestamp: str | None, code: str) -> None:
    headers = {"X-TC-Action": "ApplyLivenessToken", "X-TC-Version": "2018-03-01", "X-TC-Region": "ap-singapore"}
    if timestamp is not None:
        headers["X-TC-Timestamp"] = timestamp
    assert http.post("/", json={}, headers=headers).json()["Response"]["Error"]["Code"] == code


def test_advancing_the_mock_clock_a_second_lifts_the_rate_limit(tencent: Tencent, http: httpx.Client) -> None:
    client = tencent.faceid()
    for _ in range(20):
        tencent.apply(client)
    assert error_code(lambda: tencent.apply(client)) == "RequestLimitExceeded"
    http.post("/__admin/clock", json={"advanceMs": 1_000})
    assert tencent.apply(client)
