"""The request journal over real HTTP: filters, counts, masking, near misses, bounds."""

from __future__ import annotations

import hashlib
import time

import httpx

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

GET_RESULT = "/openapi/liveness/v4/h5/get-result"
TOKEN_AUTH = "/openapi/auth/ticket/v1/generate-token"
VIDEO = "/liveness/ext/v1/get-video"


def requests(client: httpx.Client, **filters: str | int) -> list[dict]:  # type: ignore[type-arg]
    response = client.get("/__admin/requests", params=filters)
    assert response.status_code == 200, response.text
    return response.json()["requests"]  # type: ignore[no-any-return]


def count(client: httpx.Client, **filters: str | int) -> int:
    return client.get("/__admin/requests/count", params=filters).json()["count"]  # type: ignore[no-any-return]


def test_each_request_is_recorded_as_it_came_and_as_it_was_answered(http: httpx.Client) -> None:
    now = http.get("/__admin/clock").json()["nowMs"]
    http.post(GET_RESULT, json={"signatureId": "f302f5d2454a85c2"}, headers={"X-Request-Id": "r1"})
    http.get(
        "/intl/openapi/liveness/ext/v1/get-video", params={"livenessId": "abc"}, headers={"Host": "my-api.advance.ai"}
    )
    video, result = requests(http)
    assert result["method"] == "POST" and result["path"] == GET_RESULT and result["host"] == "api.advance.ai"
    assert result["body"] == {"signatureId": "f302f5d2454a85c2"} and result["headers"]["x-request-id"] == "r1"
    assert (result["endpoint"], result["code"], result["status"]) == ("get_result", "IAM_FAILED", 200)  # no token
    assert now <= result["timeMs"] <= video["timeMs"] and result["latencyMs"] > 0
    assert (video["host"], video["hostHeader"], video["query"]) == (
        "my-api.advance.ai",
        "my-api.advance.ai",
        "livenessId=abc",
    )


def test_filters_and_counts_verify_what_a_client_sent(http: httpx.Client) -> None:
    for signature_id in ("aaaa", "bbbb", "aaaa-2"):
        http.post(GET_RESULT, json={"signatureId": signature_id})
    http.post(GET_RESULT, json={"signatureId": "mock-code-RESULT_NOT_FOUND"})
    http.get(VIDEO, params={"signatureId": "aaaa"})
    assert count(http, endpoint="get_result", **{"param.signatureId": "aaaa"}) == 1  # exactly one Get Result for aaaa
    assert count(http, **{"param.signatureId": "aaaa"}) == 2
    assert count(http, **{"param.signatureId__startswith": "aaaa"}) == 3
    assert count(http, **{"param.signatureId__in": "bbbb,aaaa-2"}) == 2
    assert count(http, code="RESULT_NOT_FOUND", scenario="magic-values") == 1
    assert count(http, endpoint="get_result,get_video", method="POST") == 4
    assert [r["body"]["signatureId"] for r in requests(http, endpoint="get_result", limit=2)] == [
        "mock-code-RESULT_NOT_FOUND",
        "aaaa-2",
    ]  # newest first
    newest = requests(http, limit=1)[0]
    assert requests(http, after=newest["id"]) == [] and len(requests(http, since=newest["timeMs"])) >= 1
    assert count(http, host="api.advance.ai", status=200) == 5


def test_a_bad_filter_is_a_400(http: httpx.Client) -> None:
    for params in ({"colour": "red"}, {"limit": "many"}, {"param.userId__startwith": "x"}, {"since": "yesterday"}):
        response = http.get("/__admin/requests", params=params)
        assert response.status_code == 400 and response.json()["error"]


def test_secrets_never_reach_the_journal(http: httpx.Client) -> None:
    secret_key, timestamp = "samplesecretkey", str(int(time.time() * 1000))
    signature = hashlib.sha256(f"sampleaccesskey{secret_key}{timestamp}".encode()).hexdigest()
    http.post(TOKEN_AUTH, json={"accessKey": "sampleaccesskey", "signature": signature, "timestamp": timestamp})
    http.post(GET_RESULT, json={"signatureId": "x"}, headers={"X-ACCESS-TOKEN": "tok-very-secret-1"})
    http.post(
        TOKEN_AUTH,
        content=b'{"accessKey": "sampleaccesskey", "signature": "' + signature.encode() + b'",',
        headers={"Content-Type": "application/json"},
    )
    http.get(
        VIDEO,
        params={"livenessId": "x", "token": "query-secret-2"},
        headers={"Authorization": "Bearer bearer-secret-3"},
    )
    http.get("/nowhere", params={"accessKey": "sampleaccesskey"})
    text = http.get("/__admin/requests").text + http.get("/__admin/near-misses").text
    for secret in ("sampleaccesskey", signature, "tok-very-secret-1", "query-secret-2", "bearer-secret-3"):
        assert secret not in text
    first = requests(http)[-1]
    assert first["body"] == {"accessKey": "***", "signature": "***", "timestamp": timestamp}
    assert count(http, **{"param.accessKey": "***"}) == 1  # the broken body was not parsed: only masked text


def test_admin_calls_are_not_recorded(http: httpx.Client) -> None:
    http.get("/__admin/scenarios")
    http.post("/__admin/clock", json={"advanceMs": 1})
    assert requests(http) == []


def test_delete_clears_the_journal(http: httpx.Client) -> None:
    http.post(GET_RESULT, json={"signatureId": "x"})
    assert http.delete("/__admin/requests").json() == {"cleared": 1}
    assert count(http) == 0


def test_near_misses_show_the_routes_that_were_meant(http: httpx.Client) -> None:
    http.post("/openapi/liveness/v4/h5/get-reslt", json={"signatureId": "x"})
    http.post(
        "/intl/openapi/face-identity/v1/liveness-detection",
        json={"livenessId": "x"},
        headers={"Host": "sg-apii.advance.ai"},
    )
    http.get(GET_RESULT)
    http.post(GET_RESULT, json={"signatureId": "x"})  # a hit, not a miss
    wrong_method, wrong_host, typo = http.get("/__admin/near-misses").json()["nearMisses"]
    assert typo["status"] == 404 and typo["nearest"][0] == {
        "distance": 1,
        "host": "api.advance.ai",
        "path": GET_RESULT,
        "method": "POST",
        "endpoint": "get_result",
    }
    assert wrong_host["hostHeader"] == "sg-apii.advance.ai" and wrong_host["host"] == "api.advance.ai"
    assert wrong_host["nearest"][0]["host"] == "sg-api.advance.ai" and wrong_host["nearest"][0]["distance"] == 1
    assert (wrong_method["status"], wrong_method["allowed"], wrong_method["nearest"][0]["distance"]) == (
        405,
        ["POST"],
        1,
    )
    assert count(http, status=404) == 2  # misses are in the journal too


def test_the_journal_is_bounded() -> None:
    with (
        ThreadedServer(create_app(Settings(port=0, journal_size=5))) as small,
        httpx.Client(base_url=small.url) as client,
    ):
        for n in range(12):
            client.post(GET_RESULT, json={"signatureId": f"s{n}"})
            client.get(f"/miss/{n}")
        answer = client.get("/__admin/requests").json()
        assert answer["total"] == 5 and answer["requests"][0]["path"] == "/miss/11"
        assert len(client.get("/__admin/near-misses").json()["nearMisses"]) == 5
