"""What uvicorn's HTTP protocol lacks: deadlines for slow clients, and a JSON answer to non-HTTP.

uvicorn closes a connection only when it stays silent for ``timeout_keep_alive`` after a
response, and any byte received disarms that timer: a connection that never sends a byte, sends
its head one byte at a time (slowloris) or never finishes its body is held forever (uvicorn has no
header-read timeout, and ASGI middleware runs only once a head is parsed). ``DeadlineMixin``
extends uvicorn's protocol class: once a connection may send a request, its head must be complete
within ``head_s``, then its body within ``body_s``, else the connection is closed. One timer per
request, looked at when it fires: no work per byte received.

uvicorn answers bytes that are not HTTP with a ``text/plain`` 400; the wrapper answers the
documented CLIENT_ERROR envelope instead, so every answer of the mock is JSON.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("mock_server")


def bad_request_body() -> bytes:
    """The CLIENT_ERROR envelope of a request that is not HTTP (the gateway's, for malformed JSON)."""
    envelope = {
        "code": "CLIENT_ERROR",
        "message": "HTTP 400 - Bad Request",
        "data": None,
        "extra": None,
        "transactionId": secrets.token_hex(8),
        "pricingStrategy": "FREE",
    }
    return json.dumps(envelope, separators=(",", ":")).encode()


class DeadlineMixin:
    """Request deadlines and a JSON 400 over one of uvicorn's HTTP protocol classes. The deadlines
    are the config's ``mock_deadlines`` (head, body seconds): a class defined at module level and
    settings on the config, so ``--workers`` can pickle both into its processes."""

    _deadline: asyncio.TimerHandle | None = None
    _body_cycle: object = None
    config: Any
    transport: Any
    loop: asyncio.AbstractEventLoop
    cycle: Any
    client: tuple[str, int] | None
    server_state: Any

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm(self._deadlines()[0])

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm(self._deadlines()[0])

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def send_400_response(self, msg: str) -> None:
        body = bad_request_body()
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body)]
        self.transport.write(b"".join([*head, b"connection: close\r\n\r\n", body]))
        self.transport.close()

    def _deadlines(self) -> tuple[float, float]:
        return getattr(self.config, "mock_deadlines", DEFAULT_DEADLINES)

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        """Close the connection if it is still the client's turn; the app's turn has no deadline."""
        self._deadline = None
        if self.transport.is_closing() or self.transport.get_protocol() is not self:
            return  # closed, or upgraded to a WebSocket protocol that owns the transport now
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if not cycle.more_body:
                return  # the request is in; on_response_complete arms the next deadline
            if self._body_cycle is not cycle:
                self._body_cycle = cycle  # the head came in time: the body gets its own window
                self._arm(self._deadlines()[1])
                return
        log.info("closed a connection from %s: no complete request in time", _peer(self.client))
        self.transport.close()


DEFAULT_DEADLINES = (10.0, 30.0)


class DeadlineH11Protocol(DeadlineMixin, H11Protocol):
    """uvicorn's h11 protocol with the mock's deadlines."""


try:  # httptools is optional: uvicorn falls back to h11 without it
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover
    HTTPTOOLS: type[asyncio.Protocol] | None = None
else:

    class DeadlineHttpToolsProtocol(DeadlineMixin, HttpToolsProtocol):
        """uvicorn's httptools protocol with the mock's deadlines."""

    HTTPTOOLS = DeadlineHttpToolsProtocol


def deadline_protocol() -> type[asyncio.Protocol]:
    """The httptools protocol when httptools is installed (as uvicorn's "auto" picks), else h11."""
    return HTTPTOOLS or DeadlineH11Protocol


def _peer(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "an unknown peer"


class DeniedHandshakeNoise(logging.Filter):
    """uvicorn's WebSocket protocol logs "ASGI callable returned without completing handshake" even
    when the app sent a denial response (the ASGI ``websocket.http.response`` extension), which is
    how the mock answers an upgrade: that line is dropped, every other one kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing handshake."


def quiet_denied_handshakes() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, DeniedHandshakeNoise) for f in logger.filters):
        logger.addFilter(DeniedHandshakeNoise())
