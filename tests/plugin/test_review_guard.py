"""Review of what keeps a run polite: budgets stopping the run, and Retry-After honoured against a
real mock forced into SERVICE_BUSY / RETRY_LATER (the sandbox path, over HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import Run

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
    """On the mock a test sees the forced SERVICE_BUSY itself (README: retried on a sandbox)."""
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
