"""Token Authentication and X-ACCESS-TOKEN over real HTTP (file 003)."""

from __future__ import annotations

import time

import httpx
import pytest

from mock_server.contract.catalog import Catalog

from ..helpers import GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL, TOKEN_PATH, access_token, h5_session, signed_body

DOCS_SIGNATURE = "02209bbeaf0d0a3dd587f6a1ba22f84c98d142e3b545e77db7e4906ca56349f5"


def answer(http: httpx.Client, body: dict[str, object], host: str | None = None) -> tuple[str, str]:
    headers = {"Host": host} if host else {}
    envelope = http.post(TOKEN_PATH, json=body, headers=headers).json()
    return envelope["code"], envelope["message"]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def test_a_signed_request_gets_a_token_valid_for_an_hour(http: httpx.Client) -> None:
    before = http.get("/__admin/clock").json()["nowMs"]
    body = http.post(TOKEN_PATH, json=signed_body()).json()
    assert body["code"] == "SUCCESS" and body["pricingStrategy"] == "FREE"
    assert before + 3_600_000 <= body["data"]["expiredTime"] <= before + 3_610_000
    assert len(body["data"]["token"]) > 60 and body["data"]["token"].count(".") == 2


def test_tokens_are_unguessable_and_distinct(http: httpx.Client) -> None:
    tokens = {access_token(http) for _ in range(5)}
    assert len(tokens) == 5
    signatures = {t.rsplit(".", 1)[1] for t in tokens}
    assert len(signatures) == 5 and all(len(s) >= 64 for s in signatures)


def test_the_docs_vector_is_accepted_when_the_mock_clock_is_at_its_timestamp(http: httpx.Client) -> None:
    body = {"accessKey": "sampleaccesskey", "signature": DOCS_SIGNATURE, "timestamp": 1665993522952}
    assert answer(http, body) == ("PARAMETER_ERROR", "Timestamp error")
    http.post("/__admin/clock", json={"nowMs": 1665993522952 + 299_000})
    assert answer(http, body)[0] == "SUCCESS"
    assert answer(http, {**body, "timestamp": "1665993522952"})[0] == "SUCCESS"


def test_wall_clock_signatures_work_after_the_mock_clock_moved(http: httpx.Client) -> None:
    http.post("/__admin/clock", json={"advanceMs": 7 * 24 * 3_600_000})
    assert answer(http, signed_body())[0] == "SUCCESS"


@pytest.mark.parametrize("offset_ms", [-301_000, 301_000])
def test_a_timestamp_more_than_300_s_off_both_clocks_is_refused(http: httpx.Client, offset_ms: int) -> None:
    assert answer(http, signed_body(timestamp=now_ms() + offset_ms)) == ("PARAMETER_ERROR", "Timestamp error")


def test_a_timestamp_299_s_off_is_accepted(http: httpx.Client) -> None:
    assert answer(http, signed_body(timestamp=now_ms() - 299_000))[0] == "SUCCESS"


def test_a_wrong_signature_is_refused(http: httpx.Client) -> None:
    assert answer(http, signed_body(secret_key="wrongsecret")) == ("PARAMETER_ERROR", "Signature error")
    upper = signed_body()
    upper["signature"] = str(upper["signature"]).upper()
    assert answer(http, upper)[0] == "SUCCESS"


def test_an_unknown_access_key_is_iam_failed(http: httpx.Client) -> None:
    assert answer(http, signed_body(access_key="nobody")) == ("IAM_FAILED", "Access Key not found")


@pytest.mark.parametrize("missing", ["accessKey", "signature", "timestamp"])
def test_empty_fields(http: httpx.Client, missing: str) -> None:
    body = signed_body()
    assert answer(http, {k: v for k, v in body.items() if k != missing}) == (
        "PARAMETER_ERROR",
        "Parameter should not be empty",
    )
    assert answer(http, {**body, missing: ""}) == ("PARAMETER_ERROR", "Parameter should not be empty")


@pytest.mark.parametrize(("period", "lifetime_s"), [(60, 60), ("120", 120), (86400, 86400), (None, 3600)])
def test_period_second_sets_the_lifetime(http: httpx.Client, period: object, lifetime_s: int) -> None:
    now = http.get("/__admin/clock").json()["nowMs"]
    body = http.post(TOKEN_PATH, json=signed_body(periodSecond=period)).json()
    assert now + lifetime_s * 1000 <= body["data"]["expiredTime"] <= now + lifetime_s * 1000 + 10_000


