"""The mock clock: wall time plus an offset that tests move, so expiry never waits in real time."""

from __future__ import annotations

import time
from collections.abc import Callable

DAY_MS = 24 * 3600 * 1000
# The docs' timestamps are 13-digit milliseconds: the clock may be set where "now", "now - 4 s"
# (photo times) and "now + 1 day" (expiries) all keep 13 digits.
CLOCK_RANGE = (1_000_000_000_000, 9_000_000_000_000)


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class MockClock:
    """Ticks with the wall clock; ``set`` and ``advance`` shift it. Every expiry reads ``now_ms``.

    In a fleet, ``on_move`` tells the shared state each new offset and ``adopt`` takes the
    offset another replica set.
    """

    def __init__(self, start_ms: int | None = None, wall: Callable[[], int] = wall_ms) -> None:
        self._wall = wall
        self._start_ms = start_ms
        self._offset = 0
        self.on_move: Callable[[int], object] | None = None
        self.reset()

    def now_ms(self) -> int:
        return self._wall() + self._offset

    def wall_ms(self) -> int:
        """Real time, which clients sign with even after a test moved the mock clock."""
        return self._wall()

    @property
    def offset(self) -> int:
        return self._offset

    def set(self, now_ms: int) -> None:
        self._move(now_ms - self._wall())

    def advance(self, delta_ms: int) -> None:
        self._move(self._offset + delta_ms)

    def follow_wall(self) -> None:
        """Back to wall-clock time (offset 0), whatever ``--clock`` said at start."""
        self._move(0)

    def reset(self) -> None:
        """Back to how it started: the wall clock, or ``start_ms`` from now on."""
        self._move(self.start_offset())

    def start_offset(self) -> int:
        return 0 if self._start_ms is None else self._start_ms - self._wall()

    def adopt(self, offset: int) -> None:
        """Follow an offset set elsewhere (another replica), without announcing it."""
        self._offset = offset

    def _move(self, offset: int) -> None:
        self._offset = offset
        if self.on_move is not None:
            self.on_move(offset)
