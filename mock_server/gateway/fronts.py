"""The request side of the wire protocols: a *front* finds the endpoint of a request (or a
protocol-level miss) and reads its parameters. ADVANCE AI: ``advance_front``; Tencent Cloud API
3.0: ``tencent_front``. What the protocols share: body limits, media types, JSON objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request

from ..contract.catalog import Endpoint, Route
from ..contract.outcome import Outcome
from .routing import RouteMiss

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
