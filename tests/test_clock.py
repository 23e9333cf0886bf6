from __future__ import annotations

from mock_server.clock import MockClock

from .helpers import FakeTime


def test_follows_the_wall_until_moved() -> None:
    wall = FakeTime()
    clock = MockClock(wall=wall)
    assert clock.now_ms() == 1_000_000
    wall.now += 5
    assert clock.now_ms() == 1_000_005


def test_start_set_advance_reset() -> None:
    wall = FakeTime()
    clock = MockClock(1665993522952, wall=wall)
    assert clock.now_ms() == 1665993522952
    wall.now += 10
    assert clock.now_ms() == 1665993522962
    clock.advance(3_600_000)
    assert clock.now_ms() == 1665997122962
    clock.set(5)
    assert clock.now_ms() == 5 and clock.wall_ms() == wall.now
    clock.reset()
    assert clock.now_ms() == 1665993522952
    assert MockClock(wall=wall).now_ms() == wall.now
