"""What every ``/__admin`` route shares: the prefix, its error, JSON bodies, bounded integers.

Answers are plain JSON (``{"error": ...}`` with HTTP 400 on bad input, 413 on a body over
``MAX_BODY_BYTES``), never an envelope: they are the mock's own API, not the vendor's. Bodies go
through the same strict parser as vendor requests, and are read up to the limit only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..jsonwire import JSONError, dumps, loads

ADMIN_PREFIX = "/__admin"
MAX_BODY_BYTES = 1 << 20  # an inline scenario with its data is a few KB
CLIENT_GONE = 499  # nginx's status for a client that left; nobody reads it, the log stays quiet


class AdminError(ValueError):
    """Bad input to an admin call: answered with ``status`` (400 by default) and this message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class JsonAnswer(JSONResponse):
    """JSONResponse encoded by orjson, which never fails on what the mock stores (and is faster)."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


async def json_object(request: Request, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The request body as a JSON object (empty: {}), or AdminError."""
    raw = await read_body(request, limit)
    try:
        body = loads(raw) if raw.strip() else {}
    except JSONError as exc:
        raise AdminError(f"the body is not JSON the mock accepts ({exc})") from None
    if not isinstance(body, dict):
        raise AdminError("the body must be a JSON object")
    return body


async def read_body(request: Request, limit: int) -> bytes:
    """The body, read no further than ``limit`` bytes; a client that left is AdminError 499."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise AdminError(f"the body is over {limit} bytes", 413)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise AdminError(f"the body is over {limit} bytes", 413)
            chunks.append(chunk)
    except ClientDisconnect:
        raise AdminError("the client left before sending its body", CLIENT_GONE) from None
    return b"".join(chunks)


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
            return JsonAnswer({"error": str(exc)}, status_code=exc.status)
        return result if isinstance(result, Response) else JsonAnswer(result)

    return endpoint
