"""Bodies that once broke the mock (issue 10, defects 2-5 and 9): each is refused with a documented
answer, leaves no traceback, and leaves the journal, the admin lists and the H5 page working."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ..conftest import LogRecords
from ..helpers import CONFIGURE_UI_PATH, GET_RESULT_PATH, TOKEN_PATH, h5_session, signed_body

DEEP = b"[" * 10_000 + b"]" * 10_000
NESTED_700 = json.dumps({"signatureId": json.loads("[" * 700 + "]" * 700)}).encode()
LONE_SURROGATE_ESCAPED = b'{"signatureId": "\\ud800"}'
LONE_SURROGATE_RAW = b'{"signatureId": "\xed\xa0\x80"}'
HUGE_NUMBER = b'{"signatureId": 1e400}'
UNREADABLE = [DEEP, NESTED_700, LONE_SURROGATE_ESCAPED, LONE_SURROGATE_RAW, HUGE_NUMBER]
IDS = ["10000-levels", "700-levels", "escaped-surrogate", "raw-surrogate", "1e400"]


def post(http: httpx.Client, path: str, body: bytes, **headers: str) -> httpx.Response:
    return http.post(path, content=body, headers={"Content-Type": "application/json", **headers})


def assert_still_serving(http: httpx.Client, log: LogRecords) -> None:
    assert log.tracebacks() == []
    listing = http.get("/__admin/requests")
    assert listing.status_code == 200, listing.text[:300]
    json.dumps(listing.json())  # what the mock lists can be written again
    assert http.get("/__admin/scenarios").status_code == 200
    assert http.get("/__admin/sessions").status_code == 200


@pytest.mark.parametrize("body", UNREADABLE, ids=IDS)
def test_a_vendor_json_route_answers_the_documented_400(
    http: httpx.Client, api: httpx.Client, body: bytes, server_log: LogRecords
) -> None:
    response = post(api, GET_RESULT_PATH, body)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["pricingStrategy"]) == ("CLIENT_ERROR", "FREE")
    assert_still_serving(http, server_log)


@pytest.mark.parametrize("body", UNREADABLE, ids=IDS)
def test_admin_and_page_routes_answer_a_json_400(
    http: httpx.Client, token: str, body: bytes, server_log: LogRecords
) -> None:
    page = h5_session(http, token)["url"].replace(str(http.base_url).rstrip("/"), "")
    for path in ("/__admin/clock", "/__admin/scenarios", "/__admin/liveness", f"{page}/complete"):
        response = post(http, path, body)
        assert response.status_code == 400, (path, response.text[:200])
        assert "error" in response.json()
    assert_still_serving(http, server_log)


def test_a_lone_surrogate_signature_is_refused_not_a_500(http: httpx.Client, server_log: LogRecords) -> None:
    body = json.dumps(signed_body())[:-1].encode() + b', "signature": "\\ud800"}'
    response = post(http, TOKEN_PATH, body)
    assert (response.status_code, response.json()["code"]) == (400, "CLIENT_ERROR")
    assert_still_serving(http, server_log)


def test_a_surrogate_title_is_refused_and_the_page_still_renders(
    http: httpx.Client, api: httpx.Client, token: str, server_log: LogRecords
) -> None:
    response = post(api, CONFIGURE_UI_PATH, b'{"titleText": "Hi \\udc80"}')
    assert response.json()["code"] == "CLIENT_ERROR"
    assert http.get(h5_session(http, token)["url"]).status_code == 200
    assert_still_serving(http, server_log)


def test_a_surrogate_scenario_description_is_refused(http: httpx.Client, server_log: LogRecords) -> None:
    rule = b'{"match": {"endpoint": "get_video"}, "respond": {"code": "RESULT_NOT_FOUND"}}'
    body = b'{"name": "bad", "description": "\\ud800", "rules": [' + rule + b"]}"
    assert post(http, "/__admin/scenarios", body).status_code == 400
    assert_still_serving(http, server_log)


def test_a_surrogate_sdk_token_description_is_refused(http: httpx.Client, server_log: LogRecords) -> None:
    response = post(
        http, "/", b'{"SecureLevel": "4", "Description": "\\ud800"}', **{"X-TC-Action": "ApplyLivenessToken"}
    )
    assert response.json()["Response"]["Error"]["Code"] == "InvalidParameter"
    assert_still_serving(http, server_log)


def test_an_escaped_secret_key_in_a_big_body_is_masked(http: httpx.Client, server_log: LogRecords) -> None:
    """8 KB and more: the journal once kept such a body as text and missed "signatur\\u0065"."""
    body: dict[str, Any] = signed_body()
    signature = body.pop("signature")
    text = f'{{"signatur\\u0065": "{signature}", ' + json.dumps({**body, "padding": "x" * 9000})[1:]
    assert post(http, TOKEN_PATH, text.encode()).json()["code"] == "SUCCESS"  # it is JSON for "signature"
    assert signature not in http.get("/__admin/requests").text
    assert_still_serving(http, server_log)
