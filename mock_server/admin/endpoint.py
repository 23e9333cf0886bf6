"""What every ``/__admin`` route shares: the prefix, its error, JSON bodies, bounded integers.

Answers are plain JSON (``{"error": ...}`` with HTTP 400 on bad input, 413 on a body over
``MAX_BODY_BYTES``), never an envelope: they are the mock's own API, not the vendor's. Bodies go
through the same strict parser as vendor requests, and are read up to the limit only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..gateway.wire import BodyTooLarge, ClientGone, WireRequest
from ..jsonwire import JSONError, dumps, loads

ADMIN_PREFIX = "/__admin"
MAX_BODY_BYTES = 1 << 20  # an inline scenario with its data is a few KB


class AdminError(ValueError):
    """Bad input to an admin call: answered with ``status`` (400 by default) and this message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class JsonAnswer(JSONResponse):
    """JSONResponse encoded by orjson, which never fails on what the mock stores (and is faster)."""

    def render(self, content: Any) -> bytes:
        return dumps(content)


async def json_object(request: Request) -> dict[str, Any]:
    """The request body (read within its limit by ``bounded_body``) as a JSON object (empty: {}), or AdminError."""
    raw = await request.body()
    try:
        body = loads(raw) if raw.strip() else {}
    except JSONError as exc:
        raise AdminError(f"the body is not JSON the mock accepts ({exc})") from None
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


def query_integer(name: str, value: str) -> int:
    """A query parameter that must be an integer, or AdminError naming it."""
    try:
        return int(value)
    except ValueError:
        raise AdminError(f"{name} must be an integer, not {value!r}") from None


def admin_endpoint(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Turn AdminError into HTTP 400 {"error": ...}; handlers return JSON-able data or a Response."""

    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request)
        except AdminError as exc:
            return JsonAnswer({"error": str(exc)}, status_code=exc.status)
        return result if isinstance(result, Response) else JsonAnswer(result)

    return endpoint


def bounded_body(app: ASGIApp, limit: int = MAX_BODY_BYTES) -> ASGIApp:
    """Read a request's whole body, at most ``limit`` bytes, before ``app`` runs: a body over the
    limit is a JSON 413 on every route (also on one that reads no body), and a client that leaves
    mid-body is dropped without an answer or a traceback. The app then reads the body as usual."""
    too_large = dumps({"error": f"the body is over {limit} bytes"})

    async def bounded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        try:
            body = await WireRequest(scope, receive).body(limit)
        except ClientGone:
            return
        except BodyTooLarge:
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(too_large)).encode())]
            await send({"type": "http.response.start", "status": 413, "headers": [*headers, (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": too_large})
            return
        replayed = [False]

        async def replay() -> Message:
            if replayed[0]:
                return await receive()
            replayed[0] = True
            return {"type": "http.request", "body": body, "more_body": False}

        await app(scope, replay, send)

    return bounded
