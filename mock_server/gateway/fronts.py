"""The request side of the wire protocols: a *front* finds the endpoint of a request (or a
protocol-level miss) and reads its parameters. ADVANCE AI: ``advance_front``; Tencent Cloud API
3.0: ``tencent_front``. What the protocols share: the JSON object a body must be.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..contract.catalog import Endpoint, Route
from ..contract.outcome import Outcome
from ..jsonwire import JSONError, loads
from .routing import RouteMiss
from .wire import WireRequest

JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Miss:
    """No endpoint for a request: the protocol's answer, and the route miss for the journal."""

    protocol: str
    outcome: Outcome
    route_miss: RouteMiss


class Front(Protocol):
    """How requests of one protocol find their endpoint and parameters."""

    def select(self, request: WireRequest, host: str) -> Route | Miss | None:
        """The route, a miss this protocol answers, or None: not a request of this protocol."""

    async def read_params(self, request: WireRequest, endpoint: Endpoint, limit: int) -> tuple[dict[str, Any], bytes]:
        """The parameters and the raw body (signatures cover it), or ApiError."""


def json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object; None for what the strict parser refuses or another JSON value."""
    try:
        value = loads(body)
    except JSONError:
        return None
    return value if isinstance(value, dict) else None
