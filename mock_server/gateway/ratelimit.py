"""Request rate limits from the catalog (``rate_limit: {per_second, error}``), per account and endpoint.

Tencent documents "a maximum of 20 requests per second" per API. A sliding window says exactly
that: a request is refused when ``per_second`` others of the same account and endpoint came in
the second before it. (A token bucket of 20 refilled at 20/s would let a 21st through within a
second as soon as 50 ms have passed.) Windows run on the mock clock, so a test can advance the
clock instead of sleeping; a clock moved backwards empties them.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..clock import MockClock
from ..contract.outcome import ApiError

if TYPE_CHECKING:
    from .call import Call


class SlidingWindow:
    """At most ``limit`` events in any ``window`` seconds."""

    def __init__(self, limit: int, window: float = 1.0, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._now = now
        self._events: deque[float] = deque(maxlen=limit)

    def admit(self) -> bool:
        """Count this event if the window has room for it; False (not counted) when it has none."""
        now = self._now()
        if self._events and now < self._events[-1]:
            self._events.clear()  # time went backwards (the mock clock was set into the past)
        if len(self._events) == self.limit and now - self._events[0] < self.window:
            return False
        self._events.append(now)
        return True


class EndpointRateLimits:
    """A gateway check: the catalog's rate limit of the endpoint, per authenticated account."""

    def __init__(self, clock: MockClock) -> None:
        self._now = lambda: clock.now_ms() / 1000
        self._windows: dict[tuple[str, str], SlidingWindow] = {}

    def check(self, call: Call) -> None:
        limit = call.endpoint.rate_limit
        if limit is None or call.account is None:
            return
        key = (call.account.name, call.endpoint.id)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = SlidingWindow(limit.per_second, 1.0, self._now)
        if not window.admit():
            call.notes["rate_limited"] = True
            raise ApiError(limit.error.code, limit.error.message)

    def reset(self) -> None:
        self._windows.clear()
