"""What uvicorn's HTTP protocol lacks: deadlines for slow clients, and a JSON answer to non-HTTP.

uvicorn closes a connection only when it stays silent for ``timeout_keep_alive`` after a
response, and any byte received disarms that timer: a connection that never sends a byte, sends
its head one byte at a time (slowloris) or never finishes its body is held forever (uvicorn has no
header-read timeout, and ASGI middleware runs only once a head is parsed). ``DeadlineMixin``
extends uvicorn's protocol class: once a connection may send a request, its head must be complete
within ``head_s``, then its body within ``body_s``, else the connection is closed.

Nothing is done per request or per byte: one ``DeadlineWatch`` per server looks at its open
connections a few times per deadline (a timer per request costs a ``call_later`` and a ``cancel``
on the hot path). A connection is late when the same request state (the same request cycle, as
far as it got) has been seen for longer than its deadline: a deadline is kept to within one look.

uvicorn writes a response's head and its body with two writes, two ``send`` system calls (and two
wake-ups of the client) for every answer: ``CoalescingTransport`` holds a small write until the
next one or the end of the event loop's turn, so a head and its body leave in one ``writev``.

An answer the app has whole (status, headers, body) can skip uvicorn's two ASGI messages:
``send_whole`` writes it as uvicorn's ``send`` would, in one call, when the ``send`` it is given
is uvicorn's httptools cycle in its plain state (else it says no, and the app sends as usual).

uvicorn answers bytes that are not HTTP with a ``text/plain`` 400; the wrapper answers the
documented CLIENT_ERROR envelope instead, so every answer of the mock is JSON.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

log = logging.getLogger("mock_server")
LOOKS_PER_DEADLINE = 4
LOOK_INTERVAL_S = (0.02, 1.0)  # the watch's period, whatever the deadlines
HOLD_BYTES = 4096  # a write up to this size waits for the next one (a response head does)


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

    config: Any
    transport: Any
    loop: asyncio.AbstractEventLoop
    cycle: Any
    client: tuple[str, int] | None
    server_state: Any
    # what the watch saw last (the request cycle, whether its response was complete, whether its
    # body was still coming) and since when (loop time)
    _seen: tuple[object, bool, bool] | None = None
    _seen_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[misc]
        self._seen_since = self.loop.time()
        DeadlineWatch.of(self).add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        watch = getattr(self.server_state, "mock_deadline_watch", None)
        if watch is not None:
            watch.discard(self)
        super().connection_lost(exc)  # type: ignore[misc]

    def send_400_response(self, msg: str) -> None:
        body = bad_request_body()
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body)]
        self.transport.write(b"".join([*head, b"connection: close\r\n\r\n", body]))
        self.transport.close()

    def deadlines(self) -> tuple[float, float]:
        return getattr(self.config, "mock_deadlines", DEFAULT_DEADLINES)

    def overdue(self, now: float) -> bool | None:
        """True: the client is late, close it; False: still in time; None: not watched any more
        (closed, or upgraded to a WebSocket protocol that owns the transport now)."""
        if self.transport.is_closing() or self.transport.get_protocol() is not self:
            return None
        cycle = self.cycle
        state: tuple[object, bool, bool] | None = None
        if cycle is not None:
            state = (cycle, bool(cycle.response_complete), bool(cycle.more_body))
        if state != self._seen:
            self._seen, self._seen_since = state, now
            return False
        head_s, body_s = self.deadlines()
        waited: float = now - self._seen_since
        if state is None or state[1]:  # no request yet, or the last one answered: the head's turn
            return bool(waited > head_s)
        if state[2]:  # the head came in time, the body is still coming
            return bool(waited > body_s)
        return False  # the request is in: the app's turn has no deadline

    def close_late(self) -> None:
        log.info("closed a connection from %s: no complete request in time", _peer(self.client))
        self.transport.close()


class CoalescingTransport:
    """A stream transport whose small writes wait for the next write, or at the latest for the end
    of the loop's turn: uvicorn's response head and the body the app sends right after it go out
    in one system call. Everything else is the wrapped transport's."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.writelines((held, data))
        elif len(data) <= HOLD_BYTES and not self._transport.is_closing():
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def writelines(self, chunks: Any) -> None:
        self.flush()
        self._transport.writelines(chunks)

    def flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._held = None
        self._transport.abort()

    def is_closing(self) -> bool:
        return bool(self._transport.is_closing())

    def get_write_buffer_size(self) -> int:
        return int(self._transport.get_write_buffer_size()) + len(self._held or b"")

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()  # type: ignore[no-any-return]

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def send_whole(send: Callable[..., Any], status: int, headers: Sequence[tuple[bytes, bytes]], body: bytes) -> bool:
    """Write a whole answer (``headers`` lower-case, with its content-length) through the uvicorn
    cycle ``send`` belongs to, exactly as its ``send`` would for the two messages; False when
    ``send`` is not such a cycle's, or the cycle is not in the plain state this expects."""
    owner = getattr(send, "__self__", None)
    if HTTPTOOLS_CYCLE is None or type(owner) is not HTTPTOOLS_CYCLE:
        return False
    cycle: Any = owner
    try:
        if cycle.response_started or cycle.disconnected or cycle.flow.write_paused:
            return False
        default_headers, keep_alive, transport = cycle.default_headers, cycle.keep_alive, cycle.transport
        scope = cycle.scope
        head_request = scope["method"] == "HEAD"
        on_response, message_event = cycle.on_response, cycle.message_event
        access_log, access_logger = cycle.access_log, cycle.access_logger
    except (AttributeError, KeyError):  # pragma: no cover - another uvicorn: its own send then
        return False
    status_line = STATUS_LINE.get(status)
    if status_line is None:
        return False  # outside uvicorn's table: its own send says what it makes of it
    head = [status_line]
    for name, value in (*default_headers, *headers):
        if HEADER_VALUE_RE.search(value):
            return False  # uvicorn's own send refuses it, with its 500
        head += (name, b": ", value, b"\r\n")
    if not keep_alive:
        head.append(b"connection: close\r\n")
    head.append(b"\r\n")
    if access_log:  # uvicorn's own line (its logger has handlers: under pytest, say)
        access_logger.info(
            '%s - "%s %s HTTP/%s" %d',
            get_client_addr(scope),
            scope["method"],
            get_path_with_query_string(scope),
            scope["http_version"],
            status,
        )
    cycle.response_started = cycle.response_complete = True
    cycle.waiting_for_100_continue = False
    transport.writelines((b"".join(head), b"" if head_request else body))
    message_event.set()
    if not keep_alive:
        transport.close()
    on_response()
    return True


