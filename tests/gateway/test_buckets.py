"""Token buckets on the mock clock, and the per-account rate limit."""

from __future__ import annotations

import pytest

from mock_server.accounts import Account, Accounts
from mock_server.clock import MockClock
from mock_server.contract.catalog import Catalog
from mock_server.contract.outcome import ApiError
from mock_server.gateway.buckets import AccountRateLimits, TokenBucket, retry_after
from mock_server.gateway.call import Call


def test_a_bucket_spends_its_burst_then_refills_with_time() -> None:
    bucket = TokenBucket(per_second=2, burst=3, now_ms=0)
    assert [bucket.take(0) for _ in range(3)] == [0, 0, 0]
    assert bucket.take(0) == pytest.approx(500)
    assert bucket.take(250) == pytest.approx(250)  # nothing spent while waiting
    assert bucket.take(500) == 0
    assert bucket.take(10_000) == 0 and bucket.tokens == pytest.approx(2)  # never more than the burst


def test_a_clock_moved_back_does_not_mint_tokens() -> None:
    bucket = TokenBucket(per_second=1, burst=1, now_ms=5_000)
    assert bucket.take(5_000) == 0
    assert bucket.take(1_000) > 0 and bucket.take(5_999) > 0 and bucket.take(6_000) == 0


@pytest.mark.parametrize(("wait_ms", "header"), [(1, "1s"), (999, "1s"), (1001, "2s"), (0, "1s"), (9500, "10s")])
def test_retry_after_uses_the_documented_form(wait_ms: float, header: str) -> None:
    assert retry_after(wait_ms) == header


def test_an_accounts_limit_answers_in_the_endpoints_own_terms(catalog: Catalog) -> None:
    throttled = Account("throttled", "k", "s", rate_per_second=1, rate_burst=1)
    limits = AccountRateLimits(Accounts([throttled]), MockClock(0, wall=lambda: 0))
    refused = {}
    for endpoint_id in ("get_result", "get_liveness_result"):
        endpoint = catalog.endpoints[endpoint_id]
        call = Call(endpoint, endpoint.routes[0], endpoint.routes[0].host, {}, None, account=throttled)  # type: ignore[arg-type]
        limits(call)
        with pytest.raises(ApiError) as raised:
            limits(call)
        refused[endpoint_id] = (raised.value.outcome.code, raised.value.outcome.headers.get("Retry-After"))
        limits.reset()
    assert refused == {"get_result": ("SERVICE_BUSY", "1s"), "get_liveness_result": ("RequestLimitExceeded", None)}
