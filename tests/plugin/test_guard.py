"""Safe against a real sandbox: Retry-After, token renewal, request rate and budgets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pytest_plugin.calls import Call, ClientCore
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


def test_get_videos_own_token_refusal_is_renewed_too() -> None:
    """Get Video refuses a token with its page's text, which does not say "token" (000)."""
    seen: list[str] = []
    refused = (
        200,
        envelope("IAM_FAILED", "Access denied due to identity or access management certification failed"),
        {},
    )
    api = client([refused, (200, envelope("SIGNATURE_ID_NOT_EXIST"), {})], seen, [])
    assert api.call("get_video", {"signatureId": "x"}).code == "SIGNATURE_ID_NOT_EXIST"
    assert seen.count(TOKEN_PATH) == 2


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


# Written from what keeps a run polite: budgets stopping the run, and Retry-After honoured against a

GET_RESULT = "/openapi/liveness/v4/h5/get-result"
DETECTION_TEST = """
RETURN = "https://a.example/x"

def detect(mock, api):
    created = api.call("get_token", {"returnUrl": RETURN, "region": "IDN"})
    mock.complete(created.data["signatureId"], "pass")
    return api.call("liveness_detection", {"signatureId": created.data["signatureId"]})
"""


@pytest.fixture
def outer(mock_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    """The mock, reset; the inner run signs in to it as a sandbox with the default account."""
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    with httpx.Client(base_url=mock_url, timeout=10) as client:
        client.post("/__admin/reset").raise_for_status()
        yield client


def test_the_billable_budget_stops_paid_calls_and_nothing_else(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        helpers=DETECTION_TEST,
        test_paid="""
        from helpers import detect

        def test_1_paid(liveness_mock, liveness_api):
            assert detect(liveness_mock, liveness_api).pricing == "PAY"

        def test_2_paid_again(liveness_mock, liveness_api):
            detect(liveness_mock, liveness_api)
            raise AssertionError("must be stopped by the budget")

        def test_3_free_calls_go_on(liveness_api):
            assert liveness_api.call("get_result", {"signatureId": "0123456789abcdef"}).code == "SIGNATURE_NOT_EXIST"
        """,
    )
    result = run("--liveness-max-billable=1")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*liveness budget: 1 answers priced PAY (--liveness-max-billable)*"])
    result.stdout.re_match_lines([r"liveness: mock started in-process in \d+\.\d+ s; \d+ API calls, 1 priced PAY"])


def test_the_call_budget_stops_every_client_for_the_rest_of_the_run(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import threading

        def test_1_spends(liveness_api):
            liveness_api.call("get_result", {"signatureId": "x"})  # + Token Authentication: 2 calls

        def test_2_sync(liveness_api):
            liveness_api.call("get_result", {"signatureId": "x"})
            raise AssertionError("must be stopped")

        def test_3_async(liveness_async_api):
            caught = []

            def worker():
                try:
                    asyncio.run(liveness_async_api.call("get_result", {"signatureId": "x"}))
                except BaseException as exc:
                    caught.append(exc)

            thread = threading.Thread(target=worker)
            thread.start()
            thread.join(10)
            raise caught[0] if caught else AssertionError("the async client ignored the budget")

        def test_4_fetch(liveness_api):
            liveness_api.fetch("http://127.0.0.1:9/anything")
            raise AssertionError("must be stopped")
        """
    )
    result = run("--liveness-max-calls=2")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(["SKIPPED [[]3[]] *liveness budget: 2 calls made (--liveness-max-calls)"])


@pytest.mark.parametrize(
    ("respond", "header"),
    [
        ({"code": "SERVICE_BUSY", "message": "rate_limited", "retryAfter": "1s"}, "1s"),
        ({"code": "SERVICE_BUSY", "message": "rate_limited", "retryAfter": 1}, "1"),
        ({"code": "RETRY_LATER", "retryAfter": "1s"}, "1s"),
        ({"code": "SERVICE_BUSY", "message": "rate_limited", "retryAfter": 1, "httpStatus": 429}, "1"),
    ],
    ids=["busy-10s-form", "busy-plain-seconds", "retry-later", "busy-http-429"],
)
def test_retry_after_is_honoured_against_a_busy_mock(
    run: Run, pytester: pytest.Pytester, outer: httpx.Client, mock_url: str, respond: dict[str, Any], header: str
) -> None:
    scenario = {"name": "busy-once", "rules": [{"match": {"endpoint": "get_result", "first": 1}, "respond": respond}]}
    outer.post("/__admin/scenarios", json=scenario).raise_for_status()
    pytester.makepyfile(
        """
        import time

        def test_waits(liveness_api):
            began = time.monotonic()
            answer = liveness_api.call("get_result", {"signatureId": "0123456789abcdef"})
            waited = time.monotonic() - began
            assert answer.code == "SIGNATURE_NOT_EXIST", answer
            assert 0.95 <= waited < 5, waited
            assert liveness_api.usage.retries == 1
        """
    )
    result = run("--liveness-target=sandbox", f"--liveness-base-url={mock_url}", "--liveness-rate=0")
    result.assert_outcomes(passed=1)
    result.stdout.re_match_lines([r"liveness: .*\d+ API calls, 0 priced PAY, 1 retried"])
    seen = outer.get("/__admin/requests", params={"endpoint": "get_result"}).json()["requests"]
    assert [e["status"] for e in reversed(seen)] == [respond.get("httpStatus", 200), 200]


def test_busy_answers_are_not_retried_on_the_mock_target(run: Run, pytester: pytest.Pytester) -> None:
    """On the mock a test sees the forced SERVICE_BUSY itself (docs/plugin.md: retried on a sandbox)."""
    pytester.makepyfile(
        """
        def test_sees_it(liveness_scenario, liveness_api):
            liveness_scenario("get_result.SERVICE_BUSY")
            assert liveness_api.call("get_result", {"signatureId": "x"}).code == "SERVICE_BUSY"
            assert liveness_api.usage.retries == 0
        """
    )
    run().assert_outcomes(passed=1)


def test_the_rate_option_spaces_requests(
    run: Run, pytester: pytest.Pytester, outer: httpx.Client, mock_url: str
) -> None:
    pytester.makepyfile(
        """
        import time

        def test_paced(liveness_api):
            began = time.monotonic()
            for _ in range(4):  # + Token Authentication: 5 requests at 10 per second
                liveness_api.call("get_result", {"signatureId": "x"})
            assert time.monotonic() - began >= 0.38
        """
    )
    run("--liveness-target=sandbox", f"--liveness-base-url={mock_url}", "--liveness-rate=10").assert_outcomes(passed=1)


def test_the_documented_rate_limit_code_is_retried_after_its_window() -> None:
    """The client paces below Tencent's 20 per second, but the server counts arrivals, which a slow
    network can bunch: RequestLimitExceeded (the catalog's rate-limit code) waits a second, then resends."""
    core = ClientCore(Target("sandbox", "http://vendor.test"), Credentials("k", "s"), retries=2)
    call = Call("POST", "http://vendor.test/", {}, endpoint_id="get_liveness_result")
    limited = {"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "x"}, "RequestId": "r"}}
    assert core.after(call, httpx.Response(200, json=limited), attempt=0) == ("wait", 1.0)
    assert core.after(call, httpx.Response(200, json=limited), attempt=2) == ("done", 0.0)
    other = {"Response": {"Error": {"Code": "InvalidParameter", "Message": "x"}, "RequestId": "r"}}
    assert core.after(call, httpx.Response(200, json=other), attempt=0) == ("done", 0.0)
