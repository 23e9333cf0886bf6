"""What keeps a run polite to a real sandbox: a request rate, call budgets, and Retry-After.

The pieces only compute (how long to wait, whether a call is allowed); the sync and async clients
do the waiting, so both behave the same.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pytest

from mock_server.contract.conformance import parse_retry_after

DEFAULT_RETRY_AFTER_S = 10.0  # the Glossary: "Retry-After :10s"
MAX_RETRY_AFTER_S = 60.0


class BudgetExhausted(pytest.skip.Exception):  # type: ignore[misc,name-defined]
    """A budget is used up: the test is skipped (hypothesis re-raises skips without shrinking)."""


@dataclass
class Usage:
    calls: int = 0
    billable: int = 0
    retries: int = 0


class Budget:
    """Counts requests and PAY answers; refuses calls past ``max_calls`` or, for endpoints that may
    charge, past ``max_billable``."""

    def __init__(self, max_calls: int | None = None, max_billable: int | None = None) -> None:
        self.max_calls = max_calls
        self.max_billable = max_billable
        self.usage = Usage()
        self._lock = threading.Lock()

    def spend(self, may_charge: bool) -> None:
        with self._lock:
            if self.max_calls is not None and self.usage.calls >= self.max_calls:
                raise BudgetExhausted(f"liveness budget: {self.usage.calls} calls made (--liveness-max-calls)")
            if may_charge and self.max_billable is not None and self.usage.billable >= self.max_billable:
                raise BudgetExhausted(
                    f"liveness budget: {self.usage.billable} answers priced PAY (--liveness-max-billable)"
                )
            self.usage.calls += 1

    def record(self, body: object) -> None:
        if isinstance(body, Mapping) and body.get("pricingStrategy") == "PAY":
            with self._lock:
                self.usage.billable += 1


class Pacer:
    """At most ``rate`` requests per second, across threads."""

    def __init__(self, rate: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def delay(self) -> float:
        """Seconds to wait before the next request (and book its slot)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
            return start - now


class WindowPacer:
    """At most ``limit`` requests in any ``window`` seconds, as a documented limit reads (Tencent:
    "a maximum of 20 requests per second" per action): the next request waits until the oldest
    of the last ``limit`` is ``window`` (plus a margin for clock granularity) behind it."""

    def __init__(
        self, limit: int, window: float = 1.0, margin: float = 0.05, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = window + margin
        self._clock = clock
        self._slots: deque[float] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def delay(self) -> float:
        """Seconds to wait before the next request (and book its slot)."""
        with self._lock:
            now = self._clock()
            start = now
            if self._slots:
                start = max(start, self._slots[-1])
            if len(self._slots) == self._slots.maxlen:
                start = max(start, self._slots[0] + self.window)
            self._slots.append(start)
            return start - now


def retry_after_seconds(value: str | None) -> float:
    """``Retry-After``: "10s" (the documented form), "10", " :10s"; anything else the documented 10 s."""
    seconds = parse_retry_after(value)
    return min(DEFAULT_RETRY_AFTER_S if seconds is None else seconds, MAX_RETRY_AFTER_S)
