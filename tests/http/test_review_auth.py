"""Review of issue 3, Token Authentication, X-ACCESS-TOKEN and the mock clock (file 003; issue points 2, 3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ..helpers import GET_RESULT_PATH, TOKEN_PATH, access_token, signed_body
from .review_support import GENERIC_TEXT, Vendor, is_ms_timestamp, page_token, set_clock

DOCS_TS = 1665993522952
DOCS_SIGNATURE = "02209bbeaf0d0a3dd587f6a1ba22f84c98d142e3b545e77db7e4906ca56349f5"  # 003 line 240


def vector(**overrides: Any) -> dict[str, Any]:
    return {"accessKey": "sampleaccesskey", "signature": DOCS_SIGNATURE, "timestamp": DOCS_TS, **overrides}


def answer(http: httpx.Client, body: Any) -> tuple[str, str]:
    response = http.post(TOKEN_PATH, json=body)
    assert response.status_code == 200, (response.status_code, response.text[:200])
    envelope = response.json()
    return envelope["code"], envelope["message"]


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
    """README: schema, accessKey, timestamp window, signature, account status."""
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
