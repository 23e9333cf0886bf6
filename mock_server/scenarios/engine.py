"""The scenarios' gateway interceptor: find the first rule that fires, then answer as it says.

Order: scenarios named in ``X-Mock-Scenario`` (this caller's state), then the always-on ones
(magic values), then those activated at start-up or at runtime. What decided is noted for the
journal: scenario, rule, how it was activated, the random draw, the delay, the fault.
"""

from __future__ import annotations

import copy
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp

from ..contract.catalog import Endpoint
from ..contract.outcome import ApiError, Outcome
from ..gateway import tc3
from ..gateway.app import Answer, Gateway
from ..gateway.buckets import retry_after
from ..gateway.call import Call
from ..gateway.tencent_front import V1Route
from ..predicates import Captures
from .book import ScenarioBook, State, UnknownScenario
from .checks import is_template
from .faults import FAULT_NAMES, Delay, Fault, fault_app, sleep_unless_gone
from .model import Respond, Rule

SCENARIO_HEADER = "x-mock-scenario"
CALLER_HEADER = "x-mock-caller"
MAX_DELAY_MS = 600_000
CLIENT_GONE = 499  # the client closed the connection during an injected delay (nginx's code for it)


@dataclass(frozen=True)
class Fired:
    state: State
    rule: Rule
    captures: Captures
    wait_ms: float


class ScenarioEngine:
    def __init__(
        self, book: ScenarioBook, gateway: Gateway, example_data: Mapping[tuple[str, str], Any], *, header: bool = True
    ) -> None:
        self.book, self.gateway, self.example_data, self.header = book, gateway, example_data, header

    def __call__(self, call: Call) -> Coroutine[Any, Any, Outcome | ASGIApp | None] | Response | None:
        """None (the common case, decided without a coroutine), a refusal, or the answer to await."""
        states = self.states(call)
        if isinstance(states, Response):
            return states
        now = self.book.clock.now_ms()
        for state in states:
            fired = self.select(state, call, now)
            if fired is not None:
                call.notes.update(scenario=state.scenario.name, rule=fired.rule.label, via=state.via)
                return self.answer(fired, call)
        return None

    def states(self, call: Call) -> Sequence[State] | Response:
        named = call.request.headers.get(SCENARIO_HEADER) if self.header else None
        if not named:
            return self.book.running()
        found = []
        caller = caller_of(call)
        for name in filter(None, (n.strip() for n in named.split(","))):
            try:
                found.append(self.book.for_caller(name, caller))
            except UnknownScenario as exc:
                return JSONResponse({"mockError": f"X-Mock-Scenario: {exc}"}, status_code=400)
        return [*found, *self.book.running()]

    def select(self, state: State, call: Call, now: int) -> Fired | None:
        if state.expired(now) or not state.scenario.admits(call.endpoint.id, call.params):
            return None
        for rule in state.scenario.rules_for(call.endpoint.id):
            match = rule.match
            captures = match.static(call.host, call.route.method, call.params, now - state.activated_ms)
            if captures is None:
                continue
            if not match.counted(state.call(rule)):
                continue
            wait = 0.0
            if match.over_rate is not None:
                wait = state.take(rule, caller_of(call), now)
                if not wait:  # a token was left: not over the rate
                    continue
            draw = state.draw() if match.probability is not None else None
            if draw is not None and match.probability is not None and draw >= match.probability:
                continue
            if self.usable(rule.respond, captures, call.endpoint):
                state.fire(rule)
                if draw is not None:
                    call.notes["draw"] = draw  # the draw that made this rule fire
                return Fired(state, rule, captures, wait)
        return None

    def usable(self, respond: Respond, captures: Captures, endpoint: Endpoint) -> bool:
        """Templates filled from the request must name a documented code and a known fault."""
        code, fault = _fill(respond.code, captures), _fill(respond.fault, captures)
        if code is not None and code not in endpoint.codes:
            return False
        if isinstance(fault, str) and fault not in FAULT_NAMES:
            return False
        envelope = Fault(fault).envelope if isinstance(fault, str) else None
        return envelope is None or envelope[0] in endpoint.codes

    async def answer(self, fired: Fired, call: Call) -> Outcome | ASGIApp | None:
        respond = fired.rule.respond
        delay = _delay(respond.delay, fired)
        if delay:
            call.notes["delayMs"] = round(delay, 1)
            if await sleep_unless_gone(call.request, delay / 1000):
                call.notes["fault"] = "client gone"
                return Response(status_code=CLIENT_GONE)  # nobody reads it; the journal shows why
        if respond.body is not None:
            return Answer(respond.http_status or 200, respond.body, respond.headers)
        code, fault = _fill(respond.code, fired.captures), _fill(respond.fault, fired.captures)
        outcome = self.outcome(respond, code, fired, call.endpoint) if code else None
        if fault is None:
            return outcome  # None: the endpoint answers as usual
        fault = Fault(fault) if isinstance(fault, str) else fault
        call.notes["fault"] = fault.name
        if fault.envelope is not None:
            return self.outcome(respond, fault.envelope[0], fired, call.endpoint, fault.envelope[1])
        if not fault.needs_answer:
            return fault_app(fault)
        return fault_app(fault, await self.own_answer(call, outcome))

    def outcome(
        self, respond: Respond, code: str, fired: Fired, endpoint: Endpoint, status: int | None = None
    ) -> Outcome:
        if code == respond.code and endpoint.id in respond.datas:
            data = respond.datas[endpoint.id]
        else:
            data = self.example_data.get((endpoint.id, code)) if endpoint.codes[code].data else None
        headers = dict(respond.headers)
        if respond.retry_after is not None:
            auto = respond.retry_after == "auto"
            headers["Retry-After"] = retry_after(fired.wait_ms) if auto else respond.retry_after
        message = respond.message if code == respond.code else None
        return Outcome(code, copy.deepcopy(data), message, http_status=status or respond.http_status, headers=headers)

    async def own_answer(self, call: Call, outcome: Outcome | None) -> Response:
        """The response the endpoint would send (or ``outcome``'s), for a fault to damage."""
        if outcome is None:
            try:
                outcome = await self.gateway.run(call)
            except ApiError as err:
                outcome = err.outcome
        return self.gateway.respond(call.endpoint, outcome, call.notes)


def _fill(value: Any, captures: Captures) -> Any:
    """A ``{group}`` template filled from the request (magic values); anything else as it is."""
    return captures.get(value.strip("{}")) if is_template(value) else value


def _delay(delay: Delay | str | None, fired: Fired) -> float:
    if isinstance(delay, str):
        text = _fill(delay, fired.captures)
        return min(float(text), MAX_DELAY_MS) if text and text.isdigit() else 0.0
    return delay.sample(fired.state.rng()) if delay is not None else 0.0


def caller_of(call: Call) -> str:
    """Who is calling, for per-caller scenario state: X-Mock-Caller, else the access token, else
    a Tencent SecretId (TC3 or v1), else the accessKey of a Token Authentication body."""
    headers = call.request.headers
    explicit = headers.get(CALLER_HEADER) or headers.get("x-access-token") or _tencent_credential(call)
    return explicit or str(call.params.get("accessKey") or "")


def _tencent_credential(call: Call) -> str:
    """A Tencent caller is its SecretId (TC3: ``Credential=<SecretId>/...``; v1: a parameter): not a secret."""
    if type(call.route) is V1Route:
        return call.route.sent.get("SecretId", "")
    try:
        return tc3.parse_authorization(call.request.headers.get("authorization", "")).secret_id
    except tc3.MalformedAuthorization:
        return ""
