"""Each fault as a real HTTP client (httpx) sees it: timeouts, resets, broken bodies, Retry-After, seeds."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.app import MockParts, create_app
from mock_server.contract.catalog_loader import load_catalog
from mock_server.contract.resources import schemas_dir
from mock_server.contract.schemas import ContractSchemas
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL, access_token
from .client import send

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


# Written from issue 4 (faults): each fault as httpx sees it, seeded latency, per-account limits and quotas.

CATALOG = load_catalog(schemas_dir())
TENCENT_RESULT = CATALOG.endpoints["get_liveness_result"]
BODY = {"signatureId": "f302f5d2454a85c2"}


def define(client: httpx.Client, respond: dict[str, Any], name: str = "review-fault") -> None:
    rule = {"match": {"endpoint": "get_result"}, "respond": respond}
    response = client.post("/__admin/scenarios", json={"name": name, "rules": [rule]})
    assert response.status_code == 201, response.text


def result(client: httpx.Client, **options: Any) -> httpx.Response:
    return client.post(GET_RESULT_PATH, json=BODY, **options)


def settle(client: httpx.Client, entries: int, seconds: float = 3.5) -> list[dict[str, Any]]:
    """The journal once it holds ``entries`` (a request the client gave up on lands when it is done)."""
    deadline = time.monotonic() + seconds
    while True:
        found = client.get("/__admin/requests").json()["requests"]
        if len(found) >= entries:
            return list(found)
        assert time.monotonic() < deadline, f"the journal holds {len(found)} of {entries} requests"
        time.sleep(0.02)


def test_the_slow_scenario_trips_a_client_timeout_after_one_to_three_seconds(http: httpx.Client) -> None:
    began = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):  # caller "c": with the suite's seed the first draw is short (quick test)
        result(http, timeout=0.5, headers={"X-Mock-Scenario": "slow", "X-Mock-Caller": "c"})
    assert time.perf_counter() - began < 1.0
    (entry,) = settle(http, 1)
    assert entry["scenario"] == "slow" and 1000 <= entry["delayMs"] <= 3000
    # the client left during the delay: the mock stops waiting for it (docs/scenarios.md: client gone, 499)
    assert (entry["fault"], entry["status"]) == ("client gone", 499)
    assert entry["latencyMs"] < entry["delayMs"]


def test_a_dripping_body_trips_a_read_timeout_after_the_headers(http: httpx.Client) -> None:
    define(http, {"fault": {"type": "slow_body", "chunkBytes": 64, "intervalMs": 150}})
    with http.stream("POST", GET_RESULT_PATH, json=BODY, timeout=httpx.Timeout(5, read=0.1)) as response:
        assert response.status_code == 200  # the head comes at once
        announced = int(response.headers["content-length"])
        with pytest.raises(httpx.ReadTimeout):
            b"".join(response.iter_raw())
    assert announced > 64
    settle(http, 1)


def test_connection_resets_by_header_on_both_protocols_are_journaled(http: httpx.Client) -> None:
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        result(http, headers={"X-Mock-Scenario": "connection-reset"})
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        send(http, TENCENT_RESULT, X_Mock_Scenario="connection-reset")
    assert result(http).json()["code"] == "IAM_FAILED"  # the next call is answered
    reset = http.get("/__admin/requests", params={"fault": "connection_reset"}).json()["requests"]
    assert [(e["endpoint"], e["status"], e["via"]) for e in reset] == [
        ("get_liveness_result", None, "header"),
        ("get_result", None, "header"),
    ]


def test_a_truncated_tencent_answer_fails_to_parse(http: httpx.Client) -> None:
    http.post("/__admin/scenarios/truncated-body")
    response = send(http, TENCENT_RESULT)
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content) > 0
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_a_wrong_content_type_can_be_chosen(http: httpx.Client) -> None:
    define(http, {"code": "RESULT_NOT_FOUND", "fault": {"type": "wrong_content_type", "contentType": "text/html"}})
    response = result(http)
    assert response.headers["content-type"].startswith("text/html")
    assert response.json()["code"] == "RESULT_NOT_FOUND"


@pytest.mark.parametrize("status", [500, 503, 504])
def test_gateway_pages_in_every_5xx(http: httpx.Client, status: int) -> None:
    define(http, {"fault": {"type": "gateway_html", "httpStatus": status}})
    response = result(http)
    assert response.status_code == status and response.headers["content-type"].startswith("text/html")
    assert f"<h1>{status} " in response.text
    with pytest.raises(json.JSONDecodeError):
        response.json()


@pytest.mark.parametrize("code", ["SERVICE_BUSY", "RETRY_LATER"])
@pytest.mark.parametrize(("given", "sent"), [(None, "10s"), (10, "10"), ("3s", "3s"), ("45", "45")])
def test_retry_after_in_both_forms_for_both_busy_codes(
    http: httpx.Client, contract: ContractSchemas, code: str, given: Any, sent: str
) -> None:
    define(http, {"code": code} | ({} if given is None else {"retryAfter": given}))
    response = result(http)
    assert (response.json()["code"], response.headers.get_list("retry-after")) == (code, [sent])
    assert contract.response_problems("get_result", response.json()) == []


def test_the_429_form_through_http_status(http: httpx.Client, contract: ContractSchemas) -> None:
    define(http, {"code": "SERVICE_BUSY", "httpStatus": 429, "retryAfter": 30})
    response = result(http)
    assert (response.status_code, response.json()["code"], response.headers["retry-after"]) == (
        429,
        "SERVICE_BUSY",
        "30",
    )
    assert contract.response_problems("get_result", response.json()) == []


def delays(client: httpx.Client) -> list[float]:
    """delayMs of 6 Get Result calls under a uniform and 6 under a lognormal latency."""
    define(client, {"delayMs": {"uniform": [1, 12]}}, "uniform")
    for _ in range(6):
        result(client)
    client.delete("/__admin/scenarios")
    define(client, {"delayMs": {"lognormal": {"medianMs": 3, "sigma": 1.5, "capMs": 10}}}, "lognormal")
    for _ in range(6):
        result(client)
    return [e.get("delayMs", 0.0) for e in reversed(client.get("/__admin/requests").json()["requests"])]


def seeded_delays(seed: int) -> list[float]:
    with ThreadedServer(create_app(Settings(port=0, seed=seed))) as server, httpx.Client(base_url=server.url) as client:
        return delays(client)


def test_seeded_latency_replays_and_another_seed_changes_it(http: httpx.Client) -> None:
    first = seeded_delays(99)
    assert all(1 <= d <= 12 for d in first[:6]) and all(d <= 10 for d in first[6:])
    assert len(first) == 12 and len(set(first)) > 6
    assert seeded_delays(99) == first
    assert delays(http) != first  # the session's server has another seed


# --- per-account rate limit and quota (accounts.yaml traits) ------------------------------------

ACCOUNTS = """\
accounts:
  - {name: slowpoke, accessKey: slowpokeak, secretKey: slowpokesk, rateLimit: {perSecond: 0.4, burst: 3}}
  - {name: twice, accessKey: twiceak, secretKey: twicesk, freeQuota: 2}
