"""Rate-limit state on the mock clock: token buckets and sliding windows.

The memory and SQLite stores run these objects; the Redis store runs the same arithmetic in Lua
(``redis_scripts``), so a limit means the same thing on one process and on a fleet.
"""

from __future__ import annotations

from collections import deque


class TokenBucket:
    """``burst`` tokens, refilled at ``per_second``; ``take`` spends one or says how long to wait."""

    __slots__ = ("burst", "last_ms", "per_ms", "tokens")

    def __init__(self, per_second: float, burst: int, now_ms: int) -> None:
        self.per_ms, self.burst = per_second / 1000, burst
        self.tokens, self.last_ms = float(burst), now_ms

    def take(self, now_ms: int) -> float:
        """0 when a token was spent, else the ms until one is back (nothing spent)."""
        self.tokens = min(self.burst, self.tokens + max(0, now_ms - self.last_ms) * self.per_ms)
        self.last_ms = max(self.last_ms, now_ms)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_ms

    def refilled_at(self) -> float:
        """When the bucket is full again: from then on it is the same as a new one."""
        return self.last_ms + (self.burst - self.tokens) / self.per_ms


class SlidingWindow:
    """At most ``limit`` events in any ``window_ms``.

    Tencent documents "a maximum of 20 requests per second" per API: a request is refused when
    ``limit`` others came in the window before it. (A token bucket of 20 refilled at 20/s would
    let a 21st through within a second as soon as 50 ms have passed.)
    """

    __slots__ = ("events", "limit", "window_ms")

    def __init__(self, limit: int, window_ms: int = 1000) -> None:
        self.limit = limit
        self.window_ms = window_ms
        self.events: deque[int] = deque(maxlen=limit)

    def admit(self, now_ms: int) -> bool:
        """Count this event if the window has room for it; False (not counted) when it has none."""
        events = self.events
        if events and now_ms < events[-1]:
            events.clear()  # time went backwards (the mock clock was set into the past)
        if len(events) == self.limit and now_ms - events[0] < self.window_ms:
            return False
        events.append(now_ms)
        return True
