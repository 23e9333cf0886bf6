"""What every ``/__admin`` route shares: the prefix, its error, JSON bodies, bounded integers.

Answers are plain JSON (``{"error": ...}`` with HTTP 400 on bad input), never an envelope: they
are the mock's own API, not the vendor's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

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
