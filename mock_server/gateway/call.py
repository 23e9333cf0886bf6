"""One vendor request as it travels the gateway (``Call``), and the shapes of what handles it:
actions, guards, interceptors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp

from ..accounts import Account
from ..contract.catalog import Endpoint, Route
from ..contract.outcome import Outcome
from .wire import WireRequest


@dataclass
class Call:
    """One vendor request as interceptors, guards and actions see it.

    ``notes`` goes to the request's journal record: write what you decided there.
    ``body`` is the raw request body (signatures cover it); never copy it into the notes.
    """

    endpoint: Endpoint
    route: Route
    host: str
    params: dict[str, Any]
    request: WireRequest
    notes: dict[str, Any] = field(default_factory=dict)
    account: Account | None = None
    body: bytes = b""


Action = Callable[[Call], "Outcome | Awaitable[Outcome]"]
Guard = Callable[[Call], "Awaitable[None] | None"]
# An interceptor may answer instead of the endpoint: with an Outcome (a documented code) or with
# a raw ASGI app (a fault: a reset connection, a truncated body, a gateway page...).
Interceptor = Callable[[Call], "Awaitable[Outcome | ASGIApp | None] | Outcome | ASGIApp | None"]


class Exchange:
    """One request and how it was answered, as recorded: raw, cheap to make on the hot path.

    The journal masks secrets and serializes only when someone reads it. ``headers`` are the ASGI
    scope's (bytes pairs); ``params`` are the parsed parameters (``notes["params"]``, None if the
    body was never parsed), ``body`` the raw body as read.
    """

    __slots__ = (
        "body",
        "headers",
        "latency_ms",
        "method",
        "notes",
        "params",
        "path",
        "query",
        "response",
        "status",
        "time_ms",
    )

    def __init__(self, time_ms: int, method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.time_ms, self.method, self.path, self.query, self.headers = time_ms, method, path, query, headers
        self.notes: dict[str, Any] = {}
        self.params: Any = None
        self.body = b""
        self.response: Any = b""  # the answer's value (or its bytes); a fault's damaged answer is not kept
        self.status: int | None = None
        self.latency_ms = 0.0

    def finish(self, notes: dict[str, Any], body: bytes, status: int | None, seconds: float) -> None:
        self.params = notes.pop("params", None)
        self.notes, self.body, self.status, self.latency_ms = notes, body, status, seconds * 1000


Recorder = Callable[[Exchange], None]
