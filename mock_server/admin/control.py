"""``/__admin/clock``, ``/__admin/reset`` and ``/__admin/state``: the mock clock every expiry reads,
a fresh start, and where the state lives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from ..clock import CLOCK_RANGE, MockClock
from ..store import Store
from .endpoint import AdminError, admin_endpoint, integer_field, json_object
from .expiry import expired_between


def clock_routes(clock: MockClock, store: Store) -> list[BaseRoute]:
    """``GET`` reads the clock (``?advanceMs=N`` or ``?nowMs=N`` also says what that move would
    expire, without moving); ``POST`` sets or moves it; ``DELETE`` puts it back on wall-clock
    time. A move answers with what it expired (``expired``)."""

    def reading() -> dict[str, Any]:
        now, wall = clock.now_ms(), clock.wall_ms()
        return {"nowMs": now, "wallMs": wall, "offsetMs": now - wall}

    def target(fields: dict[str, Any]) -> int:
        if ("nowMs" in fields) == ("advanceMs" in fields):
            raise AdminError('give exactly one of "nowMs" or "advanceMs"')
        now = clock.now_ms()
        to = integer_field(fields, "nowMs") if "nowMs" in fields else now + integer_field(fields, "advanceMs")
        if not CLOCK_RANGE[0] <= to <= CLOCK_RANGE[1]:
            raise AdminError(f"the clock must stay between {CLOCK_RANGE[0]} and {CLOCK_RANGE[1]} ms (13 digits)")
        return to

    def moved(before: int, move: Callable[[], None]) -> dict[str, Any]:
        move()
        after = reading()
        return after | {"expired": expired_between(store, before, after["nowMs"])}

    async def get_clock(request: Request) -> dict[str, Any]:
        query = {key: _int(key, value) for key, value in request.query_params.items()}
        unknown = set(query) - {"nowMs", "advanceMs"}
        if unknown:
            raise AdminError(f"unknown parameter {sorted(unknown)[0]!r} (known: nowMs, advanceMs)")
        if not query:
            return reading()
        to = target(query)
        return reading() | {"wouldExpire": expired_between(store, clock.now_ms(), to)}

    async def move_clock(request: Request) -> dict[str, Any]:
        to = target(await json_object(request))
        return moved(clock.now_ms(), lambda: clock.set(to))

    async def wall_clock(request: Request) -> dict[str, Any]:
        return moved(clock.now_ms(), clock.follow_wall)

    return [
        Route("/clock", admin_endpoint(get_clock), methods=["GET"]),
        Route("/clock", admin_endpoint(move_clock), methods=["POST"]),
        Route("/clock", admin_endpoint(wall_clock), methods=["DELETE"]),
    ]


def _int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise AdminError(f"{name} must be an integer (milliseconds), not {value!r}") from None


def reset_routes(reset_all: Callable[[], None]) -> list[BaseRoute]:
    async def reset(request: Request) -> dict[str, bool]:
        reset_all()
        return {"reset": True}

    return [Route("/reset", admin_endpoint(reset), methods=["POST"])]


def state_routes(describe: Callable[[], dict[str, Any]]) -> list[BaseRoute]:
    """``GET /__admin/state``: where the state lives and which replica answers (on a fleet, each
    process has its own member number)."""

    async def state(request: Request) -> dict[str, Any]:
        return describe()

    return [Route("/state", admin_endpoint(state), methods=["GET"])]
