"""The journal keeps each answer as sent (headers and body), masked as the request is."""

from __future__ import annotations

import json
from typing import Any

import httpx

from mock_server.clock import MockClock
from mock_server.gateway.call import KEPT_RESPONSE_BYTES, Exchange
from mock_server.journal.record import Journal

from ..helpers import GET_RESULT_PATH, TOKEN_PATH, h5_session, signed_body


def newest(http: httpx.Client, **filters: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = http.get("/__admin/requests", params={"limit": "1", **filters}).json()["requests"]
    return found[0]


def test_an_answer_is_journaled_with_its_headers_and_body_and_no_secret(http: httpx.Client) -> None:
    sent = http.post(TOKEN_PATH, json=signed_body("sampleaccesskey", "samplesecretkey"))
    token = sent.json()["data"]["token"]
    entry = newest(http, endpoint="token_authentication")
    response = entry["response"]
    assert response["headers"]["content-type"].startswith("application/json")
    assert response["body"]["code"] == "SUCCESS"
    assert response["body"]["data"]["token"] == "***"
    assert response["body"]["data"]["expiredTime"] == sent.json()["data"]["expiredTime"]
    assert token not in http.get("/__admin/requests").text
    assert "samplesecretkey" not in http.get("/__admin/requests").text


def test_a_documented_polling_answer_is_noted_as_such(http: httpx.Client, token: str) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    http.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    polled = newest(http, endpoint="get_result")
    assert (polled["code"], polled.get("polling")) == ("LIVENESS_NO_RESULT", True)
    assert polled["response"]["body"]["code"] == "LIVENESS_NO_RESULT"
    http.post(GET_RESULT_PATH, json={"signatureId": "no-such-one"}, headers={"X-ACCESS-TOKEN": token})
    missing = newest(http, endpoint="get_result")
    assert missing["code"] == "SIGNATURE_NOT_EXIST" and "polling" not in missing  # an error, not a poll


def test_a_fault_answer_is_journaled_as_far_as_it_was_sent(http: httpx.Client) -> None:
    http.post("/__admin/scenarios/gateway-html")
    http.post(GET_RESULT_PATH, json={"signatureId": "x"})
    entry = newest(http)
    assert entry["status"] == 502
    assert "html" in entry["response"]["headers"]["content-type"]
    assert "<" in entry["response"]["body"]  # the gateway's HTML page, as text


def test_the_answers_of_the_mocks_own_pages_are_journaled_too(http: httpx.Client) -> None:
    http.get("/__mock/h5/not-a-page")
    entry = newest(http)
    assert entry["response"]["headers"] and entry["response"]["body"] is not None


def answered(body: bytes, content_type: bytes) -> Exchange:
    recorded = Exchange(1000, "POST", "/p", b"", [(b"host", b"127.0.0.1")])
    recorded.finish({}, b"", 200, 0.001)
    recorded.response_headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    recorded.response_body = body
    return recorded


def kept_answer(recorded: Exchange) -> Any:
    journal = Journal(10, MockClock())
    journal.record(recorded)
    return journal.entries[0].to_json()["response"]["body"]


def test_a_large_json_answer_is_kept_with_its_long_strings_cut_and_its_secrets_masked() -> None:
    image = "A" * 500_000  # a base64 image in an answer
    body = json.dumps({"code": "SUCCESS", "data": {"image": image, "token": "s3cr3t-token"}}).encode()
    shown = kept_answer(answered(body, b"application/json"))
    assert shown["code"] == "SUCCESS" and shown["data"]["token"] == "***"
    assert shown["data"]["image"].startswith("AAAA") and len(shown["data"]["image"]) < 3_000
    assert len(json.dumps(shown)) < 8_192


def test_a_large_text_answer_is_cut_and_a_binary_one_described() -> None:
    assert len(kept_answer(answered(b"x" * 100_000, b"text/html"))) <= 8_192
    assert kept_answer(answered(b"\xff\xd8" * 50, b"image/jpeg")) == "(100 bytes of image/jpeg, not shown)"


def test_a_streamed_answer_is_kept_up_to_its_budget() -> None:
    recorded = Exchange(1000, "GET", "/p", b"", [])
    recorded.saw({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    for _ in range(10):
        recorded.saw({"type": "http.response.body", "body": b"y" * 4_000, "more_body": True})
    assert recorded.response_body == b"y" * KEPT_RESPONSE_BYTES


def test_a_result_with_its_base64_image_is_journaled_cut(http: httpx.Client, token: str) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    http.post(f"/__admin/sessions/{signature_id}/complete", json={"outcome": "pass"})
    sent = http.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    assert sent.json()["code"] == "SUCCESS" and len(sent.content) > 8_192
    shown = newest(http, endpoint="get_result")["response"]["body"]
    cut = [value for value in shown["data"].values() if isinstance(value, str) and value.endswith(" characters)")]
    assert cut, shown  # the image, cut to its first characters
    assert shown["code"] == "SUCCESS" and shown["transactionId"] == sent.json()["transactionId"]
    assert len(json.dumps(shown)) < len(sent.content) / 2  # each long string cut to 2048 characters
