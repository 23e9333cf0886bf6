"""Scenarios over real HTTP: every documented code on demand, activation, state machines, magic values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mock_server.contract.catalog import Catalog
from mock_server.contract.catalog_loader import load_catalog
from mock_server.contract.resources import schemas_dir
from mock_server.contract.schemas import ContractSchemas, load_contract

from ..helpers import DETECTION_PATH, GET_RESULT_PATH, complete, h5_session
from .scenario_client import REQUESTS, send

CATALOG = load_catalog(schemas_dir())
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
    assert poll(2) == ["SUCCESS"] * 2  # Get Result is not billable (README, choice 27)


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
