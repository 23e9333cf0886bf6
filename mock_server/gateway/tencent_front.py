"""The Tencent Cloud API 3.0 front: requests to ``/``, signed with TC3 or with signature v1.

TC3: the action in ``X-TC-Action``; its parameters a JSON body (POST) or flattened into the
query (GET). Signature v1: every parameter, the common ones too, in the query of a GET or in the
``application/x-www-form-urlencoded`` body of a POST; the action is the ``Action`` parameter, so
a POST's route is ``Pending`` until its body is read.

The Tencent hosts answer everything in Tencent's envelope; any other host hands ``/`` requests
that look like API 3.0 (an ``X-TC-Action`` header, a v1 query or form body) here too, so an SDK
pointed at ``127.0.0.1:8080`` needs no Host override. The action is a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import partial
from typing import Any

from ..contract.catalog import Catalog, Endpoint, Route
from ..contract.outcome import ApiError, Outcome
from .flat_params import MalformedParams, coerce, parse_form, unflatten
from .fronts import JSON_TYPE, Miss, Pending, json_object
from .routing import RouteMiss
from .wire import BodyTooLarge, WireRequest

ACTION_HEADER = "x-tc-action"
FORM_TYPE = "application/x-www-form-urlencoded"
METHODS = ("GET", "POST")  # "only GET and POST requests are supported"
GET_LIMIT = 32 * 1024  # API 3.0: a GET request may not exceed 32 KB
# The parameters every action shares; signature v1 sends them beside the action's own.
COMMON = frozenset(
    (
        "Action",
        "Version",
        "Region",
        "Timestamp",
        "Nonce",
        "SecretId",
        "Signature",
        "SignatureMethod",
        "Language",
        "RequestClient",
        "Token",
    )
)


@dataclass(frozen=True)
class V1Route(Route):
    """A catalog route as a signature v1 request reached it, with every parameter it sent (decoded):
    the guard verifies them. ``repr`` leaves them out (the Signature is one)."""

    sent: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


ROUTE_FIELDS = tuple(f.name for f in fields(Route))


class TencentFront:
    def __init__(self, catalog: Catalog, schema_of: Callable[[str], Mapping[str, Any]]) -> None:
        self.hosts = frozenset(catalog.hosts_of("tencent"))
        self.default_host = next(iter(catalog.hosts_of("tencent")), "")
        self.schema_of = schema_of  # an endpoint's request schema: the types of v1's text values
        self.actions: dict[tuple[str, str], Route] = {}
        for route in catalog.routes("tencent"):
            if (route.host, route.action) in self.actions:
                raise ValueError(f"two endpoints answer {route.action} on {route.host}")
            self.actions[(route.host, route.action)] = route

    def select(self, request: WireRequest, host: str) -> Route | Miss | Pending | None:
        tencent = host in self.hosts
        if not tencent:
            if request.path != "/" or not self.hosts:
                return None  # every ADVANCE AI route
        elif request.path != "/":
            return self._miss("InvalidAction", request, host)
        action = request.headers.get(ACTION_HEADER)
        if action is not None:
            route = self.actions.get((host if tencent else self.default_host, action))
            if route is None:
                return self._miss("InvalidAction", request, host)
            return route if request.method in METHODS else self._miss("UnsupportedProtocol", request, host)
        if not _is_v1(request, tencent):
            if not tencent:
                return None
            return self._miss("MissingParameter" if request.method in METHODS else "UnsupportedProtocol", request, host)
        if request.method == "GET":
            if len(request.query_string) > GET_LIMIT:
                return self._miss("RequestSizeLimitExceeded", request, host)
            return self._v1_route(request, host, request.query_string)
        return Pending(partial(self._v1_post, request, host))

    async def _v1_post(self, request: WireRequest, host: str, limit: int) -> Route | Miss:
        try:
            body = await request.body(limit)
        except BodyTooLarge:
            return self._miss("RequestSizeLimitExceeded", request, host)
        if request.query_string:  # which parameters were signed would be ambiguous; no SDK sends one
            return self._miss("InvalidParameter", request, host)
        return self._v1_route(request, host, body)

    def _v1_route(self, request: WireRequest, host: str, raw: bytes) -> Route | Miss:
        try:
            sent = parse_form(raw)
        except MalformedParams:
            return self._miss("InvalidParameter", request, host)
        action = sent.get("Action")
        if not action:
            return self._miss("MissingParameter", request, host)
        route = self.actions.get((host if host in self.hosts else self.default_host, action))
        if route is None:
            return self._miss("InvalidAction", request, host)
        return V1Route(**{name: getattr(route, name) for name in ROUTE_FIELDS}, sent=sent)

    async def read_params(
        self, request: WireRequest, route: Route, endpoint: Endpoint, limit: int
    ) -> tuple[dict[str, Any], bytes]:
        """The action's parameters: a JSON object body (TC3 POST), else the flat ones typed by the
        schema (v1, TC3 GET). Unreadable parameters are InvalidParameter."""
        if type(route) is V1Route:
            own = {name: value for name, value in route.sent.items() if name not in COMMON}
            return self._nested(own, endpoint), request.raw_body
        if request.method == "GET":
            if len(request.query_string) > GET_LIMIT:
                raise ApiError("RequestSizeLimitExceeded")
            return self._nested(_flat(request.query_string), endpoint), b""
        try:
            body = await request.body(limit)
        except BodyTooLarge:
            raise ApiError("RequestSizeLimitExceeded") from None
        params = json_object(body) if request.media_type() == JSON_TYPE else None
        if params is None:
            raise ApiError("InvalidParameter")
        return params, body

    def _nested(self, flat: Mapping[str, str], endpoint: Endpoint) -> dict[str, Any]:
        try:
            nested = unflatten(flat)
        except MalformedParams:
            raise ApiError("InvalidParameter") from None
        return coerce(nested, self.schema_of(endpoint.id))  # type: ignore[no-any-return]

    def _miss(self, code: str, request: WireRequest, host: str) -> Miss:
        return Miss("tencent", Outcome(code), RouteMiss(host, request.method, request.path))


def _is_v1(request: WireRequest, tencent: bool) -> bool:
    """Signature v1: no Authorization header, and a GET (with ``Action=`` or ``Signature=`` in its
    query, off the Tencent hosts) or a form POST."""
    if "authorization" in request.headers:
        return False
    if request.method == "GET":
        query = request.query_string
        return tencent or b"Action=" in query or b"Signature=" in query
    return request.method == "POST" and request.media_type() == FORM_TYPE


def _flat(raw: bytes) -> dict[str, str]:
    try:
        return parse_form(raw)
    except MalformedParams:
        raise ApiError("InvalidParameter") from None
