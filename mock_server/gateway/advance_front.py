"""The ADVANCE AI front: a route per (host, method, path); query or JSON-object parameters.

A miss is the Glossary's CLIENT_ERROR with the HTTP status it names (404, or 405 with Allow);
an unreadable body is CLIENT_ERROR 400, an oversized one 413.
"""

from __future__ import annotations

from typing import Any

from ..contract.catalog import Endpoint, Route
from ..contract.outcome import ApiError, Outcome
from .fronts import JSON_TYPE, Miss, json_object
from .routing import RouteMiss, RouteTable
from .wire import BodyTooLarge, WireRequest


class AdvanceFront:
    def __init__(self, routes: RouteTable) -> None:
        self.routes = routes

    def select(self, request: WireRequest, host: str) -> Route | Miss:
        found = self.routes.match(host, request.method, request.path)
        if isinstance(found, RouteMiss):
            return Miss("advance", _miss_outcome(found), found)
        return found

    async def read_params(self, request: WireRequest, endpoint: Endpoint, limit: int) -> tuple[dict[str, Any], bytes]:
        """Query parameters or a JSON object body; anything else is the documented HTTP 400."""
        if endpoint.request_in == "query":
            return {key: value for key, value in reversed(request.query_items())}, b""
        if request.media_type() != JSON_TYPE:
            raise ApiError("CLIENT_ERROR", "bad_request", http_status=400)
        try:
            body = await request.body(limit)
        except BodyTooLarge:
            raise ApiError("CLIENT_ERROR", "payload_too_large", http_status=413) from None
        params = json_object(body)
        if params is None:
            raise ApiError("CLIENT_ERROR", "bad_request", http_status=400)
        return params, body


def _miss_outcome(miss: RouteMiss) -> Outcome:
    key = "method_not_allowed" if miss.allowed else "not_found"
    outcome = Outcome("CLIENT_ERROR", message=key, http_status=miss.status)
    if miss.allowed:
        outcome.headers["Allow"] = ", ".join(miss.allowed)
    return outcome
