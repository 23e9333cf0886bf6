"""Signature v1 over real HTTP, hand-signed from Tencent's page (``v1_signer``): GET and POST, both
SignatureMethods, every check in order, the host a client signed, the parameters' forms, the
journal's masking."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.faceid.v20180301 import faceid_client

from mock_server.app import MockParts
from mock_server.contract.catalog import Catalog

from .conftest import REGION, SECRET_ID, Tencent, error_code
from .signer import Signed, code_of, response_of
from .v1_signer import SECRET_KEY, V1, rfc3986

TENCENT_HOSTS = ["faceid.tencentcloudapi.com", "faceid.intl.tencentcloudapi.com"]


def apply(http: httpx.Client, **options: Any) -> str:
    answer = response_of(V1(action="ApplyLivenessToken", **options).send(http))
    return str(answer["SdkToken"])


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("signature_method", ["HmacSHA256", "HmacSHA1", None])
def test_apply_then_get_result(http: httpx.Client, method: str, signature_method: str | None) -> None:
    token = apply(http, method=method, signature_method=signature_method, params={"SecureLevel": "3"})
    answer = response_of(V1(params={"SdkToken": token}, method=method, signature_method=signature_method).send(http))
    assert (answer["Result"], answer["Description"]) == ("0", "Success")
    assert answer["BestFrame"]["Url"].startswith(str(http.base_url).rstrip("/"))


@pytest.mark.parametrize("host", [*TENCENT_HOSTS, "faceid.localhost:8080", "localhost", "127.0.0.1:8080"])
def test_the_host_signed_is_the_host_header_as_sent(http: httpx.Client, host: str) -> None:
    assert code_of(V1(action="ApplyLivenessToken").send(http, headers={"Host": host})) == "SUCCESS"


def test_a_host_signed_without_its_port_is_accepted_another_host_is_not(http: httpx.Client) -> None:
    bare = http.base_url.host
    assert code_of(V1(action="ApplyLivenessToken", host=bare).send(http)) == "SUCCESS"
    for other in ("faceid.tencentcloudapi.com", f"{bare}:1", "localhost"):
        assert code_of(V1(action="ApplyLivenessToken", host=other).send(http)) == "AuthFailure.SignatureFailure"
    sent = {"Host": "faceid.intl.tencentcloudapi.com"}
    signed_public_name = V1(action="ApplyLivenessToken", host="faceid.tencentcloudapi.com")
    assert code_of(signed_public_name.send(http, headers=sent)) == "AuthFailure.SignatureFailure"


def test_nonce_zero_is_accepted(http: httpx.Client) -> None:
    """The page says "a random positive integer"; the Node SDKs draw Math.round(Math.random() * 65535)."""
    assert code_of(V1(action="ApplyLivenessToken", nonce=0).send(http)) == "SUCCESS"
    assert code_of(V1(action="ApplyLivenessToken", nonce=9223372036854775807).send(http)) == "SUCCESS"  # Python SDK


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_parameters_changed_after_signing_fail(http: httpx.Client, method: str) -> None:
    token = apply(http)
    for after in ({"SdkToken": token + "x"}, {"Region": "ap-jakarta"}, {"SignatureMethod": "HmacSHA1"}, {"Nonce": "1"}):
        request = V1(params={"SdkToken": token}, method=method, after=after)  # type: ignore[arg-type]
        assert code_of(request.send(http)) == "AuthFailure.SignatureFailure", after
    wrong_key = V1(params={"SdkToken": token}, method=method, secret_key="not" + SECRET_KEY)
    assert code_of(wrong_key.send(http)) == "AuthFailure.SignatureFailure"


def test_every_check_answers_in_the_documented_order(http: httpx.Client) -> None:
    """Start from a request with every problem and fix one at a time: each answer is the next row
    of docs/tencent.md's table, as for TC3."""
    request = V1(
        action="DetectAuth",
        params={"Extra": "1"},
        version=None,
        timestamp=int(time.time()) - 3600,
        nonce=None,
        secret_id="AKIDnobody",
        region="ap-guangzhou",
        secret_key="not" + SECRET_KEY,
        extra={"Language": "fr-FR", "Token": "temporary"},
        after={"Timestamp": "soon"},
    )
    ladder: list[tuple[str, dict[str, Any]]] = [  # code, then what to fix for the next
        ("InvalidAction", {"action": "GetLivenessResult"}),
        ("MissingParameter", {"version": "2017-03-12"}),  # Version
        ("NoSuchVersion", {"version": "2018-03-01"}),
        ("InvalidParameter", {"after": {}}),  # Timestamp "soon"
        ("InvalidParameterValue", {"extra": {"Token": "temporary"}}),  # Language
        ("MissingParameter", {"nonce": None, "after": {"Nonce": "-1"}}),  # no Nonce
        ("InvalidParameter", {"after": {}, "nonce": 7}),  # Nonce "-1"
        ("AuthFailure.SignatureExpire", {"timestamp": None}),
        ("AuthFailure.SecretIdNotFound", {"secret_id": "AKIDmocksampleid"}),
        ("AuthFailure.SignatureFailure", {"secret_key": SECRET_KEY}),
        ("AuthFailure.TokenFailure", {"extra": {}}),
        ("UnsupportedRegion", {"region": "ap-jakarta"}),
        ("MissingParameter", {"params": {"SdkToken": "x", "Extra": "1"}}),  # no SdkToken
        ("UnknownParameter", {"params": {"SdkToken": "NOT-ISSUED"}}),
        ("InvalidParameterValue.BizTokenIllegal", {}),
    ]
    seen = []
    for code, fixes in ladder:
        seen.append((code, code_of(request.send(http))))
        for name, value in fixes.items():
            setattr(request, name, value)
    assert [got for _, got in seen] == [want for want, _ in seen]


