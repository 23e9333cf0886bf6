"""A test-only ASGI middleware that makes the mock deviate from its contract in one chosen way."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# (path, HTTP status, body) -> (status, body) to send instead, or None to leave the answer alone
Rewrite = Callable[[str, int, dict[str, Any]], "tuple[int, dict[str, Any]] | None"]


class Deviating:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.rewrite: Rewrite | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rewrite = self.rewrite
        if scope["type"] != "http" or rewrite is None:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                await _send(send, start, b"".join(chunks), scope["path"], rewrite)

        await self.app(scope, receive, capture)


async def _send(send: Send, start: Message, content: bytes, path: str, rewrite: Rewrite) -> None:
    status = start["status"]
    try:
        changed = rewrite(path, status, json.loads(content))
    except ValueError:
        changed = None
    if changed is not None:
        status, body = changed
        content = json.dumps(body).encode()
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})
