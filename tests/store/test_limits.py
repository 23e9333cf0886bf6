"""Token buckets and sliding windows on the mock clock (the memory and SQLite stores run these)."""

from __future__ import annotations

import pytest

from mock_server.store.limits import SlidingWindow, TokenBucket


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


def test_the_21st_event_within_a_second_is_refused_until_the_first_is_a_second_old() -> None:
    window, now = SlidingWindow(20, 1000), 100_000
    for _ in range(20):
        assert window.admit(now)
        now += 40
    assert not window.admit(now)  # 0.8 s after the first
    assert not window.admit(100_999)
    assert window.admit(101_000)  # the first event left the window
    assert not window.admit(101_000)  # the second one (at 100.04 s) has not


def test_refused_events_are_not_counted() -> None:
    window, now = SlidingWindow(1, 1000), 100_000
    assert window.admit(now)
    for _ in range(50):
        now += 10
        assert not window.admit(now)
    assert window.admit(101_000)


def test_a_clock_moved_backwards_empties_the_window() -> None:
    window = SlidingWindow(2, 1000)
    assert window.admit(100_000) and window.admit(100_000) and not window.admit(100_000)
    assert window.admit(50_000)
