"""The wire protocols the gateway speaks, and what they share.

A protocol is two parts. Its *front* finds the endpoint of a request (or a protocol-level miss)
and reads its parameters; its *envelope* turns an Outcome into a body, says which code a body
carries, and what a documented answer of each code looks like (the response schema). ADVANCE AI:
``advance.py`` and ``envelope.py``. Tencent Cloud API 3.0: ``tencent/front.py`` and
``tencent/envelope.py``. Endpoints name their protocol in the catalog (``protocol:``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request

from .catalog import CodeSpec, Endpoint, Route
from .envelope import AdvanceEnvelope, Outcome, Rendered
from .ids import IdFactory
from .routing import RouteMiss
from .tencent.envelope import TencentEnvelope

Schema = dict[str, Any]
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Miss:
    """No endpoint for a request: the protocol's answer, and the route miss for the journal."""

    protocol: str
    outcome: Outcome
    route_miss: RouteMiss


class Front(Protocol):
    """How requests of one protocol find their endpoint and parameters."""

    def select(self, request: Request, host: str) -> Route | Miss | None:
        """The route, a miss this protocol answers, or None: not a request of this protocol."""

    async def read_params(self, request: Request, endpoint: Endpoint, limit: int) -> tuple[dict[str, Any], bytes]:
        """The parameters and the raw body (signatures cover it), or ApiError."""


class Envelope(Protocol):
    """How one protocol's answers look."""

    def render(self, spec: CodeSpec, outcome: Outcome, ids: IdFactory) -> Rendered: ...

    def code_of(self, body: Mapping[str, Any]) -> str | None: ...

    def data_of(self, body: Mapping[str, Any]) -> Any:
        """What an Outcome of this body carries as ``data`` (an example's data, for scenarios)."""

    def response_schema(self, docs: Mapping[str, Schema], endpoint: Endpoint, spec: CodeSpec) -> tuple[Schema, str]:
        """The (unbundled) schema of an answer with this code, and the file its refs are relative to."""


ENVELOPES: dict[str, Envelope] = {"advance": AdvanceEnvelope(), "tencent": TencentEnvelope()}


class BodyTooLarge(Exception):
    """The body is over the limit; the front answers with its protocol's code."""


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing to read past ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object; None for malformed JSON, NaN/Infinity or another JSON value."""
    try:
        value = json.loads(body, parse_constant=_reject_constant)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
