"""Scenarios and faults of the mock, on top of real answers: a fault damages the real answer, a
flaky scenario answers some calls itself and lets the others through."""

from __future__ import annotations

import httpx

from .conftest import Chain

CUT = {
    "name": "cut",
    "rules": [{"match": {"endpoint": "token_authentication"}, "respond": {"fault": "truncated_json"}}],
}


def test_a_fault_damages_the_real_answer(clean: Chain) -> None:
    admin = clean.proxy.url + "/__admin/scenarios"
    assert httpx.post(admin, json=CUT, timeout=10).status_code == 201
    assert httpx.post(admin + "/cut", timeout=10).status_code == 200
    answer = clean.token_answer()
    whole = clean.journal(of=clean.upstream)
    assert [e["endpoint"] for e in whole] == ["token_authentication"], "the real service was asked"
    assert answer.content.startswith(b'{"code":"SUCCESS"') and not answer.content.endswith(b"}")
    [entry] = clean.journal()
    assert (entry["scenario"], entry["fault"], entry["contract"]) == ("cut", "truncated_json", [])


def test_flaky_answers_some_calls_itself_and_forwards_the_others(clean: Chain) -> None:
    assert httpx.post(clean.proxy.url + "/__admin/scenarios/flaky", timeout=10).status_code == 200
    codes = [clean.token_answer().json()["code"] for _ in range(12)]
    assert {"SUCCESS", "SERVICE_BUSY"} <= set(codes)  # seeded: the proxy runs with --seed 7
    journal = clean.journal()
    busy = [e for e in journal if e["code"] == "SERVICE_BUSY"]
    assert busy and all(e.get("scenario") == "flaky" and "upstream" not in e for e in busy), busy
    forwarded = clean.journal(of=clean.upstream)
    assert len(forwarded) == codes.count("SUCCESS") == len(journal) - len(busy)
    assert {e["endpoint"] for e in forwarded} == {"token_authentication"}
