"""Scenarios over real HTTP: every documented code on demand, activation, state machines, magic values."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mock_server.catalog import Catalog, load_catalog
from mock_server.resources import schemas_dir
from mock_server.schemas import ContractSchemas

from .test_gateway import VALID, send

CATALOG = load_catalog(schemas_dir())
EVERY_CODE = [(e.id, code) for e in CATALOG.endpoints.values() for code in e.codes]
GET_RESULT = "/openapi/liveness/v4/h5/get-result"
GET_TOKEN = "/openapi/liveness/v2/h5/token"
BUSY_TWICE: dict[str, Any] = {
    "name": "busy-twice",
    "rules": [
        {"name": "busy", "match": {"endpoint": "get_result", "first": 2}, "respond": {"code": "SERVICE_BUSY"}},
        {"name": "ok", "match": {"endpoint": "get_result"}, "respond": {}},
    ],
}


def codes(client: httpx.Client, n: int, headers: dict[str, str] | None = None) -> list[str]:
    return [client.post(GET_RESULT, json=VALID["get_result"], headers=headers).json()["code"] for _ in range(n)]


@pytest.mark.parametrize(("endpoint_id", "code"), EVERY_CODE, ids=[f"{e}.{c}" for e, c in EVERY_CODE])
def test_every_documented_code_of_every_endpoint_has_a_builtin_scenario(
    http: httpx.Client, catalog: Catalog, contract: ContractSchemas, endpoint_id: str, code: str
) -> None:
    endpoint = catalog.endpoints[endpoint_id]
    spec = endpoint.codes[code]
    http.headers["X-Mock-Scenario"] = f"{endpoint_id}.{code}"
    response = send(http, endpoint.routes[0], VALID[endpoint_id])
    body = response.json()
    assert (response.status_code, body["code"]) == (spec.http_status, code)
    assert contract.response_problems(endpoint_id, body) == []
    assert ("retry-after" in response.headers) == spec.retry_after


def test_the_builtin_scenarios_are_listed_one_per_documented_code(own: httpx.Client) -> None:
    listed = own.get("/__admin/scenarios", params={"kind": "built-in"}).json()["scenarios"]
    assert sorted(s["name"] for s in listed) == sorted(f"{e}.{c}" for e, c in EVERY_CODE)
    assert all(not s["active"] for s in listed)


@pytest.mark.parametrize("endpoint_id", list(CATALOG.endpoints))
def test_a_magic_value_picks_any_documented_code_without_an_admin_call(
    http: httpx.Client, contract: ContractSchemas, endpoint_id: str
) -> None:
    endpoint = CATALOG.endpoints[endpoint_id]
    field = next(
        f
        for f in ("userId", "bizId", "signatureId", "livenessId", "accessKey", "titleText")
        if f in contract.requests[endpoint_id]["properties"]
    )
    code = next(c for c in reversed(endpoint.codes) if c != "SUCCESS")
    response = send(http, endpoint.routes[0], VALID[endpoint_id] | {field: f"mock-code-{code}-anything"})
    assert response.json()["code"] == code
    assert contract.response_problems(endpoint_id, response.json()) == []


def test_a_magic_code_the_endpoint_does_not_document_is_ignored(http: httpx.Client) -> None:
    video = "/liveness/ext/v1/get-video"
    # get_video documents LIVENESS_ID_NOT_EXIST; the longer LIVENESS_ID_NOT_EXISTED is Liveness Detection's
    assert http.get(video, params={"livenessId": "mock-code-LIVENESS_ID_NOT_EXISTED"}).json()["code"] == "SUCCESS"
    assert (
        http.get(video, params={"livenessId": "mock-code-LIVENESS_ID_NOT_EXIST"}).json()["code"]
        == "LIVENESS_ID_NOT_EXIST"
    )
    assert http.get(video, params={"livenessId": "mock-code-RESULT_NOT_FOUND"}).json()["code"] == "SUCCESS"
    assert http.get(video, params={"livenessId": "not-mock-code-ERROR"}).json()["code"] == "SUCCESS"


def test_activate_list_and_deactivate_at_runtime(own: httpx.Client) -> None:
    assert own.post("/__admin/scenarios/get_result.RESULT_NOT_FOUND").json()["active"] is True
    assert codes(own, 1) == ["RESULT_NOT_FOUND"]
    active = {s["name"] for s in own.get("/__admin/scenarios", params={"active": "true"}).json()["scenarios"]}
    assert active == {"get_result.RESULT_NOT_FOUND", "magic-values"}
    assert own.delete("/__admin/scenarios/get_result.RESULT_NOT_FOUND").json()["wasActive"] is True
    assert codes(own, 1) == ["SUCCESS"]
    own.post("/__admin/scenarios/gateway-html")
    own.post("/__admin/scenarios/get_result.ERROR")
    assert own.delete("/__admin/scenarios").json()["deactivated"] == ["gateway-html", "get_result.ERROR"]
    assert codes(own, 1) == ["SUCCESS"]
    assert own.post(GET_RESULT, json={"signatureId": "mock-code-ERROR"}).json()["code"] == "ERROR"  # magic stays on


def test_an_unknown_scenario_is_a_404_with_a_suggestion(own: httpx.Client) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = own.request(method, "/__admin/scenarios/flakey")
        assert response.status_code == 404 and "did you mean 'flaky'" in response.json()["error"]


def test_an_inline_scenario_is_a_state_machine(own: httpx.Client) -> None:
    created = own.post("/__admin/scenarios", json=BUSY_TWICE)
    assert created.status_code == 201 and created.json()["active"] is True
    assert codes(own, 4) == ["SERVICE_BUSY", "SERVICE_BUSY", "SUCCESS", "SUCCESS"]
    state = own.get("/__admin/scenarios/busy-twice").json()["state"]["rules"]
    assert state == [{"rule": "busy", "calls": 4, "fired": 2}, {"rule": "ok", "calls": 2, "fired": 2}]
    own.post("/__admin/scenarios/busy-twice")  # activating again starts over
    assert codes(own, 3) == ["SERVICE_BUSY", "SERVICE_BUSY", "SUCCESS"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"name": "x", "rules": [{"match": {"endpoint": "get_video"}, "respond": {"code": "RESULT_NOT_FOUND"}}]},
            "rules/0/respond/code: RESULT_NOT_FOUND is not documented for get_video",
        ),
        ({"name": "x", "rules": [{"match": {"endpiont": "get_video"}, "respond": {}}]}, "did you mean"),
        ({"name": "x", "rules": []}, "rules: [] should be non-empty"),
        ({"rules": [{"respond": {}}]}, "needs a name"),
        ({"name": "flaky", "rules": [{"respond": {}}]}, "'flaky' is a file scenario"),
    ],
)
def test_a_bad_inline_scenario_is_a_400_naming_the_field(
    own: httpx.Client, body: dict[str, Any], expected: str
) -> None:
    response = own.post("/__admin/scenarios", json=body)
    assert response.status_code == 400 and expected in response.json()["error"]


def test_header_scenarios_keep_state_per_caller(http: httpx.Client) -> None:
    http.post("/__admin/scenarios", json=BUSY_TWICE | {"name": "busy-twice-per-caller"})
    http.delete("/__admin/scenarios/busy-twice-per-caller")  # defined, but only reachable through the header
    alice = {"X-Mock-Scenario": "busy-twice-per-caller", "X-Mock-Caller": "alice"}
    bob = {"X-Mock-Scenario": "busy-twice-per-caller", "X-Mock-Caller": "bob"}
    assert codes(http, 1, alice) + codes(http, 1, bob) + codes(http, 2, alice) + codes(http, 2, bob) == [
        "SERVICE_BUSY", "SERVICE_BUSY", "SERVICE_BUSY", "SUCCESS", "SERVICE_BUSY", "SUCCESS",
    ]  # fmt: skip
    assert codes(http, 1) == ["SUCCESS"]  # nobody else is affected
    callers = http.get("/__admin/scenarios/busy-twice-per-caller").json()["callers"]
    assert len(callers) == 2 and all("alice" not in c["caller"] for c in callers)


def test_an_unknown_header_scenario_is_a_400_mock_error(http: httpx.Client) -> None:
    response = http.post(GET_RESULT, json=VALID["get_result"], headers={"X-Mock-Scenario": "nope"})
    assert response.status_code == 400 and "no scenario named 'nope'" in response.json()["mockError"]


def test_an_outage_window_follows_the_mock_clock(own: httpx.Client) -> None:
    own.post("/__admin/scenarios/outage")
    first = [own.post(GET_RESULT, json=VALID["get_result"]) for _ in range(3)]
    assert [r.status_code for r in first] == [503, 503, 502]
    assert first[0].json()["code"] == "ERROR" and first[2].headers["content-type"].startswith("text/html")
    own.post("/__admin/clock", json={"advanceMs": 300_000})
    assert codes(own, 1) == ["SUCCESS"]
    assert own.get("/__admin/scenarios/outage").json()["state"]["expired"] is True


def test_a_rule_window_opens_and_closes_on_mock_time(own: httpx.Client) -> None:
    rule = {
        "match": {"endpoint": "get_result", "window": {"fromMs": 60_000, "toMs": 120_000}},
        "respond": {"code": "ERROR"},
    }
    own.post("/__admin/scenarios", json={"name": "later", "rules": [rule]})
    seen = codes(own, 1)
    for _ in range(2):
        own.post("/__admin/clock", json={"advanceMs": 60_000})
        seen += codes(own, 1)
    assert seen == ["SUCCESS", "ERROR", "SUCCESS"]


def test_data_overrides_make_an_attack(own: httpx.Client, contract: ContractSchemas) -> None:
    own.post("/__admin/scenarios/attack")
    body = own.post(GET_RESULT, json=VALID["get_result"]).json()
    assert (body["data"]["score"], body["data"]["attackType"]) == (3, 2)
    detection = own.post("/openapi/liveness/v3/detection-result", json=VALID["liveness_detection"]).json()
    assert (detection["data"]["livenessScore"], detection["data"]["attackType"]) == (12.5, 1)
    assert (
        contract.response_problems("get_result", body)
        == contract.response_problems("liveness_detection", detection)
        == []
    )


def test_the_quota_runs_out(own: httpx.Client) -> None:
    own.post("/__admin/scenarios/quota-exhausted")
    assert codes(own, 5) == ["SUCCESS"] * 3 + ["OVER_QUERY_LIMIT"] * 2


def test_the_rate_limited_scenario_refills_with_the_mock_clock(own: httpx.Client) -> None:
    own.post("/__admin/scenarios/rate-limited")
    answers = [own.post(GET_RESULT, json=VALID["get_result"]) for _ in range(4)]
    assert [r.json()["code"] for r in answers] == ["SUCCESS"] * 3 + ["SERVICE_BUSY"]
    assert answers[3].headers["retry-after"] == "1s"
    assert "Rate limit is exceeded" in answers[3].json()["message"]
    own.post("/__admin/clock", json={"advanceMs": 1000})
    assert codes(own, 3) == ["SUCCESS", "SUCCESS", "SERVICE_BUSY"]


def test_reset_forgets_inline_scenarios_and_activations(own: httpx.Client) -> None:
    own.post("/__admin/scenarios", json=BUSY_TWICE)
    own.post("/__admin/reset")
    assert own.get("/__admin/scenarios/busy-twice").status_code == 404
    assert codes(own, 1) == ["SUCCESS"]
