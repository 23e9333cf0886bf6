"""Token Authentication and X-ACCESS-TOKEN over real HTTP (file 003)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from mock_server.advance.auth import expected_signature
from mock_server.contract.catalog import Catalog

from ..conftest import VENDOR_DOCS
from ..helpers import GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL, TOKEN_PATH, access_token, h5_session, signed_body
from ..vendor_client import GENERIC_TEXT, Vendor, is_ms_timestamp, page_token, set_clock

DOCS_SIGNATURE = "02209bbeaf0d0a3dd587f6a1ba22f84c98d142e3b545e77db7e4906ca56349f5"  # 003 line 240


def answer(http: httpx.Client, body: Any, host: str | None = None) -> tuple[str, str]:
    """Token Authentication's (code, message); every answer of it is HTTP 200 with an envelope."""
    headers = {"Host": host} if host else {}
    response = http.post(TOKEN_PATH, json=body, headers=headers)
    assert response.status_code == 200, (response.status_code, response.text[:200])
    envelope = response.json()
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
            OWN_IAM_FAILED.get(endpoint.id, "Access denied: Token not found or expired"),
        ), endpoint.id


# The most specific page wins (shared/seeds/README.md): Get Video's page (000) has its own text.
OWN_IAM_FAILED = {"get_video": "Access denied due to identity or access management certification failed"}


@pytest.mark.parametrize("route", ["/liveness/ext/v1/get-video", "/intl/openapi/liveness/ext/v1/get-video"])
@pytest.mark.parametrize("token", [None, "unknown"])
def test_get_video_refuses_a_token_with_its_own_pages_text(http: httpx.Client, route: str, token: str | None) -> None:
    """000: IAM_FAILED "Access denied due to identity or access management certification failed"."""
    seed = (VENDOR_DOCS / "000_6968c203abdaa5d0.txt").read_text(encoding="utf-8")
    headers = {} if token is None else {"X-ACCESS-TOKEN": token}
    body = http.get(route, params={"signatureId": "f302f5d2454a85c2"}, headers=headers).json()
    assert body["code"] == "IAM_FAILED"
    assert f'"message":"{body["message"]}"' in seed
    assert body["message"] == OWN_IAM_FAILED["get_video"]


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


# Written from issue 3, Token Authentication, X-ACCESS-TOKEN and the mock clock (file 003; issue points 2, 3).

DOCS_TS = 1665993522952


def vector(**overrides: Any) -> dict[str, Any]:
    return {"accessKey": "sampleaccesskey", "signature": DOCS_SIGNATURE, "timestamp": DOCS_TS, **overrides}


@pytest.mark.parametrize(
    ("clock_minus_timestamp_ms", "code"),
    [(-299_000, "SUCCESS"), (-301_000, "PARAMETER_ERROR"), (301_000, "PARAMETER_ERROR")],
    ids=["timestamp 299 s ahead", "timestamp 301 s ahead", "timestamp 301 s behind"],
)
def test_the_docs_vector_against_the_300_s_window_of_the_mock_clock(
    http: httpx.Client, clock_minus_timestamp_ms: int, code: str
) -> None:
    set_clock(http, DOCS_TS + clock_minus_timestamp_ms)
    got = answer(http, vector())
    assert got[0] == code
    if code != "SUCCESS":
        assert got == ("PARAMETER_ERROR", "Timestamp error")


@pytest.mark.parametrize(
    "timestamp",
    [
        166599352295,  # 12 digits (seconds-like)
        16659935229520,  # 14 digits
        "166599352295",
        "16659935229520",
        "2022-10-17T08:38:42Z",
        -DOCS_TS,
        True,
        " 1665993522952",
        "1665993522952.0",
        [DOCS_TS],
    ],
)
def test_a_malformed_timestamp_is_timestamp_error(http: httpx.Client, timestamp: object) -> None:
    set_clock(http, DOCS_TS)
    assert answer(http, vector(timestamp=timestamp)) == ("PARAMETER_ERROR", "Timestamp error")


