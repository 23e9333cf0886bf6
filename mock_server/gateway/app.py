"""The vendor-facing side: one ASGI app that serves every catalog route, in either protocol.

The path of a request: Host -> a front picks the route (Tencent: ``X-TC-Action`` or a signature
v1 ``Action`` parameter on ``/``; ADVANCE AI: host + method + path) or answers a miss in its
protocol; the front reads the parameters; interceptors (scenarios, faults: they may answer
instead); the endpoint's guard (authentication), checks (rate limits) and its request schema;
its action; the protocol's envelope; in strict mode, the envelope against its response schema.

What was decided along the way (endpoint, host, code, and whatever interceptors and guards
note) goes with the request to the journal, as one ``Exchange`` handed to ``recorder``.

It is the first app a vendor request meets (no router, no middleware in front of it) and it
reads the raw ASGI scope: the hot path is a few dictionary lookups, one schema check, the
action and one orjson encoding.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from types import CoroutineType
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..connections import send_whole
from ..contract.catalog import Catalog, CodeSpec, Endpoint, Route
from ..contract.envelopes import ENVELOPES
from ..contract.outcome import ApiError, Outcome, Rendered
from ..contract.schemas import ContractSchemas
from ..contract.validation import RequestChecker
from ..ids import IdFactory
from ..jsonwire import dumps
from .advance_front import AdvanceFront
from .call import Action, Call, Exchange, Guard, Interceptor, Passthrough, Recorder
from .fronts import JSON_TYPE, Front, Miss, Pending
from .hosts import PATH_PREFIX, HostResolver
from .routing import RouteTable
from .tencent_front import TencentFront
from .wire import ClientGone, WireRequest

log = logging.getLogger("mock_server")
MAX_VIOLATIONS = 100
RECORDED = "mock.recorded"
_JSON_HEADER = (b"content-type", JSON_TYPE.encode())


class StrictModeViolation(AssertionError):
    """The mock was about to send something its own contract forbids."""


class Answer:
    """A JSON answer ready to send: status, raw headers, encoded body (and, for an envelope, the
    value it encodes: the journal cuts a large answer from it without parsing it back); also an
    ASGI app."""

    __slots__ = ("body", "headers", "status", "value")

    def __init__(self, status: int, body: bytes, headers: Mapping[str, str] | None = None, value: Any = None) -> None:
        self.status, self.body, self.value = status, body, value
        self.headers = [(b"content-length", str(len(body)).encode()), _JSON_HEADER]
        if headers:
            self.headers[:0] = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if send_whole(send, self.status, self.headers, self.body):
            return  # written at once by the server's own connection (uvicorn's two messages skipped)
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})

    def response(self) -> Response:
        """The same answer as a Starlette Response (faults damage those)."""
        kept = {k.decode("latin-1"): v.decode("latin-1") for k, v in self.headers if k != b"content-length"}
        return Response(self.body, status_code=self.status, headers=kept)


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
        now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.catalog = catalog
        self.contract = contract
        self.ids = ids
        self.strict = strict
        self.max_body_bytes = max_body_bytes
        self.now_ms = now_ms
        self.hosts = HostResolver(catalog.hosts, catalog.default_host)
        self.routes = RouteTable(catalog.routes("advance"))
        self.fronts: dict[str, Front] = {
            "tencent": TencentFront(catalog, contract.request_schema),
            "advance": AdvanceFront(self.routes),
        }
        self.checker = RequestChecker(contract)
        self.actions = {eid: _bind(actions, e.action, "action") for eid, e in catalog.endpoints.items()}
        self.guards = {eid: (guards or {}).get(e.auth) for eid, e in catalog.endpoints.items()}
        self.interceptors = list(interceptors)
        self.checks = list(checks)
        self.recorder: Recorder | None = None
        # None: an unreadable or unrouted request gets the protocol's documented error, as from the vendor
        self.passthrough: Passthrough | None = None
        self.violations: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        began, request = time.perf_counter(), WireRequest(scope, receive)
        notes: dict[str, Any] = {}
        exchange = Exchange(self.now_ms(), request.method, request.path, request.query_string, scope["headers"])
        status: int | None = None
        try:
            answer = await self.handle(request, notes)
            if isinstance(answer, Answer):
                await answer(scope, receive, send)
                status = answer.status
                exchange.response_headers, exchange.response_body = answer.headers, answer.body
                exchange.response_value = answer.value
            else:
                status = await _play(answer, scope, receive, send, exchange)
        except ClientGone:
            notes["fault"] = "client gone"
        finally:
            if self.recorder is not None:
                exchange.finish(notes, request.raw_body, status, time.perf_counter() - began)
                self.recorder(exchange)
                scope[RECORDED] = True  # a wrapper that records its own routes leaves this one alone

    async def handle(self, request: WireRequest, notes: dict[str, Any]) -> Answer | ASGIApp:
        chosen = self.hosts.split_path(request.path) if request.path.startswith(PATH_PREFIX) else None
        if chosen is not None:
            host, request.path = chosen  # the host named by the path wins over the Host header
        else:
            host = self.hosts.resolve(request.headers.get("host"))
            if self.hosts.ports:  # --host-ports: the port the request came in on names the host
                host = self.hosts.at_port(request.scope.get("server"), host)
        notes["host"] = host
        found = self.select(request, host)
        if isinstance(found, Pending):
            found = await found.resolve(self.max_body_bytes)
        if isinstance(found, Miss):
            notes["miss"] = found.route_miss
            passed = await self.passthrough.unrouted(request, host, notes) if self.passthrough else None
            return self.miss(found, notes) if passed is None else passed
        endpoint = self.catalog.endpoints[found.endpoint_id]
        host = notes["host"] = found.host  # API 3.0 on another host: the request is for Tencent's
        notes["endpoint"] = endpoint.id
        try:
            front = self.fronts[endpoint.protocol]
            try:
                params, body = await front.read_params(request, found, endpoint, self.max_body_bytes)
            except ApiError as err:
                call = Call(endpoint, found, host, {}, request, notes)
                passed = await self.passthrough.unreadable(call, err) if self.passthrough else None
                if passed is None:
                    raise
                return passed
            notes["params"] = params
            call = Call(endpoint, found, host, params, request, notes, body=body)
            answer = await self.intercept(call) if self.interceptors else None
            if answer is not None and not isinstance(answer, Outcome):
                return answer
            outcome = answer or await self.run(call)
        except ApiError as err:
            outcome = err.outcome
        return self.answer(endpoint, outcome, notes)

    def select(self, request: WireRequest, host: str) -> Route | Miss | Pending:
        """The first front that claims the request (Tencent's by its header, v1 form or host; else ADVANCE AI's)."""
        for front in self.fronts.values():
            found = front.select(request, host)
            if found is not None:
                return found
        raise AssertionError("the ADVANCE AI front answers every request")  # pragma: no cover

    async def intercept(self, call: Call) -> Outcome | ASGIApp | None:
        for interceptor in self.interceptors:
            answer = interceptor(call)
            if type(answer) is CoroutineType:  # handlers may be sync or async; an exact type test is cheapest
                answer = await answer
            if answer is not None:
                return answer  # type: ignore[return-value]
        return None

    async def run(self, call: Call) -> Outcome:
        for step in self._steps(call):
            done = step(call)
            if type(done) is CoroutineType:
                await done
        self.checker.check(call.endpoint, call.route, call.params)
        outcome = self.actions[call.endpoint.id](call)
        return await outcome if type(outcome) is CoroutineType else outcome  # type: ignore[return-value]

    def _steps(self, call: Call) -> list[Guard]:
        """The endpoint's guard, then the checks (after authentication: call.account is known)."""
        guard = self.guards[call.endpoint.id]
        return [guard, *self.checks] if guard is not None else self.checks

    def miss(self, miss: Miss, notes: dict[str, Any]) -> Answer:
        """No endpoint: the protocol's own answer (CLIENT_ERROR 404/405, InvalidAction...)."""
        spec = self.catalog.glossary_code(miss.outcome.code, miss.protocol)
        rendered = ENVELOPES[miss.protocol].render(spec, miss.outcome, self.ids)
        notes["code"] = spec.name
        return _to_answer(rendered)

    def answer(self, endpoint: Endpoint, outcome: Outcome, notes: dict[str, Any]) -> Answer:
        try:
            spec = self._spec(endpoint, outcome.code)
            rendered = self.render(endpoint, spec, outcome)
            if self.strict:
                self._enforce(endpoint, spec, rendered)
        except (StrictModeViolation, KeyError) as exc:
            notes["code"] = "MOCK_ERROR"
            return self._violation(str(exc))
        notes["code"] = spec.name
        if spec.polling:
            notes["polling"] = True
        return _to_answer(rendered)

    def respond(self, endpoint: Endpoint, outcome: Outcome, notes: dict[str, Any]) -> Response:
        """``answer`` as a Starlette Response (for faults that damage it, and for tests)."""
        return self.answer(endpoint, outcome, notes).response()

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

    def _violation(self, problem: str) -> Answer:
        self.violations.append(problem)
        del self.violations[:-MAX_VIOLATIONS]  # a long strict run keeps the latest ones only
        log.error("strict mode: %s", problem)
        return Answer(500, dumps({"mockError": "strict mode violation", "detail": problem}))


def _to_answer(rendered: Rendered) -> Answer:
    return Answer(rendered.status, rendered.encode(), rendered.headers, rendered.body)


async def _play(app: ASGIApp, scope: Scope, receive: Receive, send: Send, exchange: Exchange) -> int | None:
    """Run an answer that is an ASGI app (a fault, a scenario's refusal); the status it sent.
    What it sends is kept on ``exchange`` for the journal."""
    status: list[int | None] = [None]

    async def send_seen(message: Message) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]
        exchange.saw(message)
        await send(message)

    await app(scope, receive, send_seen)
    return status[0]


def _bind(table: Mapping[str, Action], name: str, kind: str) -> Action:
    try:
        return table[name]
    except KeyError:
        raise LookupError(f"the catalog names {kind} {name!r}, which the mock does not implement") from None
