"""The tc3 guard: real TC3-HMAC-SHA256 verification, the five-minute window, regions, the rate limit."""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from tencentcloud.common import abstract_client
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile

from mock_server.app import MockParts

from .conftest import SECRET_KEY, Tencent, error_code
from .signer import Signed, code_of, response_of, utc_date

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


# Written from the tc3 guard over real HTTP with hand-signed requests: every check in the order the

ACTIONS = ("ApplyLivenessToken", "GetLivenessResult")
REGIONS = ("ap-hongkong", "ap-jakarta", "ap-singapore")


def apply_token(http: httpx.Client) -> str:
    answer = response_of(Signed("ApplyLivenessToken").send(http))
    assert "Error" not in answer, answer
    return str(answer["SdkToken"])


def test_every_check_answers_in_the_documented_order(http: httpx.Client) -> None:
    """Start from a request with every problem and fix one at a time: each answer is the next row
    of the table of docs/tencent.md ("Checked in this order")."""
    host = {"Host": "faceid.tencentcloudapi.com"}
    assert code_of(http.post("/", json={}, headers=host)) == "MissingParameter"  # no X-TC-Action
    assert code_of(http.post("/", json={}, headers=host | {"X-TC-Action": "Nope"})) == "InvalidAction"
    put = http.put("/", json={}, headers=host | {"X-TC-Action": "GetLivenessResult", "X-TC-Version": "bad"})
    assert code_of(put) == "UnsupportedProtocol"
    request = Signed(
        body=b"not json",
        version=None,
        timestamp=int(time.time()) - 3600,
        secret_id="AKIDnobody",
        region="ap-guangzhou",
        sign_values={"host": "elsewhere"},  # the signature will not verify
        extra={"Content-Type": "text/plain", "X-TC-Timestamp": "soon", "X-TC-Language": "fr-FR", "X-TC-Token": "t"},
    )
    ladder: list[tuple[str, dict[str, object], tuple[str, ...]]] = [  # code, then what to fix for the next
        ("InvalidParameter", {"body": b'{"Extra": 1}'}, ("Content-Type",)),  # the body
        ("MissingParameter", {"version": "2017-03-12"}, ()),  # X-TC-Version
        ("NoSuchVersion", {"version": "2018-03-01"}, ()),
        ("InvalidParameter", {}, ("X-TC-Timestamp",)),  # X-TC-Timestamp "soon"
        ("InvalidParameterValue", {}, ("X-TC-Language",)),
        ("AuthFailure.SignatureExpire", {"timestamp": None}, ()),
        ("AuthFailure.SecretIdNotFound", {"secret_id": "AKIDmocksampleid"}, ()),
        ("AuthFailure.SignatureFailure", {"sign_values": {}}, ()),
        ("AuthFailure.TokenFailure", {}, ("X-TC-Token",)),
        ("UnsupportedRegion", {"region": "ap-jakarta"}, ()),
        ("MissingParameter", {"body": b'{"SdkToken": 1, "Extra": 1}'}, ()),  # {"Extra": 1}: no SdkToken
        ("UnknownParameter", {"body": b'{"SdkToken": 1}'}, ()),
        ("InvalidParameter", {"body": b'{"SdkToken": "NOT-ISSUED"}'}, ()),
        ("InvalidParameterValue.BizTokenIllegal", {}, ()),
    ]
    seen = []
    for code, fixes, dropped in ladder:
        seen.append((code, code_of(request.send(http))))
        for name, value in fixes.items():
            setattr(request, name, value)
        for header in dropped:
            del request.extra[header]
    assert [got for _, got in seen] == [want for want, _ in seen]


def test_the_timestamp_check_comes_before_the_secret_id_and_a_missing_authorization_before_both(
    http: httpx.Client,
) -> None:
    stale = int(time.time()) - 3600
    assert code_of(Signed(timestamp=stale, secret_id="AKIDnobody").send(http)) == "AuthFailure.SignatureExpire"
    no_auth = Signed(timestamp=stale).headers()
    del no_auth["Authorization"]
    assert code_of(http.post("/", json={}, headers=no_auth)) == "AuthFailure.InvalidAuthorization"


def test_the_rate_limit_comes_after_the_region_and_before_the_parameters(http: httpx.Client) -> None:
    for _ in range(20):
        assert code_of(Signed(params={}).send(http)) == "MissingParameter"  # counted: past the guard
    assert code_of(Signed(params={}, region="ap-guangzhou").send(http)) == "UnsupportedRegion"
    assert code_of(Signed(params={}).send(http)) == "RequestLimitExceeded"


@pytest.mark.parametrize("offset_s", [-290, 290])
def test_a_timestamp_within_five_minutes_of_the_wall_clock_is_accepted(http: httpx.Client, offset_s: int) -> None:
    assert code_of(Signed("ApplyLivenessToken", timestamp=int(time.time()) + offset_s).send(http)) == "SUCCESS"


@pytest.mark.parametrize("offset_s", [-310, 310])
def test_a_timestamp_over_five_minutes_off_is_expired(http: httpx.Client, offset_s: int) -> None:
    signed = Signed("ApplyLivenessToken", timestamp=int(time.time()) + offset_s)
    assert code_of(signed.send(http)) == "AuthFailure.SignatureExpire"


