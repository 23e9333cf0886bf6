"""Each fault as a real HTTP client (httpx) sees it: timeouts, resets, broken bodies, Retry-After, seeds."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from mock_server.app import MockParts, create_app
from mock_server.contract.schemas import ContractSchemas
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL

GET_TOKEN = GET_TOKEN_PATH
VALID = {"returnUrl": RETURN_URL, "region": "IDN"}


def token(client: httpx.Client, user_id: str, **options: Any) -> httpx.Response:
    """Get Token (H5) for ``user_id``, with the client's access token if it has one."""
    return client.post(GET_TOKEN, json=VALID | {"userId": user_id}, **options)


def inline(client: httpx.Client, respond: dict[str, Any], name: str = "fault") -> None:
    rule = {"match": {"endpoint": "get_token"}, "respond": respond}
    assert client.post("/__admin/scenarios", json={"name": name, "rules": [rule]}).status_code == 201


def test_latency_fires_a_short_client_timeout(api: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        token(api, "mock-delay-300", timeout=0.1)
    began = time.perf_counter()
    assert token(api, "mock-delay-150").json()["code"] == "SUCCESS"  # then the endpoint's own answer
    assert time.perf_counter() - began >= 0.15


def test_a_slow_answer_does_not_hold_up_the_others(api: httpx.Client, server: ThreadedServer) -> None:
    with httpx.Client(base_url=server.url, timeout=5, headers=api.headers) as other:
        began = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            token(api, "mock-delay-400", timeout=0.1)
        assert token(other, "fast").json()["code"] == "SUCCESS"
        assert time.perf_counter() - began < 0.35  # the sleeping request never blocked the loop


def test_connection_reset_surfaces_as_a_connection_error(api: httpx.Client) -> None:
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        token(api, "mock-fault-connection_reset")
    assert token(api, "after-the-reset").json()["code"] == "SUCCESS"


def test_a_truncated_body_fails_to_parse(api: httpx.Client) -> None:
    response = token(api, "mock-fault-truncated_json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content) > 0
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_an_empty_body(http: httpx.Client) -> None:
    response = token(http, "mock-fault-empty_body")
    assert (response.status_code, response.content) == (200, b"")


def test_a_wrong_content_type_over_a_good_body(api: httpx.Client) -> None:
    response = token(api, "mock-fault-wrong_content_type")
    assert response.headers["content-type"].startswith("text/plain")
    assert response.json()["code"] == "SUCCESS"


def test_a_gateway_html_page(http: httpx.Client) -> None:
    response = token(http, "mock-fault-gateway_html")
    assert response.status_code == 502 and response.headers["content-type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in response.text
    with pytest.raises(json.JSONDecodeError):
        response.json()


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_with_the_error_envelope(http: httpx.Client, contract: ContractSchemas, status: int) -> None:
    response = token(http, f"mock-fault-http_{status}")
    assert (response.status_code, response.json()["code"]) == (status, "ERROR")
    assert contract.response_problems("get_token", response.json()) == []


def test_the_documented_429_form_carries_retry_after(http: httpx.Client, contract: ContractSchemas) -> None:
    response = token(http, "mock-fault-http_429")
    assert (response.status_code, response.json()["code"], response.headers["retry-after"]) == (
        429,
        "SERVICE_BUSY",
        "10s",
    )
    assert contract.response_problems("get_token", response.json()) == []


@pytest.mark.parametrize(("code", "message"), [("SERVICE_BUSY", "Rate limit"), ("RETRY_LATER", "Query failed")])
def test_busy_codes_carry_the_documented_retry_after(http: httpx.Client, code: str, message: str) -> None:
    response = token(http, f"mock-code-{code}")
    assert (response.status_code, response.headers["retry-after"]) == (200, "10s")
    assert response.json()["message"].startswith(message)


def test_retry_after_in_plain_seconds(http: httpx.Client) -> None:
    inline(http, {"code": "RETRY_LATER", "retryAfter": 7})
    assert token(http, "x").headers["retry-after"] == "7"


def test_a_dripping_body_arrives_slowly_but_whole(api: httpx.Client) -> None:
    inline(api, {"fault": {"type": "slow_body", "chunkBytes": 64, "intervalMs": 60}})
    began = time.perf_counter()
    with api.stream("POST", GET_TOKEN, json=VALID, timeout=httpx.Timeout(5, read=0.5)) as response:
        chunks = list(response.iter_raw())
    body = b"".join(chunks)
    assert len(chunks) > 2 and json.loads(body)["code"] == "SUCCESS"
    assert time.perf_counter() - began >= 0.06 * (len(body) // 64)


def test_uniform_and_lognormal_latency_stay_in_bounds(http: httpx.Client) -> None:
    inline(http, {"delayMs": {"uniform": [20, 40]}}, "uniform")
    inline(http, {"delayMs": {"lognormal": {"medianMs": 10, "sigma": 2, "capMs": 60}}}, "lognormal")
    for _ in range(6):
        token(http, "x")
    delays = [e["delayMs"] for e in http.get("/__admin/requests").json()["requests"]]
    assert len(delays) == 6 and all(20 <= d <= 40 for d in delays)  # the first active rule that matches answers
    http.delete("/__admin/scenarios/uniform")
    for _ in range(6):
        token(http, "x")
    lognormal = http.get("/__admin/requests", params={"scenario": "lognormal"}).json()["requests"]
    delays = [e.get("delayMs", 0) for e in lognormal]
    assert len(delays) == 6 and all(d <= 60 for d in delays) and len(set(delays)) > 1


def flaky_sequence(url: str) -> list[tuple[str, str | None]]:
    """30 Get Result calls under ``flaky``: SERVICE_BUSY or the normal answer (no token: IAM_FAILED)."""
    with httpx.Client(base_url=url, timeout=5) as client:
        client.post("/__admin/scenarios/flaky")
        answers = [client.post(GET_RESULT_PATH, json={"signatureId": "f302f5d2454a85c2"}) for _ in range(30)]
        return [(r.json()["code"], r.headers.get("retry-after")) for r in answers]


def test_the_same_seed_replays_the_same_outcomes(http: httpx.Client, server: ThreadedServer, parts: MockParts) -> None:
    first = flaky_sequence(server.url)
    assert 3 <= sum(code == "SERVICE_BUSY" for code, _ in first) <= 20
    assert all(after == "10s" for code, after in first if code == "SERVICE_BUSY")
    assert flaky_sequence(server.url) == first  # activating again restarts the sequence
    seed = parts.settings.seed
    assert seed is not None
    with ThreadedServer(create_app(Settings(port=0, seed=seed))) as twin:
        assert flaky_sequence(twin.url) == first
    with ThreadedServer(create_app(Settings(port=0, seed=seed + 1))) as other:
        assert flaky_sequence(other.url) != first