"""


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder: Path = tmp_path_factory.mktemp("review-accounts")
    (folder / "accounts.yaml").write_text(ACCOUNTS)
    with (
        ThreadedServer(create_app(Settings(port=0, strict=True, fixtures=(folder,)))) as server,
        httpx.Client(base_url=server.url, timeout=5) as client,
    ):
        yield client


def test_an_accounts_rate_limit_spans_all_its_tokens(accounts: httpx.Client) -> None:
    first, second = (
        access_token(accounts, "slowpokeak", "slowpokesk"),
        access_token(accounts, "slowpokeak", "slowpokesk"),
    )
    assert result(accounts, headers={"X-ACCESS-TOKEN": first}).json()["code"] == "SIGNATURE_NOT_EXIST"  # third token
    refused = result(accounts, headers={"X-ACCESS-TOKEN": second})
    assert refused.json()["code"] == "SERVICE_BUSY" and refused.json()["message"].startswith("Rate limit is exceeded")
    assert refused.headers["retry-after"] in ("2s", "3s")  # 2.5 s for a token at 0.4/s, rounded up
    other = access_token(accounts)
    assert result(accounts, headers={"X-ACCESS-TOKEN": other}).json()["code"] == "SIGNATURE_NOT_EXIST"
    accounts.post("/__admin/clock", json={"advanceMs": 2_500})
    assert result(accounts, headers={"X-ACCESS-TOKEN": second}).json()["code"] == "SIGNATURE_NOT_EXIST"


def test_a_free_quota_runs_out_into_over_query_limit(accounts: httpx.Client) -> None:
    token = access_token(accounts, "twiceak", "twicesk")
    body = {"returnUrl": RETURN_URL, "region": "IDN"}
    answers = [accounts.post(GET_TOKEN_PATH, json=body, headers={"X-ACCESS-TOKEN": token}).json() for _ in range(3)]
    assert [a["code"] for a in answers] == ["SUCCESS", "SUCCESS", "OVER_QUERY_LIMIT"]
    assert answers[2]["pricingStrategy"] == "FREE" and answers[2]["message"].startswith("Quota exceeded")