@pytest.mark.parametrize("moved_s", [3600, -3600])
def test_the_window_holds_on_both_clocks_whichever_way_the_mock_clock_moved(http: httpx.Client, moved_s: int) -> None:
    wall_ms = http.get("/__admin/clock").json()["wallMs"]
    http.post("/__admin/clock", json={"nowMs": wall_ms + moved_s * 1000}).raise_for_status()
    now = int(time.time())
    assert code_of(Signed("ApplyLivenessToken", timestamp=now).send(http)) == "SUCCESS", "the wall clock"
    assert code_of(Signed("ApplyLivenessToken", timestamp=now + moved_s).send(http)) == "SUCCESS", "the mock clock"
    halfway = Signed("ApplyLivenessToken", timestamp=now + moved_s // 2)
    assert code_of(halfway.send(http)) == "AuthFailure.SignatureExpire", "near neither"


@pytest.mark.parametrize(
    "signed",
    [
        ("content-type", "host"),
        ("content-type", "host", "x-tc-action"),
        ("content-type", "host", "x-tc-action", "x-tc-region", "x-tc-timestamp", "x-tc-version"),
    ],
    ids=["minimal", "with-action", "all-x-tc"],
)
def test_more_signed_headers_verify(http: httpx.Client, signed: tuple[str, ...]) -> None:
    """The docs' own example signs content-type;host;x-tc-action (value lower-cased)."""
    assert code_of(Signed("ApplyLivenessToken", signed=signed).send(http)) == "SUCCESS"


def test_signed_header_values_are_compared_lower_cased_and_trimmed(http: httpx.Client) -> None:
    shouting = {"Host": "FaceID.TencentCloudAPI.com", "Content-Type": "Application/JSON; Charset=UTF-8"}
    signed = Signed("ApplyLivenessToken", extra=shouting, sign_values={k.lower(): v for k, v in shouting.items()})
    assert code_of(signed.send(http)) == "SUCCESS"


def test_a_signer_that_does_not_lower_case_a_value_fails(http: httpx.Client) -> None:
    """x-tc-action's value is ApplyLivenessToken on the wire; the canonical form is lower case."""
    signed = Signed(
        "ApplyLivenessToken",
        signed=("content-type", "host", "x-tc-action"),
        lower_values=False,
    )
    assert code_of(signed.send(http)) == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize(
    ("header", "sent"),
    [("x-tc-region", "ap-jakarta"), ("host", "faceid.localhost"), ("x-tc-timestamp", None)],
)
def test_a_signed_header_changed_after_signing_fails(http: httpx.Client, header: str, sent: str | None) -> None:
    signed = Signed("ApplyLivenessToken", signed=("content-type", "host", "x-tc-region", "x-tc-timestamp"))
    headers = signed.headers()
    name = {"x-tc-region": "X-TC-Region", "host": "Host", "x-tc-timestamp": "X-TC-Timestamp"}[header]
    headers[name] = sent if sent is not None else str(int(headers[name]) - 1)
    assert code_of(http.post("/", content=signed.content(), headers=headers)) == "AuthFailure.SignatureFailure"


def test_an_unsigned_payload_verifies_without_the_body(http: httpx.Client) -> None:
    signed = Signed("ApplyLivenessToken", params={"SecureLevel": "3"}, unsigned_payload=True)
    assert code_of(signed.send(http)) == "SUCCESS"
    tampered = signed.send(http, body=b'{"SecureLevel": "4"}')
    assert code_of(tampered) == "SUCCESS", "the body is not covered by an UNSIGNED-PAYLOAD signature"


def test_an_unsigned_payload_header_over_a_signed_body_fails(http: httpx.Client) -> None:
    signed = Signed("ApplyLivenessToken", unsigned_payload=True)
    headers = signed.headers()
    real = Signed("ApplyLivenessToken", timestamp=int(headers["X-TC-Timestamp"]))  # signed over the body
    headers["Authorization"] = real.headers()["Authorization"]
    assert code_of(http.post("/", content=signed.content(), headers=headers)) == "AuthFailure.SignatureFailure"


def test_the_sdk_with_unsigned_payload_works(tencent: Tencent) -> None:
    profile = ClientProfile(
        httpProfile=HttpProfile(endpoint=tencent.server.url.removeprefix("http://"), protocol="http")
    )
    profile.unsignedPayload = True
    client = tencent.faceid()
    client.profile = profile
    assert tencent.result(tencent.apply(client), client).Result == "0"


@pytest.mark.parametrize(
    ("scope", "why"),
    [({"service": "cvm"}, "another service"), ({"date": "2020-01-01"}, "another date")],
    ids=["service", "date"],
)
def test_a_correct_signature_over_the_wrong_scope_fails(http: httpx.Client, scope: dict[str, str], why: str) -> None:
    signed = Signed("ApplyLivenessToken", **scope)  # type: ignore[arg-type]
    assert code_of(signed.send(http)) == "AuthFailure.SignatureFailure", why


def test_the_date_of_the_scope_is_the_utc_date_of_the_timestamp(http: httpx.Client) -> None:
    now = int(time.time())
    assert code_of(Signed("ApplyLivenessToken", timestamp=now, date=utc_date(now)).send(http)) == "SUCCESS"


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("region", [*REGIONS, "ap-guangzhou", "ap-bangkok", "na-ashburn", "AP-SINGAPORE"])
def test_x_tc_region_per_action(http: httpx.Client, action: str, region: str) -> None:
    token = apply_token(http) if action == "GetLivenessResult" else None
    params = {"SdkToken": token} if token else {}
    got = code_of(Signed(action, params=params, region=region).send(http))
    assert got == ("SUCCESS" if region in REGIONS else "UnsupportedRegion")


def test_a_region_problem_does_not_hide_a_bad_signature(http: httpx.Client) -> None:
    signed = Signed("ApplyLivenessToken", region="ap-guangzhou", secret_key="wrong")
    assert code_of(signed.send(http)) == "AuthFailure.SignatureFailure"
