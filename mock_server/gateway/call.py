"""One vendor request as it travels the gateway (``Call``), and the shapes of what handles it:
actions, guards, interceptors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message

from ..accounts import Account
from ..contract.catalog import Endpoint, Route
from ..contract.outcome import Outcome
from .wire import WireRequest

KEPT_RESPONSE_BYTES = 8192  # of a streamed answer's body (a fault's, a page's), for the journal


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
    body was never parsed), ``body`` the raw body as read. ``response_headers`` and
    ``response_body`` are the answer as sent (the body up to ``KEPT_RESPONSE_BYTES`` when it was
    streamed; a whole answer is kept by reference, and the journal bounds it; ``response_value``
    is the value an envelope encoded, if any).
    """

    __slots__ = (
        "body", "headers", "latency_ms", "method", "notes", "params", "path", "query",
        "response_body", "response_headers", "response_value", "status", "time_ms",
    )  # fmt: skip

    def __init__(self, time_ms: int, method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.time_ms, self.method, self.path, self.query, self.headers = time_ms, method, path, query, headers
        self.notes: dict[str, Any] = {}
        self.params: Any = None
        self.body = b""
        self.status: int | None = None
        self.latency_ms = 0.0
        self.response_headers: list[tuple[bytes, bytes]] = []
        self.response_body = b""
        self.response_value: Any = None  # what response_body encodes, when the gateway rendered it

    def saw(self, message: Message) -> None:
        """Keep what an answer sends, message by message: its headers and the start of its body."""
        if message["type"] == "http.response.start":
            self.response_headers = list(message.get("headers", ()))
        elif message["type"] == "http.response.body" and len(self.response_body) < KEPT_RESPONSE_BYTES:
            self.response_body += message.get("body", b"")[: KEPT_RESPONSE_BYTES - len(self.response_body)]

    def finish(self, notes: dict[str, Any], body: bytes, status: int | None, seconds: float) -> None:
        self.params = notes.pop("params", None)
        self.notes, self.body, self.status, self.latency_ms = notes, body, status, seconds * 1000


Recorder = Callable[[Exchange], None]
