"""Review of issue 4 (scenarios): activation paths, rule semantics, seeds and callers, over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.app import create_app
from mock_server.contract.catalog import Catalog
from mock_server.contract.catalog_loader import load_catalog
from mock_server.contract.resources import schemas_dir
from mock_server.contract.schemas import ContractSchemas, load_contract
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..conftest import ROOT
from ..helpers import DETECTION_PATH, GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL, VIDEO_PATH, complete, h5_session
from .client import REQUESTS, send

CATALOG = load_catalog(schemas_dir())
TENCENT_RESULT = CATALOG.endpoints["get_liveness_result"]
BODY = {"signatureId": "f302f5d2454a85c2"}  # no token: the normal answer is IAM_FAILED
NORMAL = "IAM_FAILED"


def result(client: httpx.Client, **headers: str) -> httpx.Response:
    return client.post(GET_RESULT_PATH, json=BODY, headers={k.replace("_", "-"): v for k, v in headers.items()})


def codes(client: httpx.Client, n: int, **headers: str) -> list[str]:
    return [result(client, **headers).json()["code"] for _ in range(n)]


def define(client: httpx.Client, name: str, *rules: dict[str, Any], **extra: Any) -> httpx.Response:
    return client.post("/__admin/scenarios", json={"name": name, "rules": list(rules), **extra})


def get_result_rule(respond: dict[str, Any], **match: Any) -> dict[str, Any]:
    return {"match": {"endpoint": "get_result", **match}, "respond": respond}


# --- activation ---------------------------------------------------------------------------------


def test_the_rate_limited_scenario_keeps_a_bucket_per_caller(http: httpx.Client) -> None:
    """docs/scenarios.md: `rate-limited` is "a token bucket per caller, 2 calls/s with bursts of 3"."""
    assert http.post("/__admin/scenarios/rate-limited").status_code == 200
    alice = {"X_Mock_Caller": "alice", "X_ACCESS_TOKEN": "token-of-alice"}
    bob = {"X_Mock_Caller": "bob", "X_ACCESS_TOKEN": "token-of-bob"}
    assert codes(http, 3, **alice) == [NORMAL] * 3  # alice's burst
    assert codes(http, 3, **bob) == [NORMAL] * 3  # bob has a bucket of his own


def test_parallel_callers_naming_one_scenario_never_share_its_state(http: httpx.Client, server: ThreadedServer) -> None:
    rules = [
        get_result_rule({"code": "SERVICE_BUSY"}, first=2),
        get_result_rule({"code": "RETRY_LATER"}, call=1),
        get_result_rule({"code": "RESULT_NOT_FOUND"}),
    ]
    assert define(http, "busy-retry-gone", *rules).status_code == 201
    http.delete("/__admin/scenarios/busy-retry-gone")  # reachable through the header only

    def one_caller(n: int) -> list[str]:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            return codes(client, 5, X_Mock_Scenario="busy-retry-gone", X_Mock_Caller=f"worker-{n}")

    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(one_caller, range(8)))
    expected = ["SERVICE_BUSY", "SERVICE_BUSY", "RETRY_LATER", "RESULT_NOT_FOUND", "RESULT_NOT_FOUND"]
    assert seen == [expected] * 8
    assert codes(http, 1) == [NORMAL]  # callers without the header are untouched
    assert len(http.get("/__admin/scenarios/busy-retry-gone").json()["callers"]) == 8


def test_the_first_named_header_scenario_answers_before_runtime_and_magic_ones(http: httpx.Client) -> None:
    http.post("/__admin/scenarios/get_result.SIGNATURE_NOT_EXIST")
    both = "get_result.ERROR, get_result.SERVICE_BUSY"
    assert codes(http, 1, X_Mock_Scenario=both) == ["ERROR"]
    assert codes(http, 1, X_Mock_Scenario="get_result.SERVICE_BUSY,get_result.ERROR") == ["SERVICE_BUSY"]
    magic = http.post(
        GET_RESULT_PATH, json={"signatureId": "mock-code-RETRY_LATER"}, headers={"X-Mock-Scenario": "get_result.ERROR"}
    )
    assert magic.json()["code"] == "ERROR"
    assert codes(http, 1) == ["SIGNATURE_NOT_EXIST"]  # without the header: the runtime activation


def test_magic_values_can_be_switched_off_and_a_reset_brings_them_back(http: httpx.Client) -> None:
    magic = {"signatureId": "mock-code-RESULT_NOT_FOUND"}
    assert http.post(GET_RESULT_PATH, json=magic).json()["code"] == "RESULT_NOT_FOUND"
    assert http.delete("/__admin/scenarios/magic-values").json()["wasActive"] is True
    assert http.post(GET_RESULT_PATH, json=magic).json()["code"] == NORMAL
    http.post("/__admin/reset")
    assert http.post(GET_RESULT_PATH, json=magic).json()["code"] == "RESULT_NOT_FOUND"


def test_magic_faults_and_delays_reach_tencent_too(http: httpx.Client) -> None:
    page = send(http, TENCENT_RESULT, {"SdkToken": "mock-fault-gateway_html-ci"})
    assert page.status_code == 502 and page.headers["content-type"].startswith("text/html")
    with httpx.Client(base_url=str(http.base_url), timeout=0.1) as impatient, pytest.raises(httpx.ReadTimeout):
        send(impatient, TENCENT_RESULT, {"SdkToken": "mock-delay-250"})
    settle(http, 2)


def settle(client: httpx.Client, entries: int, seconds: float = 3) -> None:
    """Wait until the journal holds ``entries`` (a request the client gave up on lands when it is done)."""
    deadline = time.monotonic() + seconds
    while client.get("/__admin/requests/count").json()["count"] < entries:
        assert time.monotonic() < deadline, "the abandoned request never reached the journal"
        time.sleep(0.02)


def test_redefining_an_inline_scenario_replaces_it_and_starts_over(http: httpx.Client) -> None:
    assert define(http, "once", get_result_rule({"code": "SERVICE_BUSY"}, first=1)).status_code == 201
    assert codes(http, 2) == ["SERVICE_BUSY", NORMAL]
    assert define(http, "once", get_result_rule({"code": "ERROR"}, first=1)).status_code == 201
    assert codes(http, 2) == ["ERROR", NORMAL]
    assert [s["name"] for s in http.get("/__admin/scenarios", params={"kind": "inline"}).json()["scenarios"]] == [
        "once"
    ]


# --- rule semantics -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "fires"),
    [
        ({"call": [2, 4]}, [2, 4]),
        ({"every": 2}, [2, 4, 6]),
        ({"first": 2}, [1, 2]),
        ({"after": 4}, [5, 6]),
        ({"every": 2, "after": 2}, [4, 6]),
    ],
    ids=["call", "every", "first", "after", "every-after"],
)
def test_counting_conditions_over_http(http: httpx.Client, condition: dict[str, Any], fires: list[int]) -> None:
    assert define(http, "counting", get_result_rule({"code": "ERROR"}, **condition)).status_code == 201
    seen = codes(http, 6)
    assert [n for n, code in enumerate(seen, 1) if code == "ERROR"] == fires
    assert set(seen) <= {"ERROR", NORMAL}


def test_an_inline_scenario_expires_on_the_mock_clock(http: httpx.Client) -> None:
    assert define(http, "short-lived", get_result_rule({"code": "ERROR"}), expiresAfterMs=60_000).status_code == 201
    assert codes(http, 1) == ["ERROR"]
    http.post("/__admin/clock", json={"advanceMs": 59_000})
    assert codes(http, 1) == ["ERROR"]
    http.post("/__admin/clock", json={"advanceMs": 1_000})
    assert codes(http, 1) == [NORMAL]
    described = http.get("/__admin/scenarios/short-lived").json()
    assert described["active"] is False and described["state"]["expired"] is True


def test_the_active_filter_leaves_out_an_expired_scenario(http: httpx.Client) -> None:
    http.post("/__admin/scenarios/outage")
    http.post("/__admin/clock", json={"advanceMs": 300_000})
    listed = http.get("/__admin/scenarios", params={"active": "true"}).json()["scenarios"]
    assert all(s["active"] for s in listed), [(s["name"], s["active"]) for s in listed]
    assert "outage" not in {s["name"] for s in listed}


def test_a_header_scenario_expires_from_each_callers_first_call(http: httpx.Client) -> None:
    define(http, "brief", get_result_rule({"code": "ERROR"}), expiresAfterMs=60_000)
    http.delete("/__admin/scenarios/brief")
    early, late = (
        {"X_Mock_Scenario": "brief", "X_Mock_Caller": "early"},
        {"X_Mock_Scenario": "brief", "X_Mock_Caller": "late"},
    )
    assert codes(http, 1, **early) == ["ERROR"]
    http.post("/__admin/clock", json={"advanceMs": 40_000})
    assert codes(http, 1, **late) == ["ERROR"]
    http.post("/__admin/clock", json={"advanceMs": 30_000})
    assert codes(http, 1, **early) + codes(http, 1, **late) == [NORMAL, "ERROR"]


def test_an_outage_window_inside_a_longer_scenario(http: httpx.Client) -> None:
    window = {"fromMs": 10_000, "toMs": 20_000}
    define(http, "blip", get_result_rule({"fault": "http_503"}, window=window))
    statuses = []
    for _ in range(4):
        statuses.append(result(http).status_code)
        http.post("/__admin/clock", json={"advanceMs": 7_000})
    assert statuses == [200, 200, 503, 200]  # at 0, 7, 14 and 21 s of mock time


def test_a_window_that_can_never_open_is_refused(http: httpx.Client) -> None:
    response = define(http, "never", get_result_rule({"code": "ERROR"}, window={"fromMs": 60_000, "toMs": 30_000}))
    assert response.status_code == 400 and "window" in response.json()["error"]


def flaky_codes(url: str, caller: str, noise: bool = False) -> list[str]:
    """Get Result 24 times under `flaky` named in the header by ``caller``; other traffic in between if ``noise``."""
    seen = []
    with httpx.Client(base_url=url, timeout=5) as client:
        for n in range(24):
            if noise and n % 3 == 0:
                result(client, X_Mock_Scenario="flaky", X_Mock_Caller="someone-else")
                send(client, TENCENT_RESULT, X_Mock_Scenario="flaky", X_Mock_Caller="a-third-one")
                result(client)
            seen.append(result(client, X_Mock_Scenario="flaky", X_Mock_Caller=caller).json()["code"])
    return seen


def test_a_seed_replays_each_callers_draws_whatever_runs_in_between() -> None:
    with ThreadedServer(create_app(Settings(port=0, seed=4242))) as one:
        quiet = flaky_codes(one.url, "ci-job-1")
    assert 2 <= quiet.count("SERVICE_BUSY") <= 18 and set(quiet) == {"SERVICE_BUSY", NORMAL}
    with ThreadedServer(create_app(Settings(port=0, seed=4242))) as two:
        assert flaky_codes(two.url, "ci-job-1", noise=True) == quiet
        assert flaky_codes(two.url, "ci-job-2") != quiet  # another caller, another stream


# --- the command line ---------------------------------------------------------------------------

CI_SCENARIO = """\
description: Get Result is busy twice, then answers; Get Token is slow for test users
rules:
  - name: busy
    match: {endpoint: get_result, first: 2}
    respond: {code: SERVICE_BUSY, retryAfter: 2}
  - name: ok
    match: {endpoint: get_result}
    respond: {}
  - name: slow-test-users
    match: {endpoint: get_token, userId__startswith: "test-"}
    respond: {delayMs: {uniform: [200, 300]}}
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[httpx.Client]:
    """`liveness-mock serve` in a real process, with a CI fixture folder and two start-up scenarios."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "busy-then-ok.yaml").write_text(CI_SCENARIO)
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--seed", "7", "--fixtures", str(tmp_path)]
    command += ["--scenario", "busy-then-ok", "--scenario", "get_video.VIDEO_NOT_FOUND"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split("serving on ", 1)[1].split()[0]
            with httpx.Client(base_url=url, timeout=5) as client:
                yield client
        finally:
            process.terminate()
            process.communicate(timeout=15)


def test_the_cli_activates_repeated_scenarios_from_a_ci_fixture_folder(served: httpx.Client) -> None:
    answers = [result(served) for _ in range(3)]
    assert [r.json()["code"] for r in answers] == ["SERVICE_BUSY", "SERVICE_BUSY", NORMAL]
    assert answers[0].headers["retry-after"] == "2"
    assert served.get(VIDEO_PATH, params={"livenessId": "x"}).json()["code"] == "VIDEO_NOT_FOUND"
    served.post(GET_TOKEN_PATH, json={"returnUrl": RETURN_URL, "region": "IDN", "userId": "test-7"})
    slow = served.get("/__admin/requests", params={"endpoint": "get_token"}).json()["requests"][0]
    assert slow["rule"] == "slow-test-users" and 200 <= slow["delayMs"] <= 300
    active = served.get("/__admin/scenarios", params={"active": "true"}).json()["scenarios"]
    vias = {s["name"]: s["state"]["via"] for s in active}
    assert vias == {"magic-values": "always-on", "busy-then-ok": "startup", "get_video.VIDEO_NOT_FOUND": "startup"}
    served.post("/__admin/reset")
    assert [r.json()["code"] for r in (result(served), result(served), result(served))] == [
        "SERVICE_BUSY",
        "SERVICE_BUSY",
        NORMAL,
    ]  # a reset starts the start-up scenarios over


# Scenarios over real HTTP: every documented code on demand, activation, state machines, magic values.

EVERY_CODE = [(e.id, code) for e in CATALOG.endpoints.values() for code in e.codes]
MAGIC_FIELDS = ("userId", "bizId", "signatureId", "livenessId", "accessKey", "titleText", "SdkToken")
BUSY_TWICE: dict[str, Any] = {
    "name": "busy-twice",
    "rules": [
        {"name": "busy", "match": {"endpoint": "get_result", "first": 2}, "respond": {"code": "SERVICE_BUSY"}},
        {"name": "ok", "match": {"endpoint": "get_result"}, "respond": {}},
    ],
}
Poll = Callable[..., list[str]]


@pytest.fixture
def poll(api: httpx.Client) -> Poll:
    """Get Result of a completed session, n times: the codes (SUCCESS when nothing interferes)."""
    signature_id = h5_session(api, str(api.headers["X-ACCESS-TOKEN"]))["signatureId"]
    complete(api, signature_id, "pass")

    def codes(n: int = 1, **headers: str) -> list[str]:
        body, sent = {"signatureId": signature_id}, {k.replace("_", "-"): v for k, v in headers.items()}
        return [api.post(GET_RESULT_PATH, json=body, headers=sent).json()["code"] for _ in range(n)]

    return codes


@pytest.mark.parametrize(("endpoint_id", "code"), EVERY_CODE, ids=[f"{e}.{c}" for e, c in EVERY_CODE])
def test_every_documented_code_of_every_endpoint_has_a_shipped_scenario(
    http: httpx.Client, catalog: Catalog, contract: ContractSchemas, endpoint_id: str, code: str
) -> None:
    endpoint = catalog.endpoints[endpoint_id]
    spec = endpoint.codes[code]
    response = send(http, endpoint, X_Mock_Scenario=f"{endpoint_id}.{code}")
    body = response.json()
    assert response.status_code == spec.http_status
    assert contract.response_problems(endpoint_id, body) == []
    assert contract.code_of(endpoint_id, body) == code
    assert ("retry-after" in response.headers) == spec.retry_after


def test_the_shipped_scenarios_are_listed(http: httpx.Client) -> None:
    listed = {s["name"]: s for s in http.get("/__admin/scenarios").json()["scenarios"]}
    assert {f"{e}.{c}" for e, c in EVERY_CODE} <= set(listed)
    assert {"flaky", "slow", "rate-limited", "outage", "attack", "connection-reset", "truncated-body"} <= set(listed)
    assert [name for name, s in listed.items() if s["active"]] == ["magic-values"]


CONTRACT = load_contract(CATALOG, schemas_dir())
MAGIC = [eid for eid, schema in CONTRACT.requests.items() if set(MAGIC_FIELDS) & set(schema["properties"])]


@pytest.mark.parametrize("endpoint_id", MAGIC)
def test_a_magic_value_picks_a_documented_code_without_an_admin_call(
    http: httpx.Client, contract: ContractSchemas, endpoint_id: str
) -> None:
    endpoint = CATALOG.endpoints[endpoint_id]
    field = next(f for f in MAGIC_FIELDS if f in contract.requests[endpoint_id]["properties"])
    code = next(c for c in reversed(endpoint.codes) if c != "SUCCESS")
    response = send(http, endpoint, REQUESTS[endpoint_id] | {field: f"mock-code-{code}-anything"})
    assert contract.code_of(endpoint_id, response.json()) == code
    assert contract.response_problems(endpoint_id, response.json()) == []


def test_only_apply_liveness_token_has_no_magic_field() -> None:
    assert set(CATALOG.endpoints) - set(MAGIC) == {"apply_liveness_token"}  # SecureLevel only: use X-Mock-Scenario


def test_a_magic_code_the_endpoint_does_not_document_is_ignored(api: httpx.Client) -> None:
    video = "/liveness/ext/v1/get-video"

    def code(liveness_id: str) -> str:
        return str(api.get(video, params={"livenessId": liveness_id}).json()["code"])

    # Get Video documents LIVENESS_ID_NOT_EXIST; the longer LIVENESS_ID_NOT_EXISTED is Liveness Detection's
    assert code("mock-code-LIVENESS_ID_NOT_EXIST") == "LIVENESS_ID_NOT_EXIST"
    assert code("mock-code-LIVENESS_ID_NOT_EXISTED") == code("mock-code-RESULT_NOT_FOUND") == code("x-mock-code-ERROR")
    assert code("x-mock-code-ERROR") != "ERROR"  # the normal answer, whatever it is for an unknown id


def test_activate_list_and_deactivate_at_runtime(http: httpx.Client, poll: Poll) -> None:
    assert http.post("/__admin/scenarios/get_result.RESULT_NOT_FOUND").json()["active"] is True
    assert poll() == ["RESULT_NOT_FOUND"]
    active = {s["name"] for s in http.get("/__admin/scenarios", params={"active": "true"}).json()["scenarios"]}
    assert active == {"get_result.RESULT_NOT_FOUND", "magic-values"}
    assert http.delete("/__admin/scenarios/get_result.RESULT_NOT_FOUND").json()["wasActive"] is True
    assert poll() == ["SUCCESS"]
    http.post("/__admin/scenarios/gateway-html")
    http.post("/__admin/scenarios/get_result.ERROR")
    assert http.delete("/__admin/scenarios").json()["deactivated"] == ["gateway-html", "get_result.ERROR"]
    assert poll() == ["SUCCESS"]
    assert http.post(GET_RESULT_PATH, json={"signatureId": "mock-code-ERROR"}).json()["code"] == "ERROR"  # magic stays


def test_an_unknown_scenario_is_a_404_with_a_suggestion(http: httpx.Client) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = http.request(method, "/__admin/scenarios/flakey")
        assert response.status_code == 404 and "did you mean 'flaky'" in response.json()["error"]


def test_an_inline_scenario_is_a_state_machine(http: httpx.Client, poll: Poll) -> None:
    created = http.post("/__admin/scenarios", json=BUSY_TWICE)
    assert created.status_code == 201 and created.json()["active"] is True
    assert poll(4) == ["SERVICE_BUSY", "SERVICE_BUSY", "SUCCESS", "SUCCESS"]
    state = http.get("/__admin/scenarios/busy-twice").json()["state"]["rules"]
    assert state == [{"rule": "busy", "calls": 4, "fired": 2}, {"rule": "ok", "calls": 2, "fired": 2}]
    http.post("/__admin/scenarios/busy-twice")  # activating again starts over
    assert poll(3) == ["SERVICE_BUSY", "SERVICE_BUSY", "SUCCESS"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"name": "x", "rules": [{"match": {"endpoint": "get_video"}, "respond": {"code": "RESULT_NOT_FOUND"}}]},
            "rules/0/respond/code: RESULT_NOT_FOUND is not documented for get_video",
        ),
        ({"name": "x", "rules": [{"match": {"endpiont": "get_video"}, "respond": {}}]}, "did you mean 'endpoint'"),
        ({"name": "x", "rules": []}, "rules: [] should be non-empty"),
        ({"rules": [{"respond": {}}]}, "needs a name"),
        ({"name": "flaky", "rules": [{"respond": {}}]}, "'flaky' is a file scenario"),
    ],
)
def test_a_bad_inline_scenario_is_a_400_naming_the_field(
    http: httpx.Client, body: dict[str, Any], expected: str
) -> None:
    response = http.post("/__admin/scenarios", json=body)
    assert response.status_code == 400 and expected in response.json()["error"]


def test_header_scenarios_keep_state_per_caller(http: httpx.Client, poll: Poll) -> None:
    http.post("/__admin/scenarios", json=BUSY_TWICE)
    http.delete("/__admin/scenarios/busy-twice")  # defined, but only reachable through the header
    alice = {"X_Mock_Scenario": "busy-twice", "X_Mock_Caller": "alice"}
    bob = {"X_Mock_Scenario": "busy-twice", "X_Mock_Caller": "bob"}
    assert poll(1, **alice) + poll(1, **bob) + poll(2, **alice) + poll(2, **bob) == [
        "SERVICE_BUSY", "SERVICE_BUSY", "SERVICE_BUSY", "SUCCESS", "SERVICE_BUSY", "SUCCESS",
    ]  # fmt: skip
    assert poll() == ["SUCCESS"]  # nobody else is affected
    callers = http.get("/__admin/scenarios/busy-twice").json()["callers"]
    assert len(callers) == 2 and all("alice" not in c["caller"] for c in callers)


def test_without_x_mock_caller_the_access_token_separates_callers(http: httpx.Client, poll: Poll) -> None:
    other = REQUESTS["get_result"]
    http.post("/__admin/scenarios", json=BUSY_TWICE)
    http.delete("/__admin/scenarios/busy-twice")
    assert poll(3, X_Mock_Scenario="busy-twice") == ["SERVICE_BUSY", "SERVICE_BUSY", "SUCCESS"]
    tokenless = http.post(GET_RESULT_PATH, json=other, headers={"X-Mock-Scenario": "busy-twice"})
    assert tokenless.json()["code"] == "SERVICE_BUSY"  # a fresh state: the first call of another caller


def test_an_unknown_header_scenario_is_a_400_mock_error(http: httpx.Client) -> None:
    response = http.post(GET_RESULT_PATH, json=REQUESTS["get_result"], headers={"X-Mock-Scenario": "nope"})
    assert response.status_code == 400 and "no scenario named 'nope'" in response.json()["mockError"]


def test_an_outage_follows_the_mock_clock(http: httpx.Client, poll: Poll) -> None:
    http.post("/__admin/scenarios/outage")
    first = [http.post(GET_RESULT_PATH, json=REQUESTS["get_result"]) for _ in range(3)]
    assert [r.status_code for r in first] == [503, 503, 502]
    assert first[0].json()["code"] == "ERROR" and first[2].headers["content-type"].startswith("text/html")
    http.post("/__admin/clock", json={"advanceMs": 300_000})
    assert http.get("/__admin/scenarios/outage").json()["state"]["expired"] is True
    assert http.post(GET_RESULT_PATH, json=REQUESTS["get_result"]).status_code == 200


def test_a_rule_window_opens_and_closes_on_mock_time(http: httpx.Client, poll: Poll) -> None:
    window = {"endpoint": "get_result", "window": {"fromMs": 60_000, "toMs": 120_000}}
    http.post("/__admin/scenarios", json={"name": "later", "rules": [{"match": window, "respond": {"code": "ERROR"}}]})
    seen = poll()
    for _ in range(2):
        http.post("/__admin/clock", json={"advanceMs": 60_000})
        seen += poll()
    assert seen == ["SUCCESS", "ERROR", "SUCCESS"]


def test_data_overrides_make_an_attack(http: httpx.Client, contract: ContractSchemas) -> None:
    http.post("/__admin/scenarios/attack")
    body = http.post(GET_RESULT_PATH, json=REQUESTS["get_result"]).json()
    assert (body["data"]["score"], body["data"]["attackType"]) == (3, 2)
    detection = send(http, CATALOG.endpoints["liveness_detection"]).json()
    assert (detection["data"]["livenessScore"], detection["data"]["attackType"]) == (12.5, 1)
    assert contract.response_problems("get_result", body) == []
    assert contract.response_problems("liveness_detection", detection) == []


def test_the_quota_runs_out_on_billable_endpoints_only(http: httpx.Client, api: httpx.Client, poll: Poll) -> None:
    http.post("/__admin/scenarios/quota-exhausted")
    liveness_id = http.post("/__admin/liveness", json={"outcome": "pass"}).json()["livenessId"]
    detect = [api.post(DETECTION_PATH, json={"livenessId": liveness_id}).json()["code"] for _ in range(5)]
    assert detect == ["SUCCESS"] * 3 + ["OVER_QUERY_LIMIT"] * 2
    assert poll(2) == ["SUCCESS"] * 2  # Get Result is not billable (docs/choices.md, choice 27)


def test_the_rate_limited_scenario_refills_with_the_mock_clock(http: httpx.Client, poll: Poll) -> None:
    http.post("/__admin/scenarios/rate-limited")
    answers = [http.post(GET_RESULT_PATH, json=REQUESTS["get_result"]) for _ in range(4)]
    assert [r.json()["code"] for r in answers][3] == "SERVICE_BUSY"
    assert answers[3].headers["retry-after"] == "1s"
    assert "Rate limit is exceeded" in answers[3].json()["message"]
    assert poll(4)[3] == "SERVICE_BUSY"  # another caller (an access token) has its own bucket
    http.post("/__admin/clock", json={"advanceMs": 1000})
    assert poll(3) == ["SUCCESS", "SUCCESS", "SERVICE_BUSY"]


def test_tencent_answers_in_its_own_envelope(http: httpx.Client, contract: ContractSchemas) -> None:
    http.post("/__admin/scenarios/flaky")
    endpoint = CATALOG.endpoints["get_liveness_result"]
    codes = [contract.code_of(endpoint.id, send(http, endpoint).json()) for _ in range(12)]
    assert "RequestLimitExceeded" in codes and "SERVICE_BUSY" not in codes
    expired = send(http, endpoint, {"SdkToken": "mock-code-InvalidParameterValue.BizTokenExpired"})
    assert expired.json()["Response"]["Error"]["Code"] == "InvalidParameterValue.BizTokenExpired"


def test_reset_forgets_inline_scenarios_and_activations(http: httpx.Client) -> None:
    http.post("/__admin/scenarios", json=BUSY_TWICE)
    http.post("/__admin/scenarios/flaky")
    http.post("/__admin/reset")
    assert http.get("/__admin/scenarios/busy-twice").status_code == 404
    active = [s["name"] for s in http.get("/__admin/scenarios", params={"active": "1"}).json()["scenarios"]]
    assert active == ["magic-values"]


# --- a recorded body --------------------------------------------------------------------------------


def test_a_body_rule_answers_those_exact_bytes_with_its_status_and_headers(http: httpx.Client) -> None:
    """What ``liveness-mock proxy --record`` writes: the whole answer, even one the catalog lacks."""
    body = {"code": "NEW_VENDOR_CODE", "message": "Something new", "data": {"ü": [1, 2.5, None]}, "extra": None}
    respond = {"body": body, "httpStatus": 429, "headers": {"Retry-After": "7"}}
    assert define(http, "replayed", get_result_rule(respond)).status_code == 201
    answer = result(http, X_Mock_Scenario="replayed")
    assert (answer.status_code, answer.headers["retry-after"]) == (429, "7")
    assert answer.content == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def test_a_body_rule_refuses_a_code_beside_it(http: httpx.Client) -> None:
    answer = define(http, "both", get_result_rule({"body": {}, "code": "SUCCESS"}))
    assert answer.status_code == 400
    assert "code cannot go with body" in answer.text
