"""The Tencent Cloud API 3.0 front: ``POST /`` with the action in ``X-TC-Action``.

The Tencent host (``faceid.tencentcloudapi.com``) answers everything in Tencent's envelope; any
other host hands ``/`` requests that carry ``X-TC-Action`` here too, so an SDK pointed at
``127.0.0.1:8080`` needs no Host override. The action is a dictionary lookup.
"""

from __future__ import annotations

from typing import Any

from ..contract.catalog import Catalog, Endpoint, Route
from ..contract.outcome import ApiError, Outcome
from .fronts import JSON_TYPE, Miss, json_object
from .routing import RouteMiss
from .wire import BodyTooLarge, WireRequest

ACTION_HEADER = "x-tc-action"


class TencentFront:
    def __init__(self, catalog: Catalog) -> None:
        self.hosts = frozenset(catalog.hosts_of("tencent"))
        self.default_host = next(iter(catalog.hosts_of("tencent")), "")
        self.actions: dict[tuple[str, str], Route] = {}
        for route in catalog.routes("tencent"):
            if (route.host, route.action) in self.actions:
                raise ValueError(f"two endpoints answer {route.action} on {route.host}")
            self.actions[(route.host, route.action)] = route

    def select(self, request: WireRequest, host: str) -> Route | Miss | None:
        action = request.headers.get(ACTION_HEADER)
        path = request.path
        if host not in self.hosts and (action is None or path != "/" or not self.hosts):
            return None
        route = self.actions.get((host if host in self.hosts else self.default_host, action or ""))
        if path != "/" or (action and route is None):
            return self._miss("InvalidAction", request, host)
        if request.method != "POST":
            return self._miss("UnsupportedProtocol", request, host)
        if route is None:
            return self._miss("MissingParameter", request, host)
        return route

    async def read_params(self, request: WireRequest, endpoint: Endpoint, limit: int) -> tuple[dict[str, Any], bytes]:
        """A JSON object body; another content type or malformed JSON is InvalidParameter."""
        try:
            body = await request.body(limit)
        except BodyTooLarge:
            raise ApiError("RequestSizeLimitExceeded") from None
        params = json_object(body) if request.media_type() == JSON_TYPE else None
        if params is None:
            raise ApiError("InvalidParameter")
        return params, body

    def _miss(self, code: str, request: WireRequest, host: str) -> Miss:
        return Miss("tencent", Outcome(code), RouteMiss(host, request.method, request.path))