@pytest.mark.parametrize("period", [59, 86401, 0, -5, "abc", 3.5])
def test_period_second_out_of_range_is_refused(http: httpx.Client, period: object) -> None:
    assert answer(http, signed_body(periodSecond=period)) == (
        "PARAMETER_ERROR",
        "Parameter error,please check you input.",
    )


def test_the_token_expires_at_expired_time_on_the_mock_clock(http: httpx.Client) -> None:
    token = access_token(http, periodSecond=60)
    headers = {"X-ACCESS-TOKEN": token}
    assert (
        http.post(GET_RESULT_PATH, json={"signatureId": "f302f5d2454a85c2"}, headers=headers).json()["code"]
        == "SIGNATURE_NOT_EXIST"
    )
    http.post("/__admin/clock", json={"advanceMs": 60_000})
    expired = http.post(GET_RESULT_PATH, json={"signatureId": "f302f5d2454a85c2"}, headers=headers).json()
    assert (expired["code"], expired["message"]) == ("IAM_FAILED", "Access denied: Token not found or expired")


@pytest.mark.parametrize("token", [None, "", "not-a-token", "eyJhbGciOiJIUzUxMiJ9.e30.forged"])
def test_every_other_endpoint_requires_a_known_token(http: httpx.Client, catalog: Catalog, token: str | None) -> None:
    headers = {} if token is None else {"X-ACCESS-TOKEN": token}
    for endpoint in catalog.endpoints.values():
        if endpoint.auth != "access_token":
            continue
        route = endpoint.routes[0]
        response = http.request(
            route.method,
            route.path,
            headers={**headers, "Host": route.host},
            json={} if route.method == "POST" else None,
        )
        assert (response.json()["code"], response.json()["message"]) == (
            "IAM_FAILED",
            "Access denied: Token not found or expired",
        ), endpoint.id


def test_token_authentication_is_served_on_every_host_and_tokens_work_everywhere(
    http: httpx.Client, catalog: Catalog
) -> None:
    for host in catalog.hosts_of("advance"):
        token = http.post(TOKEN_PATH, json=signed_body(), headers={"Host": host}).json()["data"]["token"]
        video = http.get(
            "/intl/openapi/liveness/ext/v1/get-video",
            params={"signatureId": "0" * 16},
            headers={"Host": "th-api.advance.ai", "X-ACCESS-TOKEN": token},
        )
        assert video.json()["code"] == "SIGNATURE_ID_NOT_EXIST"


def test_a_disabled_account_gets_account_disabled(http: httpx.Client) -> None:
    assert answer(http, signed_body("disabledaccesskey", "disabledsecretkey")) == (
        "ACCOUNT_DISABLED",
        "Account Disabled",
    )


def test_an_expired_account_gets_iam_failed(http: httpx.Client) -> None:
    assert answer(http, signed_body("expiredaccesskey", "expiredsecretkey")) == (
        "IAM_FAILED",
        "Account is expired. Please contact your sales manager for help",
    )


def test_a_restricted_account_is_refused_other_hosts_and_countries(http: httpx.Client) -> None:
    token = access_token(http, "idonlyaccesskey", "idonlysecretkey")
    headers = {"X-ACCESS-TOKEN": token}
    assert h5_session(http, token, region="IDN")["signatureId"]
    refused = http.post(GET_TOKEN_PATH, json={"returnUrl": RETURN_URL, "region": "PHL"}, headers=headers).json()
    assert (refused["code"], refused["message"]) == ("IAM_FAILED", "Account not authorized for this country")
    other_host = http.get(
        "/intl/openapi/liveness/ext/v1/get-video",
        params={"signatureId": "x"},
        headers={**headers, "Host": "sg-api.advance.ai"},
    )
    assert other_host.json()["message"] == "Account not authorized for this country"


def test_secrets_never_come_back_in_answers(http: httpx.Client) -> None:
    for body in (signed_body(), signed_body(secret_key="wrong"), signed_body(timestamp=1)):
        text = http.post(TOKEN_PATH, json=body).text
        assert "samplesecretkey" not in text and str(body["signature"]) not in text
