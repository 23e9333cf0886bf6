"""The request journal: every vendor request, as it came and as it was answered, secrets masked.

Recording is on the hot path, so it only appends the gateway's ``Exchange`` (raw scope headers,
parsed parameters, notes, the answer's headers and body) to a bounded deque, after trimming what
could make one entry large (a header, path, query or body over its budget). Masking and formatting happen once, when an
entry is first read. Every entry is bounded in bytes as the deque is in count, so the journal
is bounded in memory whatever clients send. Requests no route matched are also kept apart as
near misses. Admin calls are never recorded.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..clock import MockClock
from ..gateway.app import RECORDED
from ..gateway.call import Exchange
from ..jsonwire import JSONError, dumps, loads
from ..masking import MAX_STRING, mask_headers, mask_text, mask_value, shrink

BODY_BYTES = 8192  # of a body, kept for the journal (a parsed one is kept as its parameters)
HEADER_BYTES = 8192  # of all header names and values of one request
FIELD_BYTES = MAX_STRING  # of one header value, the path, the query string
# Shown when a request has them ("polling": a documented non-final answer, e.g. LIVENESS_NO_RESULT).
OPTIONAL_NOTES = ("scenario", "rule", "via", "draw", "delayMs", "fault", "polling", "upstream", "contract")


@dataclass(slots=True)
class Entry:
    id: int
    time_ms: int
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    notes: dict[str, Any]
    status: int | None
    latency_ms: float
    # The answer as sent, masked as the request is (defaults: entries a fleet wrote before these existed).
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: Any = None

    def get(self, name: str) -> Any:
        return self.notes.get(name)

    def to_json(self) -> dict[str, Any]:
        notes = self.notes
        return {
            "id": self.id,
            "timeMs": self.time_ms,
            "method": self.method,
            "host": notes.get("host"),
            "hostHeader": self.headers.get("host"),
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "endpoint": notes.get("endpoint"),
            "code": notes.get("code"),
            "status": self.status,
            "latencyMs": round(self.latency_ms, 2),
            "response": {"headers": self.response_headers, "body": self.response_body},
        } | {key: notes[key] for key in OPTIONAL_NOTES if key in notes}


class Kept:
    """A recorded exchange and, once read, its masked entry."""

    __slots__ = ("_entry", "exchange", "id")

    def __init__(self, entry_id: int, exchange: Exchange) -> None:
        self.id, self.exchange = entry_id, exchange
        self._entry: Entry | None = None

    @property
    def entry(self) -> Entry:
        entry = self._entry
        if entry is None:
            entry = self._entry = _masked(self.id, self.exchange)
            self.exchange = None  # type: ignore[assignment]  # the masked entry is all that stays
        return entry


class Recording(Protocol):
    """What records exchanges: this process's Journal, or a fleet's SharedJournal."""

    clock: MockClock

    def record(self, exchange: Exchange) -> None: ...


class Journal:
    """The last ``size`` requests, and the last ``size`` near misses."""

    def __init__(self, size: int, clock: MockClock, host_typo: Callable[[str | None], bool] | None = None) -> None:
        self.clock = clock
        self.host_typo = host_typo  # a Host header a letter or two from a documented host is a near miss too
        self.kept: deque[Kept] = deque(maxlen=size)
        self.missed: deque[Kept] = deque(maxlen=size)
        self._next_id = 1

    def record(self, exchange: Exchange) -> None:
        _trim(exchange)
        kept = Kept(self._next_id, exchange)
        self._next_id += 1
        self.kept.append(kept)
        if "miss" in exchange.notes or (self.host_typo is not None and self.host_typo(_host_header(exchange))):
            self.missed.append(kept)

    @property
    def entries(self) -> list[Entry]:
        return [kept.entry for kept in self.kept]

    @property
    def misses(self) -> list[Entry]:
        return [kept.entry for kept in self.missed]

    def select(self, keep: Callable[[Entry], bool], limit: int | None = None) -> list[Entry]:
        """Matching entries, newest first."""
        found = []
        for kept in reversed(self.kept):
            if keep(kept.entry):
                found.append(kept.entry)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.kept)

    def clear(self) -> None:
        self.kept.clear()
        self.missed.clear()


def _trim(exchange: Exchange) -> None:
    """Bound what one entry holds; the common small request passes untouched (a few length checks)."""
    body = exchange.body
    if exchange.params is not None:
        if len(body) > BODY_BYTES:
            exchange.params = shrink(exchange.params)
        exchange.body = b""
    elif len(body) > BODY_BYTES:
        exchange.body = body[:BODY_BYTES]
    if len(exchange.path) > FIELD_BYTES:
        exchange.path = exchange.path[:FIELD_BYTES]
    if len(exchange.query) > FIELD_BYTES:
        exchange.query = exchange.query[:FIELD_BYTES]
    if sum(map(len, chain.from_iterable(exchange.headers))) > HEADER_BYTES:  # C iterators: no frame per header
        exchange.headers = _trimmed_headers(exchange.headers)
    if len(exchange.response_body) <= BODY_BYTES:
        exchange.response_value = None  # the bytes are shown
    elif exchange.response_value is not None:
        exchange.response_body = b""  # a large answer is shown from the value it encodes, cut when read
    else:
        exchange.response_body = _trimmed_answer(exchange.response_body)


def _trimmed_answer(body: bytes) -> bytes:
    """A large answer the gateway did not encode: as JSON with its long strings cut, else its first bytes."""
    try:
        return dumps(shrink(loads(body)))
    except JSONError:
        return body[:BODY_BYTES]


def _trimmed_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    kept, budget = [], HEADER_BYTES
    for name, value in headers:
        pair = (name[:FIELD_BYTES], value if len(value) <= FIELD_BYTES else value[:FIELD_BYTES] + b"...(cut)")
        budget -= len(pair[0]) + len(pair[1])
        if budget < 0:
            kept.append((b"x-mock-journal", b"more headers were not kept"))
            break
        kept.append(pair)
    return kept


def _host_header(exchange: Exchange) -> str | None:
    for name, value in exchange.headers:
        if name == b"host":
            return value.decode("latin-1")
    return None


def _masked(entry_id: int, exchange: Exchange, answer: Any = None) -> Entry:
    """The entry as shown, secrets masked; ``answer``: the answer's body already masked, if the
    caller has it (else it is read back from the bytes kept)."""
    params = exchange.params
    body = mask_value(params) if params is not None else _text(exchange.body)
    if answer is None and exchange.response_value is not None:
        # A large answer: the value the envelope encoded (its base64 media are the media cache's
        # own strings, shared, not copies), masked and cut only now, off the request path.
        answer = mask_value(exchange.response_value)
    return Entry(
        entry_id, exchange.time_ms, exchange.method, exchange.path, mask_text(exchange.query.decode("latin-1")),
        mask_headers(exchange.headers), body, exchange.notes, exchange.status, exchange.latency_ms,
        mask_headers(exchange.response_headers),
        answer if answer is not None else _answer(exchange.response_headers, exchange.response_body),
    )  # fmt: skip


def _answer(headers: list[tuple[bytes, bytes]], body: bytes) -> Any:
    """An answer's body as shown: JSON masked as a request's parameters are, text masked as raw
    text, anything else (an image, a video) described by its type and length."""
    if not body:
        return None
    kind = next((v.decode("latin-1") for k, v in headers if k == b"content-type"), "")
    if "json" in kind:
        try:
            return mask_value(loads(body))
        except JSONError:
            return _text(body)
    if kind.startswith("text/") or not kind:
        return _text(body)
    length = next((v.decode("latin-1") for k, v in headers if k == b"content-length"), "?")
    return f"({length} bytes of {kind}, not shown)"


def _text(body: bytes) -> str | None:
    if not body:
        return None
    return mask_text(body[:BODY_BYTES].decode("utf-8", errors="replace"))


def journal_middleware(app: ASGIApp, journal: Recording) -> ASGIApp:
    """Record the requests of the Starlette side (the H5 page, media) as the gateway records its own."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        began, chunks = time.perf_counter(), list[bytes]()
        exchange = Exchange(
            journal.clock.now_ms(), scope["method"], scope["path"], scope.get("query_string", b""), scope["headers"]
        )
        status: list[int | None] = [None]

        async def receive_kept() -> Message:
            message = await receive()
            if message["type"] == "http.request" and sum(len(chunk) for chunk in chunks) < BODY_BYTES:
                chunks.append(message.get("body", b""))
            return message

        async def send_seen(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            exchange.saw(message)
            await send(message)

        try:
            await app(scope, receive_kept, send_seen)
        finally:
            if not scope.get(RECORDED):  # a /__mock/ path that is no page: the gateway recorded it
                exchange.finish(scope.get("mock", {}), b"".join(chunks), status[0], time.perf_counter() - began)
                journal.record(exchange)

    return middleware
