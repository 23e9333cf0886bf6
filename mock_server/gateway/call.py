"""One vendor request as it travels the gateway (``Call``), and the shapes of what handles it:
actions, guards, interceptors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp

from ..accounts import Account
from ..contract.catalog import Endpoint, Route
from ..contract.outcome import Outcome


@dataclass
class Call:
    """One vendor request as interceptors, guards and actions see it.

    ``notes`` is the request's journal record (``scope["mock"]``): write what you decided there.
    ``body`` is the raw request body (signatures cover it); never copy it into the notes.
    """

    endpoint: Endpoint
    route: Route
    host: str
    params: dict[str, Any]
    request: Request
    notes: dict[str, Any] = field(default_factory=dict)
    account: Account | None = None
    body: bytes = b""


Action = Callable[[Call], "Outcome | Awaitable[Outcome]"]
Guard = Callable[[Call], "Awaitable[None] | None"]
# An interceptor may answer instead of the endpoint: with an Outcome (a documented code) or with
# a raw ASGI app (a fault: a reset connection, a truncated body, a gateway page...).
Interceptor = Callable[[Call], "Awaitable[Outcome | ASGIApp | None] | Outcome | ASGIApp | None"]