@pytest.mark.parametrize("missing", ["SecretId", "Signature", "Nonce", "Timestamp", "Version"])
def test_a_missing_common_parameter_is_missing_parameter(http: httpx.Client, missing: str) -> None:
    assert code_of(V1(action="ApplyLivenessToken", after={missing: None}).send(http)) == "MissingParameter"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "MissingParameter"),  # no Action
        (b"Action=&Version=2018-03-01", "MissingParameter"),
        (b"Action=Nope", "InvalidAction"),
        (b"Action=GetLivenessResult&Action=ApplyLivenessToken", "InvalidParameter"),  # one value per name
        (b"Action=GetLivenessResult&SdkToken=%E6%B5", "InvalidParameter"),  # not UTF-8
        (b"Action=GetLivenessResult&SdkToken=%zz", "InvalidParameter"),
        (b"x" * ((1 << 20) + 1), "RequestSizeLimitExceeded"),
    ],
)
def test_unreadable_forms_answer_in_tencents_envelope(http: httpx.Client, content: bytes, code: str) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    assert code_of(http.post("/", content=content, headers=form)) == code
    assert code_of(http.post("/", content=content, headers=form | {"Host": TENCENT_HOSTS[1]})) == code


def test_a_post_with_a_query_is_invalid_parameter(http: httpx.Client) -> None:
    """Which parameters were signed would be ambiguous; no SDK sends one."""
    encoded = V1(action="ApplyLivenessToken").encoded(http.base_url.netloc.decode())
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert code_of(http.post("/?Language=en-US", content=encoded, headers=form)) == "InvalidParameter"


def test_a_get_over_32_kb_is_request_size_limit_exceeded(http: httpx.Client) -> None:
    request = V1(method="GET", params={"SdkToken": "x" * (32 * 1024)})
    assert code_of(request.send(http)) == "RequestSizeLimitExceeded"


def test_names_that_make_no_single_value_are_invalid_parameter(http: httpx.Client) -> None:
    request = V1(params={"SdkToken": "x", "SdkToken.0": "y"})
    assert code_of(request.send(http)) == "InvalidParameter"


def test_values_are_text_typed_by_the_actions_schema(http: httpx.Client) -> None:
    """v1 carries no types: a value is the schema's type when its text reads as one. SecureLevel and
    SdkToken are strings, so ``SecureLevel=4`` is "4" (TC3's JSON ``4`` is InvalidParameterValue)
    and ``SdkToken=123`` is the token "123"."""
    assert code_of(V1(action="ApplyLivenessToken", params={"SecureLevel": 4}).send(http)) == "SUCCESS"
    assert code_of(Signed(action="ApplyLivenessToken", params={"SecureLevel": 4}).send(http)) == "InvalidParameterValue"
    assert code_of(V1(params={"SdkToken": 123}).send(http)) == "InvalidParameterValue.BizTokenIllegal"
    assert code_of(Signed(params={"SdkToken": 123}).send(http)) == "InvalidParameter"
    assert code_of(V1(action="ApplyLivenessToken", params={"SecureLevel": "9"}).send(http)) == "InvalidParameterValue"


def test_errors_are_http_200_envelopes_with_the_catalogs_messages(http: httpx.Client, catalog: Catalog) -> None:
    response = V1(action="ApplyLivenessToken", secret_key="wrong").send(http)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    error = response.json()["Response"]["Error"]
    spec = catalog.endpoints["apply_liveness_token"].code("AuthFailure.SignatureFailure")
    assert error == {"Code": "AuthFailure.SignatureFailure", "Message": next(iter(spec.messages.values()))}


