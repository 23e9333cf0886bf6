"""Request rate limits from the catalog (``rate_limit: {per_second, error}``), per account and endpoint.

Tencent documents "a maximum of 20 requests per second" per API: a sliding window
(``store.limits.SlidingWindow``) on the mock clock, so a test can advance the clock instead of
sleeping, kept in the store, so on a fleet 20/s is 20/s for all replicas together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..clock import MockClock
from ..contract.outcome import ApiError
from ..store import Store

if TYPE_CHECKING:
    from .call import Call

WINDOW_MS = 1000


class EndpointRateLimits:
    """A gateway check: the catalog's rate limit of the endpoint, per authenticated account."""

    SCOPE = "endpoint-rate"

    def __init__(self, clock: MockClock, store: Store) -> None:
        self.clock = clock
        self.store = store

    def check(self, call: Call) -> None:
        limit = call.endpoint.rate_limit
        if limit is None or call.account is None:
            return
        name = f"{call.account.name}/{call.endpoint.id}"
        if not self.store.admit(self.SCOPE, name, limit.per_second, WINDOW_MS, self.clock.now_ms()):
            call.notes["rate_limited"] = True
            raise ApiError(limit.error.code, limit.error.message)
