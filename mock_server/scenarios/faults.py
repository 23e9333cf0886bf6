"""Faults: what a broken network or gateway does to an answer, each as a small ASGI app.

Latency is a seeded draw (fixed, uniform, lognormal with a cap) awaited with ``asyncio.sleep``
so one slow answer never blocks the others. Body faults take the answer the endpoint would have
sent and damage it; ``connection_reset`` closes the socket with a TCP RST before any byte.
"""

from __future__ import annotations

import asyncio
import math
import random
import socket
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

SEND_KEY = "mock.send"  # scope key: the server's own send, through which a fault reaches the transport
GATEWAY_HTML = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-out"}


@dataclass(frozen=True)
class Delay:
    """Latency in ms: ``200``, ``{uniform: [100, 300]}`` or ``{lognormal: {medianMs, sigma, capMs}}``."""

    kind: str
    low: float
    high: float = 0.0
    sigma: float = 0.0

    def sample(self, rng: random.Random) -> float:
        if self.kind == "uniform":
            return rng.uniform(self.low, self.high)
        if self.kind == "lognormal":
            return min(rng.lognormvariate(math.log(self.low), self.sigma), self.high)
        return self.low

    @classmethod
    def parse(cls, spec: Any) -> Delay:
        if isinstance(spec, int | float):
            return cls("fixed", float(spec))
        if "uniform" in spec:
            low, high = spec["uniform"]
            return cls("uniform", float(low), float(high))
        log = spec["lognormal"]
        return cls("lognormal", float(log["medianMs"]), float(log.get("capMs", 30_000)), float(log.get("sigma", 0.5)))


@dataclass(frozen=True)
class Fault:
    """A fault by name with its options; ``envelope`` faults answer a documented code instead."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def needs_answer(self) -> bool:
        """Whether the fault damages the endpoint's own answer (so that answer is computed first)."""
        return self.name in ("truncated_json", "slow_body", "wrong_content_type", "empty_body")

    @property
    def envelope(self) -> tuple[str, int] | None:
        """(code, HTTP status) for the faults that are documented envelopes at another status."""
        if self.name == "http_429":
            return ("SERVICE_BUSY", 429)
        if self.name in ("http_500", "http_502", "http_503", "http_504"):
            return ("ERROR", int(self.name[5:]))
        return None


FAULT_NAMES = (
    "connection_reset",
    "empty_body",
    "truncated_json",
    "slow_body",
    "wrong_content_type",
    "gateway_html",
    "http_429",
    "http_500",
    "http_502",
    "http_503",
    "http_504",
)


def fault_app(fault: Fault, answer: Response | None = None) -> ASGIApp:
    """The ASGI app that plays ``fault`` (over ``answer``, the endpoint's own response, if it needs one)."""
    builders: dict[str, Callable[[Fault, Response], ASGIApp]] = {
        "empty_body": lambda f, a: _raw(a.status_code, b"", a.headers),
        "truncated_json": lambda f, a: _raw(a.status_code, _cut(bytes(a.body), f), a.headers),
        "wrong_content_type": lambda f, a: _raw(
            a.status_code, bytes(a.body), a.headers, f.options.get("contentType", "text/plain; charset=utf-8")
        ),
        "slow_body": lambda f, a: Drip(a, int(f.options.get("chunkBytes", 16)), f.options.get("intervalMs", 100)),
    }
    if fault.name == "connection_reset":
        return reset_connection
    if fault.name == "gateway_html":
        status = int(fault.options.get("httpStatus", 502))
        page = GATEWAY_HTML.format(status=status, reason=REASONS.get(status, "Error"))
        return Response(page, status_code=status, media_type="text/html")
    assert answer is not None, f"{fault.name} damages an answer: give one"
    return builders[fault.name](fault, answer)


def _cut(body: bytes, fault: Fault) -> bytes:
    keep = float(fault.options.get("keepFraction", 0.5))
    return body[: min(len(body) - 1, max(1, int(len(body) * keep)))]


def _raw(status: int, body: bytes, headers: Mapping[str, str], content_type: str | None = None) -> Response:
    kept = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "content-type")}
    return Response(body, status_code=status, headers=kept, media_type=content_type or headers.get("content-type"))


class Drip:
    """The answer, ``chunk`` bytes at a time, ``interval_ms`` apart (Content-Length announced up front)."""

    def __init__(self, answer: Response, chunk: int, interval_ms: float) -> None:
        self.answer, self.chunk, self.interval = answer, max(1, chunk), interval_ms / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = bytes(self.answer.body)
        await send(
            {"type": "http.response.start", "status": self.answer.status_code, "headers": self.answer.raw_headers}
        )
        request = Request(scope, receive)
        for start in range(0, len(body), self.chunk):
            if await sleep_unless_gone(request, self.interval):
                return  # the client left: stop dripping into a closed connection
            more = start + self.chunk < len(body)
            await send({"type": "http.response.body", "body": body[start : start + self.chunk], "more_body": more})


async def sleep_unless_gone(request: Request, seconds: float, step: float = 0.05) -> bool:
    """Sleep, but stop early (and say so) when the client disconnects: a latency fault must not
    hold a dead connection, nor keep a server that is asked to stop waiting for it."""
    deadline = asyncio.get_running_loop().time() + seconds
    while (remaining := deadline - asyncio.get_running_loop().time()) > 0:
        await asyncio.sleep(min(step, remaining))
        if await request.is_disconnected():
            return True
    return False


async def reset_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """Reset the client's connection before any byte of a response; wait until the server saw it go."""
    server_send = scope.get(SEND_KEY)
    if not _abort(getattr(getattr(server_send, "__self__", None), "transport", None)):
        raise ConnectionResetError("connection_reset fault (no transport to abort: not served by uvicorn?)")
    for _ in range(100):  # bounded: the disconnect is the next event once the transport is gone
        try:
            message = await asyncio.wait_for(receive(), timeout=0.05)
        except TimeoutError:
            continue
        if message["type"] == "http.disconnect":
            return


def _abort(transport: Any) -> bool:
    """SO_LINGER 0 then abort: the kernel answers with RST (a real "connection reset by peer")."""
    if transport is None or not hasattr(transport, "abort"):
        return False
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return True