def test_other_hosts_keep_what_is_not_v1_for_advance_ai(http: httpx.Client) -> None:
    assert http.get("/").status_code == 404  # no Action, no Signature: not Tencent's
    assert http.get("/", params={"livenessId": "x"}).json()["code"] == "CLIENT_ERROR"
    assert http.post("/", json={"Action": "GetLivenessResult"}).status_code == 404  # JSON without X-TC-Action
    assert code_of(http.get("/", params={"Action": "GetLivenessResult"})) == "MissingParameter"  # v1, no Version
    assert code_of(http.get("/", headers={"Host": TENCENT_HOSTS[0]})) == "MissingParameter"  # no Action


def test_v1_and_tc3_share_the_rate_limit(http: httpx.Client, parts: MockParts) -> None:
    parts.clock.set(parts.clock.wall_ms())  # a stopped clock: the window cannot slide meanwhile
    for index in range(20):
        request = V1(action="ApplyLivenessToken", method="GET" if index % 2 else "POST")
        assert code_of(request.send(http)) == "SUCCESS"
    assert code_of(V1(action="ApplyLivenessToken").send(http)) == "RequestLimitExceeded"
    assert code_of(Signed(action="ApplyLivenessToken").send(http)) == "RequestLimitExceeded"
    assert code_of(V1().send(http)) == "MissingParameter"  # another action: its own window


def test_the_journal_masks_the_signature_and_secret_id_of_forms_and_queries(http: httpx.Client) -> None:
    token = apply(http)
    get = V1(method="GET", params={"SdkToken": token}, extra={"Token": "tmp-credential"})
    sent = [get.signed(http.base_url.netloc.decode())]
    get.send(http)
    unknown = V1(action="Nope", extra={"Token": "tmp-credential"})  # a miss: the form body is kept as text
    sent.append(unknown.signed(http.base_url.netloc.decode()))
    unknown.send(http)
    entries = http.get("/__admin/requests").json()["requests"]
    text = http.get("/__admin/requests").text + http.get("/__admin/near-misses").text
    for params in sent:
        for secret in (params["Signature"], params["SecretId"], "tmp-credential"):
            assert secret not in text and rfc3986(secret) not in text
    missed, got, applied = entries[0], entries[1], entries[2]
    assert "Signature=***" in missed["body"] and "SecretId=***" in missed["body"] and "Token=***" in missed["body"]
    assert "Signature=***" in got["query"] and "SecretId=***" in got["query"] and f"SdkToken={token}" in got["query"]
    assert got["body"] == {"SdkToken": token} and (got["endpoint"], got["code"]) == (
        "get_liveness_result",
        "AuthFailure.TokenFailure",
    )
    assert applied["body"] == {} and applied["code"] == "SUCCESS"  # the action's own parameters: none


@pytest.mark.parametrize("request_method", ["POST", "GET"])
@pytest.mark.parametrize("sign_method", ["HmacSHA256", "HmacSHA1"])
def test_the_python_sdk_signs_v1_too(tencent: Tencent, request_method: str, sign_method: str) -> None:
    """tencentcloud-sdk-python-intl-en with signMethod HmacSHA256/HmacSHA1: v1, the host signed with its port."""
    http_profile = HttpProfile(
        endpoint=tencent.server.url.removeprefix("http://"), protocol="http", reqMethod=request_method
    )
    profile = ClientProfile(signMethod=sign_method, httpProfile=http_profile)
    client = tencent._keep(faceid_client.FaceidClient(credential.Credential(SECRET_ID, SECRET_KEY), REGION, profile))
    assert tencent.result(tencent.apply(client), client).Result == "0"
    wrong = tencent._keep(faceid_client.FaceidClient(credential.Credential(SECRET_ID, "x"), REGION, profile))
    assert error_code(lambda: tencent.apply(wrong)) == "AuthFailure.SignatureFailure"


def test_a_v1_caller_is_its_secret_id_for_scenarios_as_under_tc3(http: httpx.Client) -> None:
    once = {"match": {"endpoint": "apply_liveness_token", "first": 1}, "respond": {"code": "InternalError"}}
    scenario = {
        "name": "tencent-busy-once",
        "rules": [{"name": "busy", **once}, {"name": "ok", "match": {}, "respond": {}}],
    }
    assert http.post("/__admin/scenarios", json=scenario).status_code in (200, 201)
    http.delete("/__admin/scenarios/tencent-busy-once")  # reachable through the header only
    header = {"X-Mock-Scenario": "tencent-busy-once"}
    v1 = V1(action="ApplyLivenessToken")
    assert [code_of(v1.send(http, headers=header)) for _ in range(2)] == ["InternalError", "SUCCESS"]
    assert code_of(Signed(action="ApplyLivenessToken", extra=header).send(http)) == "SUCCESS"  # the same SecretId
    other = V1(action="ApplyLivenessToken", secret_id="AKIDanothercaller")
    assert code_of(other.send(http, headers=header)) == "InternalError"  # another caller's first call