class DeadlineWatch:
    """The periodic look at one server's open connections (the server's state holds it)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, interval_s: float) -> None:
        self.loop = loop
        self.interval_s = interval_s
        self.connections: set[DeadlineMixin] = set()
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def of(cls, protocol: DeadlineMixin) -> DeadlineWatch:
        watch: DeadlineWatch | None = getattr(protocol.server_state, "mock_deadline_watch", None)
        if watch is None:
            shortest = min(protocol.deadlines()) / LOOKS_PER_DEADLINE
            watch = cls(protocol.loop, min(max(shortest, LOOK_INTERVAL_S[0]), LOOK_INTERVAL_S[1]))
            protocol.server_state.mock_deadline_watch = watch
        return watch

    def add(self, protocol: DeadlineMixin) -> None:
        self.connections.add(protocol)
        if self._timer is None:
            self._timer = self.loop.call_later(self.interval_s, self.look)

    def discard(self, protocol: DeadlineMixin) -> None:
        self.connections.discard(protocol)

    def look(self) -> None:
        """Close the late connections, forget the closed ones; look again while any is open."""
        now = self.loop.time()
        for protocol in list(self.connections):
            verdict = protocol.overdue(now)
            if verdict is None:
                self.connections.discard(protocol)
            elif verdict:
                self.connections.discard(protocol)
                protocol.close_late()
        self._timer = self.loop.call_later(self.interval_s, self.look) if self.connections else None


DEFAULT_DEADLINES = (10.0, 30.0)


class DeadlineH11Protocol(DeadlineMixin, H11Protocol):
    """uvicorn's h11 protocol with the mock's deadlines."""


try:  # httptools is optional: uvicorn falls back to h11 without it
    from uvicorn.protocols.http.httptools_impl import (
        HEADER_VALUE_RE,
        STATUS_LINE,
        HttpToolsProtocol,
        RequestResponseCycle,
    )
except ImportError:  # pragma: no cover
    HTTPTOOLS: type[asyncio.Protocol] | None = None
    HTTPTOOLS_CYCLE: type | None = None
else:
    HTTPTOOLS_CYCLE = RequestResponseCycle

    class DeadlineHttpToolsProtocol(DeadlineMixin, HttpToolsProtocol):
        """uvicorn's httptools protocol with the mock's deadlines."""

    HTTPTOOLS = DeadlineHttpToolsProtocol


def deadline_protocol() -> type[asyncio.Protocol]:
    """The httptools protocol when httptools is installed (as uvicorn's "auto" picks), else h11."""
    return HTTPTOOLS or DeadlineH11Protocol


def lazy_websockets(**kwargs: Any) -> asyncio.Protocol:
    """uvicorn's WebSocket protocol (the mock answers an upgrade with a denial), imported on the
    first upgrade instead of at start-up, where the websockets package costs ~25 ms; that first
    upgrade waits for the import instead.

    uvicorn builds its ``ws`` protocol with keyword arguments only, so a factory does as a class."""
    from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol

    if AutoWebSocketsProtocol is None:  # found at start-up (websocket_protocol) but does not import
        raise RuntimeError("a WebSocket upgrade: websockets or wsproto is installed but cannot be imported")
    return AutoWebSocketsProtocol(**kwargs)


def websocket_protocol() -> Callable[..., asyncio.Protocol] | str:
    """``lazy_websockets`` when a WebSocket library is installed, else "none" (uvicorn's "auto"
    would find none either, and an upgrade is then answered as plain HTTP)."""
    if importlib.util.find_spec("websockets") or importlib.util.find_spec("wsproto"):
        return lazy_websockets
    return "none"


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
