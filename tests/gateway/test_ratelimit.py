"""SlidingWindow: at most N events in any window, refusals not counted; per account and endpoint."""

from __future__ import annotations

from mock_server.gateway.ratelimit import SlidingWindow

from ..helpers import FakeTime


def test_the_21st_event_within_a_second_is_refused_until_the_first_is_a_second_old() -> None:
    clock = FakeTime(100.0)
    window = SlidingWindow(20, 1.0, clock)
    for _ in range(20):
        assert window.admit()
        clock.now += 0.04
    assert not window.admit()  # 0.8 s after the first
    clock.now = 100.9999
    assert not window.admit()
    clock.now = 101.0
    assert window.admit()  # the first event left the window
    assert not window.admit()  # the second one (at 100.04) has not


def test_refused_events_are_not_counted() -> None:
    clock = FakeTime(100.0)
    window = SlidingWindow(1, 1.0, clock)
    assert window.admit()
    for _ in range(50):
        clock.now += 0.01
        assert not window.admit()
    clock.now = 101.0
    assert window.admit()


def test_a_clock_moved_backwards_empties_the_window() -> None:
    clock = FakeTime(100.0)
    window = SlidingWindow(2, 1.0, clock)
    assert window.admit() and window.admit() and not window.admit()
    clock.now = 50.0
    assert window.admit()
