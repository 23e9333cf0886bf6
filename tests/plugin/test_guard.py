"""Safe against a real sandbox: Retry-After, token renewal, request rate and budgets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pytest_plugin.calls import ClientCore
from pytest_plugin.client import LivenessClient
from pytest_plugin.guard import Budget, BudgetExhausted, Pacer, retry_after_seconds
from pytest_plugin.target import Credentials, Target

from .conftest import Run

TOKEN_PATH = "/openapi/auth/ticket/v1/generate-token"


def envelope(code: str, message: str = "OK", data: Any = None, pricing: str = "FREE") -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "data": data,
        "extra": None,
        "transactionId": "0" * 16,
        "pricingStrategy": pricing,
    }


def fake_vendor(
    answers: Iterator[tuple[int, dict[str, Any], dict[str, str]]], seen: list[str]
) -> Callable[[httpx.Request], httpx.Response]:
    """Token Authentication always works; every other call gets the next canned answer."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == TOKEN_PATH:
            token = f"token-{seen.count(TOKEN_PATH)}"
            return httpx.Response(200, json=envelope("SUCCESS", data={"token": token, "expiredTime": 2**41}))
        status, body, headers = next(answers)
        return httpx.Response(status, json=body, headers=headers)

    return handle


def client(
    answers: list[tuple[int, dict[str, Any], dict[str, str]]], seen: list[str], sleeps: list[float], **core: Any
) -> LivenessClient:
    transport = httpx.MockTransport(fake_vendor(iter(answers), seen))
    options = {"retries": 3, **core}
    base = ClientCore(Target("sandbox", "http://vendor.test"), Credentials("k", "s"), **options)
    return LivenessClient(base, httpx.Client(transport=transport), sleep=sleeps.append)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("10s", 10), ("7", 7), (" :3s", 3), ("1.5", 1.5), ("Wed, 21 Oct 2015 07:28:00 GMT", 10), (None, 10), ("999", 60)],
)
def test_retry_after_reads_the_documented_forms(value: str | None, seconds: float) -> None:
    assert retry_after_seconds(value) == seconds


def test_busy_answers_are_retried_after_their_retry_after() -> None:
    seen: list[str] = []
    sleeps: list[float] = []
    busy = (200, envelope("SERVICE_BUSY", "Rate limit is exceeded"), {"Retry-After": "7s"})
    later = (200, envelope("RETRY_LATER", "Query failed"), {})
    api = client(
        [busy, later, (429, {}, {"Retry-After": "2"}), (200, envelope("LIVENESS_NO_RESULT"), {})], seen, sleeps
    )
    assert api.call("get_result", {"signatureId": "x"}).code == "LIVENESS_NO_RESULT"
    assert [s for s in sleeps if s] == [7.0, 10.0, 2.0]
    assert api.usage.retries == 3 and seen.count(TOKEN_PATH) == 1


def test_retries_are_bounded() -> None:
    sleeps: list[float] = []
    busy = (200, envelope("SERVICE_BUSY", "Rate limit is exceeded"), {})
    api = client([busy] * 10, [], sleeps, retries=2)
    assert api.call("get_result", {"signatureId": "x"}).code == "SERVICE_BUSY"
    assert [s for s in sleeps if s] == [10.0, 10.0]


def test_a_refused_token_is_renewed_once() -> None:
    seen: list[str] = []
    refused = (200, envelope("IAM_FAILED", "Access denied: Token not found or expired"), {})
    api = client([refused, (200, envelope("LIVENESS_NO_RESULT"), {}), refused, refused], seen, [])
    assert api.call("get_result", {"signatureId": "x"}).code == "LIVENESS_NO_RESULT"
    assert seen.count(TOKEN_PATH) == 2
    assert api.call("get_result", {"signatureId": "x"}).code == "IAM_FAILED", "renewed once, then the answer stands"


def test_the_call_budget_stops_calls_as_a_skip() -> None:
    api = client([(200, envelope("LIVENESS_NO_RESULT"), {})] * 5, [], [], budget=Budget(max_calls=2))
    api.call("get_result", {"signatureId": "x"})  # + Token Authentication = 2
    with pytest.raises(BudgetExhausted, match="2 calls made"):
        api.call("get_result", {"signatureId": "x"})
    assert issubclass(BudgetExhausted, pytest.skip.Exception)


def test_the_billable_budget_stops_only_endpoints_that_may_charge() -> None:
    paid = (200, envelope("SUCCESS", data={}, pricing="PAY"), {})
    api = client([paid, (200, envelope("SIGNATURE_NOT_EXIST"), {})], [], [], budget=Budget(max_billable=1))
    api.call("liveness_detection", {"livenessId": "x"})
    assert api.call("get_result", {"signatureId": "x"}).code == "SIGNATURE_NOT_EXIST"
    with pytest.raises(BudgetExhausted, match="1 answers priced PAY"):
        api.call("liveness_detection", {"livenessId": "x"})


def test_the_pacer_spaces_requests() -> None:
    now = [100.0]
    pacer = Pacer(rate=5, clock=lambda: now[0])
    assert [pacer.delay(), pacer.delay(), pacer.delay()] == pytest.approx([0.0, 0.2, 0.4])
    now[0] += 10
    assert pacer.delay() == 0.0
    assert Pacer(rate=0).delay() == Pacer().delay() == 0.0


def test_a_run_skips_the_tests_past_its_budget(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from hypothesis import given, strategies as st

        def test_spends(liveness_api):
            for _ in range(3):
                liveness_api.call("get_result", {"signatureId": "x"})

        @given(st.integers())
        def test_under_hypothesis(liveness_api, n):
            liveness_api.call("get_result", {"signatureId": str(n)})
        """
    )
    result = run("--liveness-max-calls=4")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*liveness budget: 4 calls made (--liveness-max-calls)*"])


def test_sent_bodies_are_json(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(
        lambda r: (
            seen.append(r) or httpx.Response(200, json=envelope("SUCCESS", data={"token": "t", "expiredTime": 2**41}))
        )
    )
    api = LivenessClient(
        ClientCore(Target("mock", "http://m.test"), Credentials("k", "s")), httpx.Client(transport=transport)
    )
    api.access_token()
    assert json.loads(seen[0].content)["accessKey"] == "k" and seen[0].headers["host"] == "api.advance.ai"
