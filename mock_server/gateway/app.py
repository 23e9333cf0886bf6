"""The vendor-facing side: one ASGI app that serves every catalog route, in either protocol.

The path of a request: Host -> a front picks the route (Tencent: ``X-TC-Action`` on ``POST /``;
ADVANCE AI: host + method + path) or answers a miss in its protocol; the front reads the
parameters; interceptors (scenarios, faults: they may answer instead); the endpoint's guard
(authentication), checks (rate limits) and its request schema; its action; the protocol's
envelope; in strict mode, the envelope against its response schema.

What was decided along the way (endpoint, host, code, and whatever interceptors and guards
note) is written to ``scope["mock"]`` for the request journal.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..contract.catalog import Catalog, CodeSpec, Endpoint, Route
from ..contract.envelopes import ENVELOPES
from ..contract.outcome import ApiError, Outcome, Rendered
from ..contract.schemas import ContractSchemas
from ..contract.validation import RequestChecker
from ..ids import IdFactory
from .advance_front import AdvanceFront
from .call import Action, Call, Guard, Interceptor
from .fronts import JSON_TYPE, Front, Miss
from .hosts import HostResolver
from .routing import RouteTable
from .tencent_front import TencentFront

log = logging.getLogger("mock_server")
MAX_VIOLATIONS = 100


class StrictModeViolation(AssertionError):
    """The mock was about to send something its own contract forbids."""


class Gateway:
    def __init__(
        self,
        catalog: Catalog,
        contract: ContractSchemas,
        ids: IdFactory,
        actions: Mapping[str, Action],
        guards: Mapping[str, Guard] | None = None,
        interceptors: Sequence[Interceptor] = (),
        checks: Sequence[Guard] = (),
        *,
        strict: bool = False,
        max_body_bytes: int = 1 << 20,
    ) -> None:
        self.catalog = catalog
        self.contract = contract
        self.ids = ids
        self.strict = strict
        self.max_body_bytes = max_body_bytes
        self.hosts = HostResolver(catalog.hosts, catalog.default_host)
        self.routes = RouteTable(catalog.routes("advance"))
        self.fronts: dict[str, Front] = {"tencent": TencentFront(catalog), "advance": AdvanceFront(self.routes)}
        self.checker = RequestChecker(contract)
        self.actions = {eid: _bind(actions, e.action, "action") for eid, e in catalog.endpoints.items()}
        self.guards = {eid: (guards or {}).get(e.auth) for eid, e in catalog.endpoints.items()}
        self.interceptors = list(interceptors)
        self.checks = list(checks)
        self.violations: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        notes: dict[str, Any] = scope.setdefault("mock", {})
        response = await self.handle(Request(scope, receive), notes)
        await response(scope, receive, send)

    async def handle(self, request: Request, notes: dict[str, Any]) -> ASGIApp:
        host = self.hosts.resolve(request.headers.get("host"))
        notes["host"] = host
        found = self.select(request, host)
        if isinstance(found, Miss):
            notes["miss"] = found.route_miss
            return self.miss(found, notes)
        endpoint = self.catalog.endpoints[found.endpoint_id]
        host = notes["host"] = found.host  # X-TC-Action on another host: the request is for Tencent's
        notes["endpoint"] = endpoint.id
        try:
            params, body = await self.fronts[endpoint.protocol].read_params(request, endpoint, self.max_body_bytes)
            call = Call(endpoint, found, host, params, request, notes, body=body)
            answer = await self.intercept(call)
            if answer is not None and not isinstance(answer, Outcome):
                return answer
            outcome = answer or await self.run(call)
        except ApiError as err:
            outcome = err.outcome
        return self.respond(endpoint, outcome, notes)

    def select(self, request: Request, host: str) -> Route | Miss:
        """The first front that claims the request (Tencent's by its header or host; else ADVANCE AI's)."""
        for front in self.fronts.values():
            found = front.select(request, host)
            if found is not None:
                return found
        raise AssertionError("the ADVANCE AI front answers every request")  # pragma: no cover

    async def intercept(self, call: Call) -> Outcome | ASGIApp | None:
        for interceptor in self.interceptors:
            answer = await _maybe_await(interceptor(call))
            if answer is not None:
                return answer  # type: ignore[no-any-return]
        return None

    async def run(self, call: Call) -> Outcome:
        guard = self.guards[call.endpoint.id]
        if guard is not None:
            await _maybe_await(guard(call))
        for check in self.checks:  # after authentication: call.account is known (rate limits, quotas)
            await _maybe_await(check(call))
        self.checker.check(call.endpoint, call.route, call.params)
        outcome: Outcome = await _maybe_await(self.actions[call.endpoint.id](call))
        return outcome

    def miss(self, miss: Miss, notes: dict[str, Any]) -> Response:
        """No endpoint: the protocol's own answer (CLIENT_ERROR 404/405, InvalidAction...)."""
        spec = self.catalog.glossary_code(miss.outcome.code, miss.protocol)
        rendered = ENVELOPES[miss.protocol].render(spec, miss.outcome, self.ids)
        notes["code"] = spec.name
        return _to_response(rendered)

    def respond(self, endpoint: Endpoint, outcome: Outcome, notes: dict[str, Any]) -> Response:
        try:
            spec = self._spec(endpoint, outcome.code)
            rendered = self.render(endpoint, spec, outcome)
            if self.strict:
                self._enforce(endpoint, spec, rendered)
        except (StrictModeViolation, KeyError) as exc:
            notes["code"] = "MOCK_ERROR"
            return self._violation(str(exc))
        notes["code"] = spec.name
        return _to_response(rendered)

    def render(self, endpoint: Endpoint, spec: CodeSpec, outcome: Outcome) -> Rendered:
        """The body of ``outcome`` in the endpoint's protocol (scenarios answer through this too)."""
        return ENVELOPES[endpoint.protocol].render(spec, outcome, self.ids)

    def _spec(self, endpoint: Endpoint, code: str) -> CodeSpec:
        try:
            return endpoint.code(code)
        except KeyError:
            raise StrictModeViolation(f"{endpoint.id} has no documented code {code}") from None

    def _enforce(self, endpoint: Endpoint, spec: CodeSpec, rendered: Rendered) -> None:
        problems = self.contract.response_problems(endpoint.id, rendered.body)
        if problems:
            raise StrictModeViolation(f"{endpoint.id} {spec.name} breaks its schema {problems[0]}")

    def _violation(self, problem: str) -> Response:
        self.violations.append(problem)
        del self.violations[:-MAX_VIOLATIONS]  # a long strict run keeps the latest ones only
        log.error("strict mode: %s", problem)
        body = json.dumps({"mockError": "strict mode violation", "detail": problem})
        return Response(body, status_code=500, media_type=JSON_TYPE)


def _to_response(rendered: Rendered) -> Response:
    return Response(rendered.encode(), status_code=rendered.status, headers=rendered.headers, media_type=JSON_TYPE)


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _bind(table: Mapping[str, Action], name: str, kind: str) -> Action:
    try:
        return table[name]
    except KeyError:
        raise LookupError(f"the catalog names {kind} {name!r}, which the mock does not implement") from None
