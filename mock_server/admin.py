"""The control plane under ``/__admin``: the mock clock, reset, and the routes features add.

Answers are plain JSON (``{"error": ...}`` with HTTP 400 on bad input), never an envelope: they
are the mock's own API, not the vendor's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .clock import CLOCK_RANGE, MockClock

ADMIN_PREFIX = "/__admin"


class AdminError(ValueError):
    """Bad input to an admin call: answered with HTTP 400 and this message."""


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or AdminError."""
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise AdminError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise AdminError("the body must be a JSON object")
    return body


MAX_MS = 9_999_999_999_999


def integer_field(body: dict[str, Any], name: str, low: int = -MAX_MS, high: int = MAX_MS) -> int:
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise AdminError(f"{name} must be an integer (milliseconds)")
    if not low <= value <= high:
        raise AdminError(f"{name} must be between {low} and {high}")
    return value


def admin_endpoint(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Turn AdminError into HTTP 400 {"error": ...}; handlers return JSON-able data or a Response."""

    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request)
        except AdminError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return result if isinstance(result, Response) else JSONResponse(result)

    return endpoint


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


def reset_routes(resets: list[Callable[[], None]]) -> list[BaseRoute]:
    async def reset(request: Request) -> dict[str, bool]:
        for reset_one in resets:
            reset_one()
        return {"reset": True}

    return [Route("/reset", admin_endpoint(reset), methods=["POST"])]
