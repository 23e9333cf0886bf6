"""What the gateway reads of an HTTP request, straight from the ASGI scope.

Starlette's ``Request`` parses a URL, builds multi-dicts and wraps ``receive`` on every request;
the gateway needs the method, path, a header dict and the body, so it takes them from the scope
as they are (header names are already lower case). Decoding is latin-1 for headers and query
strings: it cannot fail, whatever bytes a client sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import Receive, Scope


class BodyTooLarge(Exception):
    """The body is over the limit; the front answers with its protocol's code."""


class ClientGone(Exception):
    """The client disconnected before its request was read: nobody is left to answer."""


class WireRequest:
    __slots__ = ("headers", "method", "path", "query_string", "raw_body", "receive", "scope")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self.receive = receive
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query_string: bytes = scope.get("query_string", b"")
        self.headers: Mapping[str, str] = header_dict(scope["headers"])
        self.raw_body = b""  # what body() read, also when it then refused it (the journal keeps it)

    @property
    def query(self) -> str:
        return self.query_string.decode("latin-1")

    @property
    def scheme(self) -> str:
        return str(self.scope.get("scheme", "http"))

    def query_items(self) -> list[tuple[str, str]]:
        """Query parameters in order, percent-decoded as Starlette does (UTF-8, bad bytes replaced)."""
        return parse_qsl(self.query, keep_blank_values=True)

    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    async def body(self, limit: int) -> bytes:
        """The whole body, refusing to read past ``limit`` bytes (declared or streamed)."""
        declared = self.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge
        message = await self.receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk: bytes = message.get("body", b"")
        if len(chunk) > limit:
            raise BodyTooLarge
        if not message.get("more_body", False):  # the usual body: one message
            self.raw_body = chunk
            return chunk
        chunks, size, more = [chunk], len(chunk), True
        while more:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
            more = message.get("more_body", False)
        self.raw_body = b"".join(chunks)
        return self.raw_body

    async def is_disconnected(self) -> bool:
        """Rare path (injected delays): Starlette's check, on the same receive channel."""
        return await Request(self.scope, self.receive).is_disconnected()


def header_dict(raw: Any) -> dict[str, str]:
    """ASGI headers as a dict; of a repeated header the first value counts (as Starlette's ``get``)."""
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in reversed(raw)}
