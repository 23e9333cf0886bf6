"""The per-account rate limit and the Retry-After form (the buckets are tests/store/test_limits.py's)."""

from __future__ import annotations

import pytest

from mock_server.accounts import Account, Accounts
from mock_server.clock import MockClock
from mock_server.contract.catalog import Catalog
from mock_server.contract.outcome import ApiError
from mock_server.gateway.buckets import AccountRateLimits, retry_after
from mock_server.gateway.call import Call
from mock_server.store import MemoryStore


@pytest.mark.parametrize(("wait_ms", "header"), [(1, "1s"), (999, "1s"), (1001, "2s"), (0, "1s"), (9500, "10s")])
def test_retry_after_uses_the_documented_form(wait_ms: float, header: str) -> None:
    assert retry_after(wait_ms) == header


def test_an_accounts_limit_answers_in_the_endpoints_own_terms(catalog: Catalog) -> None:
    throttled = Account("throttled", "k", "s", rate_per_second=1, rate_burst=1)
    store = MemoryStore()
    limits = AccountRateLimits(Accounts([throttled]), MockClock(0, wall=lambda: 0), store)
    refused = {}
    for endpoint_id in ("get_result", "get_liveness_result"):
        endpoint = catalog.endpoints[endpoint_id]
        call = Call(endpoint, endpoint.routes[0], endpoint.routes[0].host, {}, None, account=throttled)  # type: ignore[arg-type]
        limits(call)
        with pytest.raises(ApiError) as raised:
            limits(call)
        refused[endpoint_id] = (raised.value.outcome.code, raised.value.outcome.headers.get("Retry-After"))
        store.reset()
    assert refused == {"get_result": ("SERVICE_BUSY", "1s"), "get_liveness_result": ("RequestLimitExceeded", None)}
