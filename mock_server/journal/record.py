"""The request journal: every vendor request, as it came and as it was answered, secrets masked.

Recording is an append to a bounded deque when the response is done: no disk, no JSON parsing
(the gateway's parsed parameters are reused) and no formatting until someone asks. Requests no
route matched are also kept apart as near misses. Admin calls are never recorded.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..admin.endpoint import ADMIN_PREFIX
from ..clock import MockClock
from ..gateway.call import Call
from ..masking import mask_headers, mask_text, mask_value

BODY_BYTES = 8192  # of a body that was not parsed (broken JSON, unmatched routes), kept for the journal


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
        } | {key: notes[key] for key in ("scenario", "rule", "via", "draw", "delayMs", "fault") if key in notes}


class Journal:
    """The last ``size`` requests, and the last ``size`` near misses."""

    def __init__(self, size: int, clock: MockClock, host_typo: Callable[[str | None], bool] | None = None) -> None:
        self.clock = clock
        self.host_typo = host_typo  # a Host header a letter or two from a documented host is a near miss too
        self.entries: deque[Entry] = deque(maxlen=size)
        self.misses: deque[Entry] = deque(maxlen=size)
        self._next_id = 1

    def record(
        self, scope: Scope, notes: dict[str, Any], chunks: list[bytes], status: int | None, began: float
    ) -> None:
        params = notes.pop("params", None)
        big = sum(map(len, chunks)) >= BODY_BYTES  # only the first BODY_BYTES were kept: keep them as text
        body = mask_value(params) if params is not None and not big else _text(chunks)
        query = scope.get("query_string", b"").decode("latin-1")
        entry = Entry(
            self._next_id, notes.pop("timeMs"), scope["method"], scope["path"], mask_text(query),
            mask_headers(scope["headers"]), body, notes, status, (time.perf_counter() - began) * 1000,
        )  # fmt: skip
        self._next_id += 1
        self.entries.append(entry)
        if "miss" in notes or (self.host_typo is not None and self.host_typo(entry.headers.get("host"))):
            self.misses.append(entry)

    def select(self, keep: Callable[[Entry], bool], limit: int | None = None) -> list[Entry]:
        """Matching entries, newest first."""
        found = []
        for entry in reversed(self.entries):
            if keep(entry):
                found.append(entry)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def clear(self) -> None:
        self.entries.clear()
        self.misses.clear()


def _text(chunks: list[bytes]) -> str | None:
    if not chunks:
        return None
    return mask_text(b"".join(chunks)[:BODY_BYTES].decode("utf-8", errors="replace"))


def keep_params(call: Call) -> None:
    """A gateway interceptor that answers nothing: it hands the parsed parameters to the journal."""
    call.notes["params"] = call.params


def journal_middleware(app: ASGIApp, journal: Journal) -> ASGIApp:
    """Record every non-admin HTTP request once its response is done (or it failed)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await app(scope, receive, send)
            return
        began, size = time.perf_counter(), [0]
        chunks: list[bytes] = []
        status: list[int | None] = [None]
        notes = scope.setdefault("mock", {})
        notes["timeMs"] = journal.clock.now_ms()

        async def receive_kept() -> Message:
            message = await receive()
            if message["type"] == "http.request" and size[0] < BODY_BYTES:
                chunks.append(message.get("body", b""))
                size[0] += len(chunks[-1])
            return message

        async def send_seen(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await app(scope, receive_kept, send_seen)
        finally:
            journal.record(scope, notes, chunks, status[0], began)

    return middleware
