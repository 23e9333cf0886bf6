"""``/__admin/clock``, ``/__admin/reset`` and ``/__admin/state``: the mock clock every expiry reads,
a fresh start, and where the state lives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from ..clock import CLOCK_RANGE, MockClock
from .endpoint import AdminError, admin_endpoint, integer_field, json_object


def clock_routes(clock: MockClock) -> list[BaseRoute]:
    async def get_clock(request: Request) -> dict[str, int]:
        return {"nowMs": clock.now_ms(), "wallMs": clock.wall_ms()}

    async def move_clock(request: Request) -> dict[str, int]:
        body = await json_object(request)
        if ("nowMs" in body) == ("advanceMs" in body):
            raise AdminError('give exactly one of "nowMs" or "advanceMs"')
        now = clock.now_ms()
        target = integer_field(body, "nowMs") if "nowMs" in body else now + integer_field(body, "advanceMs")
        if not CLOCK_RANGE[0] <= target <= CLOCK_RANGE[1]:
            raise AdminError(f"the clock must stay between {CLOCK_RANGE[0]} and {CLOCK_RANGE[1]} ms (13 digits)")
        clock.set(target)
        return {"nowMs": clock.now_ms(), "wallMs": clock.wall_ms()}

    return [
        Route("/clock", admin_endpoint(get_clock), methods=["GET"]),
        Route("/clock", admin_endpoint(move_clock), methods=["POST"]),
    ]


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
