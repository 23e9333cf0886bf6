"""What uvicorn's HTTP protocol lacks: deadlines for slow clients, and a JSON answer to non-HTTP.

uvicorn closes a connection only when it stays silent for ``timeout_keep_alive`` after a
response, and any byte received disarms that timer: a connection that never sends a byte, sends
its head one byte at a time (slowloris) or never finishes its body is held forever (uvicorn has no
header-read timeout, and ASGI middleware runs only once a head is parsed). ``with_deadlines``
wraps uvicorn's protocol class: once a connection may send a request, its head must be complete
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


def with_deadlines(base: type[Any], head_s: float, body_s: float) -> type[asyncio.Protocol]:
    """``base`` (uvicorn's h11 or httptools protocol) with request deadlines and a JSON 400."""

    class DeadlineProtocol(base):  # type: ignore[misc]
        _deadline: asyncio.TimerHandle | None = None
        _body_cycle: object = None

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self._arm(head_s)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm(head_s)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def send_400_response(self, msg: str) -> None:
            body = bad_request_body()
            head = [b"HTTP/1.1 400 Bad Request\r\n"]
            head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
            head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body)]
            self.transport.write(b"".join([*head, b"connection: close\r\n\r\n", body]))
            self.transport.close()

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
                    self._arm(body_s)
                    return
            log.info("closed a connection from %s: no complete request in time", _peer(self.client))
            self.transport.close()

    DeadlineProtocol.__name__ = DeadlineProtocol.__qualname__ = f"Deadline{base.__name__}"
    return DeadlineProtocol


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
