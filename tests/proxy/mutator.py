"""A small mutating proxy for the tests: forwards to a mock and changes exactly one thing of an answer.

It stands for a vendor that drifted from the contract. ``mutation`` (set between requests) names
the change; answers of other paths, and every answer while ``mutation`` is None, pass unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

Answer = tuple[int, list[tuple[str, str]], Any]
HOP = ("content-length", "connection", "transfer-encoding", "date", "server")


def _data(change: Callable[[dict[str, Any]], None]) -> Callable[[Answer], Answer]:
    def mutate(answer: Answer) -> Answer:
        status, headers, body = answer
        change(body["data"])
        return status, headers, body

    return mutate


def _code(answer: Answer) -> Answer:
    status, headers, body = answer
    return status, headers, {**body, "code": "BRAND_NEW_CODE"}


def _status(answer: Answer) -> Answer:
    return 202, answer[1], answer[2]


def _rename_retry_after(answer: Answer) -> Answer:
    status, headers, body = answer
    renamed = [("x-retry-after" if k.lower() == "retry-after" else k, v) for k, v in headers]
    assert renamed != headers, "the upstream sent no Retry-After to rename"
    return status, renamed, body


# name: (the change, the difference the validation proxy must report: kind and where)
MUTATIONS: dict[str, tuple[Callable[[Answer], Answer], str]] = {
    "retyped": (_data(lambda d: d.update(expiredTime=str(d["expiredTime"]))), "field_retyped /data/expiredTime"),
    "undocumented_code": (_code, "undocumented_code /code"),
    "removed": (_data(lambda d: d.pop("expiredTime")), "field_removed /data/expiredTime"),
    "status": (_status, "status status"),
    "renamed_header": (_rename_retry_after, "header headers/Retry-After"),
    "added": (_data(lambda d: d.update(livenessVersion=2)), "field_added /data/livenessVersion"),
}


class Mutator:
    """An ASGI app: ``upstream`` + the request's path, Host kept (what a signature covers passes
    unchanged, as through a network proxy); ``mutation`` applied to answers of ``path``."""

    def __init__(self, upstream: str, path: str) -> None:
        self.upstream, self.path = upstream.rstrip("/"), path
        self.mutation: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = [(k.decode(), v.decode()) for k, v in scope["headers"] if k != b"content-length"]
        query = scope.get("query_string", b"").decode()
        url = self.upstream + scope["path"] + (f"?{query}" if query else "")
        async with httpx.AsyncClient(timeout=10) as client:
            real = await client.request(scope["method"], url, headers=headers, content=body)
        answer: Answer = (real.status_code, [(k, v) for k, v in real.headers.items() if k not in HOP], real.content)
        if self.mutation is not None and scope["path"].endswith(self.path):
            change = MUTATIONS[self.mutation][0]
            status, kept, parsed = change((answer[0], answer[1], json.loads(answer[2])))
            answer = (status, kept, json.dumps(parsed, separators=(",", ":")).encode())
        status, kept, content = answer
        raw = [(k.encode(), v.encode()) for k, v in kept] + [(b"content-length", str(len(content)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": content})