def test_a_json_float_timestamp_is_answered_not_a_server_error(http: httpx.Client) -> None:
    """A client that keeps times as doubles sends 1665993522952.0; the mock must answer an envelope."""
    set_clock(http, DOCS_TS)
    response = http.post(
        TOKEN_PATH,
        content=b'{"accessKey":"sampleaccesskey","signature":"%s","timestamp":1665993522952.0}'
        % DOCS_SIGNATURE.encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200, response.text[:200]
    assert response.json()["code"] in ("SUCCESS", "PARAMETER_ERROR")


def test_a_non_ascii_signature_is_a_signature_error(http: httpx.Client) -> None:
    assert answer(http, {**signed_body(), "signature": "é" * 64}) == ("PARAMETER_ERROR", "Signature error")


def test_the_documented_check_order(http: httpx.Client) -> None:
    """docs/journey.md: schema, accessKey, timestamp window, signature, account status."""
    stale = 1_000_000_000_000
    assert answer(http, signed_body(access_key="nobody", timestamp=stale)) == ("IAM_FAILED", "Access Key not found")
    assert answer(http, signed_body(secret_key="wrong", timestamp=stale)) == ("PARAMETER_ERROR", "Timestamp error")
    assert answer(http, signed_body("disabledaccesskey", "wrong")) == ("PARAMETER_ERROR", "Signature error")
    assert answer(http, {"accessKey": "sampleaccesskey", "timestamp": DOCS_TS}) == (
        "PARAMETER_ERROR",
        "Parameter should not be empty",
    )


@pytest.mark.parametrize(("period", "seconds"), [("60", 60), ("86400", 86400), (86400, 86400), (60, 60)])
def test_period_second_bounds_give_exact_lifetimes(http: httpx.Client, period: object, seconds: int) -> None:
    before = http.get("/__admin/clock").json()["nowMs"]
    body = http.post(TOKEN_PATH, json=signed_body(periodSecond=period)).json()
    assert body["code"] == "SUCCESS"
    expired = body["data"]["expiredTime"]
    assert is_ms_timestamp(expired)
    assert before + seconds * 1000 <= expired <= before + seconds * 1000 + 5_000


@pytest.mark.parametrize("period", ["59", "86401", "3600s", "-60", [3600], {"s": 60}])
def test_period_second_outside_60_to_86400_is_refused(http: httpx.Client, period: object) -> None:
    assert answer(http, signed_body(periodSecond=period)) == ("PARAMETER_ERROR", GENERIC_TEXT)


def test_a_token_is_valid_until_its_expired_time_and_not_at_it(http: httpx.Client) -> None:
    body = http.post(TOKEN_PATH, json=signed_body(periodSecond=60)).json()["data"]
    headers = {"X-ACCESS-TOKEN": body["token"]}

    def code() -> str:
        return str(http.post(GET_RESULT_PATH, json={"signatureId": "0" * 16}, headers=headers).json()["code"])

    set_clock(http, body["expiredTime"] - 2_000)
    assert code() == "SIGNATURE_NOT_EXIST"
    set_clock(http, body["expiredTime"])
    assert code() == "IAM_FAILED"
    set_clock(http, body["expiredTime"] - 30_000)  # moving the clock back does not revive it
    assert code() == "IAM_FAILED"


def test_one_token_serves_regional_endpoints_on_their_hosts(http: httpx.Client) -> None:
    token = access_token(http)
    vendor = Vendor(http, token)
    assert vendor.generate_url(host="vn-api.advance.ai")["code"] == "SUCCESS"
    detection = vendor.detection(
        {"livenessId": "nope"}, host="my-api.advance.ai", path="/my/openapi/face-identity/v1/liveness-detection"
    )
    assert detection["code"] == "LIVENESS_ID_NOT_EXISTED"
    video = vendor.video(
        {"signatureId": "0" * 16}, host="nga-api.advance.ai", path="/intl/openapi/liveness/ext/v1/get-video"
    )
    assert video["code"] == "SIGNATURE_ID_NOT_EXIST"


def test_a_token_is_sent_only_by_token_authentication(http: httpx.Client) -> None:
    """Neither the access token, its random part nor the secret key comes back anywhere else."""
    token = access_token(http)
    secret_part = token.rsplit(".", 1)[1]
    vendor = Vendor(http, token)
    h5 = vendor.session("h5", userId="u-1")
    idvs = vendor.session("idvs", bizId="b-1")
    assert page_token(h5["url"]) != token and secret_part not in h5["url"] and secret_part not in idvs["url"]
    http.post(f"/__admin/sessions/{h5['signatureId']}/complete", json={"outcome": "pass"})
    texts = [
        vendor.result(h5["signatureId"]),
        vendor.detection({"signatureId": h5["signatureId"]}),
        vendor.video({"signatureId": h5["signatureId"]}),
        http.get("/__admin/sessions").json(),
        http.get(f"/__admin/sessions/{idvs['signatureId']}").json(),
    ]
    pages = [http.get(h5["url"]).text, http.get(idvs["url"]).text]
    for text in [*map(str, texts), *pages]:
        assert secret_part not in text and "samplesecretkey" not in text


@pytest.mark.parametrize(
    "body",
    [{"nowMs": 1.5e12}, {"advanceMs": 0.5}, {"nowMs": None}, {"nowMs": str(DOCS_TS)}, {"advanceMs": [1]}],
)
def test_the_clock_takes_integer_milliseconds_only(http: httpx.Client, body: dict[str, object]) -> None:
    before = http.get("/__admin/clock").json()["nowMs"]
    response = http.post("/__admin/clock", json=body)
    assert response.status_code == 400 and response.json()["error"]
    assert abs(http.get("/__admin/clock").json()["nowMs"] - before) < 5_000


def test_the_clock_can_replay_the_docs_timestamp_exactly(http: httpx.Client) -> None:
    moved = http.post("/__admin/clock", json={"nowMs": DOCS_TS}).json()
    assert DOCS_TS <= moved["nowMs"] < DOCS_TS + 1_000
    again = http.get("/__admin/clock").json()
    assert DOCS_TS <= again["nowMs"] < DOCS_TS + 5_000 and abs(again["wallMs"] - again["nowMs"]) > 10**9


@pytest.mark.parametrize(
    "body", [{"nowMs": -1}, {"nowMs": 10**16}, {"advanceMs": 10**16}], ids=["negative", "17 digits", "advance"]
)
def test_a_clock_the_mock_cannot_honour_is_refused_or_harmless(http: httpx.Client, body: dict[str, int]) -> None:
    """The docs' timestamps are 13-digit milliseconds; a clock outside that range must be refused (400)
    or leave every vendor answer within its contract (no strict-mode 500)."""
    if http.post("/__admin/clock", json=body).status_code == 400:
        return
    token_answer = http.post(TOKEN_PATH, json=signed_body())
    assert token_answer.status_code == 200, token_answer.text[:200]
    vendor = Vendor(http, token_answer.json()["data"]["token"])
    created = vendor.generate_url()
    assert created["code"] == "SUCCESS"
    signature_id = created["data"]["signatureId"]
    http.post(f"/__admin/sessions/{signature_id}/complete", json={"outcome": "pass"})
    assert vendor.result(signature_id)["code"] in ("SUCCESS", "LIVENESS_NO_RESULT")


def test_the_docs_signature_vector() -> None:
    """File 003: accessKey sampleaccesskey, secretKey samplesecretkey, timestamp 1665993522952."""
    assert (
        expected_signature("sampleaccesskey", "samplesecretkey", "1665993522952")
        == "02209bbeaf0d0a3dd587f6a1ba22f84c98d142e3b545e77db7e4906ca56349f5"
    )
