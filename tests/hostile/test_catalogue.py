"""The bad-input catalogue (issue 10): every kind of bad input against every route, over real HTTP.

A real uvicorn server in strict mode, its own app, its log tapped. For each kind (``kinds.KINDS``)
and each route (the catalog's 38, the admin API, the H5 page, the media links): the answer is a
documented envelope or a JSON error below 500, never a traceback or an error in the log, never a
strict-mode violation. Then the state made before is unchanged, the mock answers normally, and
only then the routes that act on any request (reset, clear) get the same treatment.

The whole catalogue runs once (module fixture); each kind is one test that reads its findings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from mock_server.app import MockParts, create_app
from mock_server.contract.schemas import ContractSchemas
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH, access_token, complete, h5_session
from .kinds import KINDS
from .targets import PROBE_SCENARIO, STATEFUL, Target, World, own_targets, vendor_targets
from .wire import Answer, LogTap, Probe, exchange, is_bad_log

SHOWN = 8  # findings shown per kind
OVER_THE_LIMIT = {"huge-body-with-length", "huge-body-chunked"}  # a POST body of 2 MiB: 413 on every route
PING = b"GET /__admin/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
NOT_FOUND = (
    b'{"code":"CLIENT_ERROR","message":"HTTP 404 - Not Found","data":null,"extra":null,'
    b'"transactionId":"0123456789abcdef","pricingStrategy":"FREE"}'
)


@dataclass
class Catalogue:
    """What one run of the catalogue found, per kind, and its figures."""

    findings: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    probes: int = 0
    requests: int = 0
    server_errors: int = 0
    tracebacks: int = 0
    targets: int = 0
    seconds: float = 0.0


@dataclass
class Bench:
    """The server under attack and what judging its answers needs."""

    server: ThreadedServer
    parts: MockParts
    tap: LogTap
    address: tuple[str, int]

    @property
    def contract(self) -> ContractSchemas:
        return self.parts.contract

    def attack(self, http: httpx.Client, kind: str, found: Catalogue) -> list[str]:
        """``kind`` against every route of a fresh mock; what went wrong."""
        http.post("/__admin/reset").raise_for_status()
        world = World.build(http)
        targets = [*vendor_targets(self.parts.catalog, world), *own_targets(world)]
        found.targets = len(targets) + len(STATEFUL)
        self.tap.take()
        before = state(http, world)
        problems = [problem for target in targets for problem in self.run(kind, target, found)]
        after = state(http, world)
        problems += [f"state changed: {before} -> {after}"] if after != before else []
        problems += [f"afterwards: {problem}" for problem in health(http, world)]
        problems += [f"afterwards: logged: {line}" for line in self.logged(found)]
        problems += [problem for target in STATEFUL for problem in self.run(kind, target, found)]
        problems += [f"after the stateful routes: {problem}" for problem in health(http, None)]
        return problems + [f"after the stateful routes: logged: {line}" for line in self.logged(found)]

    def run(self, kind: str, target: Target, found: Catalogue) -> list[str]:
        probe = KINDS[kind](target)
        violations = len(self.parts.gateway.violations)
        outcome = exchange(self.address, probe)
        if probe.vanish:  # let the server notice the client left before the log is read
            exchange(self.address, Probe([PING], methods=["GET"]))
        self.server.settle()
        found.probes += 1
        found.requests += probe.requests
        problems = [] if probe.vanish else ([outcome.problem] if outcome.problem else [])
        for answer in outcome.answers:
            found.server_errors += answer.status >= 500
            problems += judge(target, answer, self.contract)
            if kind in OVER_THE_LIMIT and target.method == "POST" and not refuses_the_size(target, answer):
                problems.append(f"HTTP {answer.status} to a body over the limit (413 expected): it was read")
        problems += [f"logged: {line}" for line in self.logged(found)]
        problems += [f"strict mode: {v}" for v in self.parts.gateway.violations[violations:]]
        return [f"{target.name}: {p}" for p in dict.fromkeys(problems)]

    def logged(self, found: Catalogue) -> list[str]:
        """The errors and tracebacks logged since last asked (first line of each)."""
        bad = [line for line in self.tap.take() if is_bad_log(line)]
        found.tracebacks += sum("Traceback" in line for line in bad)
        return [line.splitlines()[0][:160] for line in bad]


def judge(target: Target, answer: Answer, contract: ContractSchemas) -> list[str]:
    """Why ``answer`` is not acceptable for bad input to ``target``; empty when it is."""
    head = f"HTTP {answer.status} {answer.content_type or '(no type)'}"
    if answer.status >= 500:
        return [f"{head}: {answer.body[:100]!r}"]
    if b"root:" in answer.body:
        return [f"{head}: a system file in the answer"]
    if answer.content_type != "application/json":
        return [] if own_page(target, answer) else [f"{head}, not JSON: {answer.body[:80]!r}"]
    if target.method == "HEAD" or answer.status == 204:
        return []
    try:
        body = json.loads(answer.body)
    except ValueError:
        return [f"{head}: the body is not JSON: {answer.body[:80]!r}"]
    if answer.status == 400 and isinstance(body, dict) and set(body) == {"mockError"}:
        return []  # docs/scenarios.md: the answer to an unknown X-Mock-Scenario name
    if target.family == "vendor" and not documented(body, target.endpoint_id, contract):
        return [f"{head}: not a documented envelope: {answer.body[:120]!r}"]
    return []


def own_page(target: Target, answer: Answer) -> bool:
    """The mock's own non-JSON answers: the dashboard, the H5 page and its notices, media files."""
    if target.family in ("page", "media") and answer.status < 400:
        return True
    if target.path == "/__admin/" and answer.status < 400:
        return answer.content_type == "text/html"
    return target.family == "page" and answer.content_type == "text/html" and answer.status in (404, 410)


def documented(body: Any, endpoint_id: str, contract: ContractSchemas) -> bool:
    """An answer of this endpoint, or of another one (bad input may re-route: host, path, method)."""
    if not contract.response_problems(endpoint_id, body):
        return True
    return any(not contract.response_problems(other, body) for other in contract.catalog.endpoints)


def state(http: httpx.Client, world: World) -> dict[str, Any]:
    """What bad input must not change: the witness session, active scenarios, the clock's offset,
    a readable journal (or why it could not be read)."""
    try:
        return readable_state(http, world)
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        return {"unreadable": repr(exc)[:200]}


def readable_state(http: httpx.Client, world: World) -> dict[str, Any]:
    witness = http.get(f"/__admin/sessions/{world.witness}").json()
    active = http.get("/__admin/scenarios", params={"active": "true"}).json()
    clock = http.get("/__admin/clock").json()
    journal = http.get("/__admin/requests", params={"limit": 5})
    return {
        "witness": {k: witness.get(k) for k in ("status", "outcome", "signatureId")},
        "active": sorted(s["name"] for s in active["scenarios"] if s["name"] != PROBE_SCENARIO),
        "clockOffsetS": round((clock["nowMs"] - clock["wallMs"]) / 1000),
        "journal": (journal.status_code, journal.headers.get("content-type")),
    }


def health(http: httpx.Client, world: World | None) -> list[str]:
    """The mock answers normally: the witness's result (if it still exists), a whole new journey."""
    try:
        return journey_problems(http, world)
    except (httpx.HTTPError, AssertionError, ValueError, KeyError) as exc:
        return [f"a normal journey failed: {exc!r}"[:300]]


def journey_problems(http: httpx.Client, world: World | None) -> list[str]:
    problems = []
    if world is not None:
        answer = http.post(
            GET_RESULT_PATH, json={"signatureId": world.witness}, headers={"X-ACCESS-TOKEN": world.token}
        )
        if answer.status_code != 200 or answer.json().get("code") != "SUCCESS":
            problems.append(f"Get Result of the witness: {answer.status_code} {answer.text[:120]}")
    token = access_token(http)
    session = h5_session(http, token)
    page = http.get(str(session["url"]))
    if page.status_code != 200:
        problems.append(f"a new session's H5 page: {page.status_code} {page.text[:120]}")
    complete(http, session["signatureId"], "pass")
    result = http.post(GET_RESULT_PATH, json={"signatureId": session["signatureId"]}, headers={"X-ACCESS-TOKEN": token})
    if result.json().get("code") != "SUCCESS":
        problems.append(f"Get Result of a new session: {result.text[:120]}")
    for path in ("/__admin/requests?limit=1000", "/__admin/sessions", "/__admin/scenarios", "/__admin/"):
        answer = http.get(path)
        if answer.status_code != 200:
            problems.append(f"GET {path}: {answer.status_code} {answer.text[:120]}")
    return problems


@pytest.fixture(scope="module")
def bench() -> Iterator[Bench]:
    app = create_app(Settings(port=0, strict=True, seed=10))
    settings = Settings(port=0, header_timeout_s=2.0, body_timeout_s=2.0, keep_alive_s=0.5)
    with ThreadedServer(app, settings) as server, LogTap() as tap:
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        yield Bench(server, app.state.mock, tap, (host, int(port)))


@pytest.fixture(scope="module")
def catalogue(bench: Bench) -> Catalogue:
    """Every kind on a fresh mock (reset, new ids): what a kind leaves behind is its own finding."""
    found = Catalogue()
    began = time.monotonic()
    fresh_connections = httpx.Limits(max_keepalive_connections=0)  # no race with a closing keep-alive
    with httpx.Client(base_url=bench.server.url, timeout=10, limits=fresh_connections) as http:
        for kind in KINDS:
            found.findings[kind] += bench.attack(http, kind, found)
    found.seconds = time.monotonic() - began
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_of_this_kind_is_answered_and_changes_nothing(catalogue: Catalogue, kind: str) -> None:
    """Every route answers it well and logs no error; the state made before is unchanged; the
    mock answers normally afterwards (and again after the routes that act on any request)."""
    findings = catalogue.findings[kind]
    shown = "\n  ".join(findings[:SHOWN])
    assert not findings, f"{len(findings)} finding(s) for {kind}:\n  {shown}"


def test_the_catalogue_covers_every_route_and_forty_kinds(
    catalogue: Catalogue, capsys: pytest.CaptureFixture[str]
) -> None:
    """And says how much it sent (the figures of issue 10's closing note)."""
    with capsys.disabled():
        print(
            f"\nbad-input catalogue: {len(KINDS)} kinds x {catalogue.targets} routes, {catalogue.probes} probes, "
            f"{catalogue.requests} requests, {catalogue.server_errors} answers >= 500, "
            f"{catalogue.tracebacks} tracebacks logged, {catalogue.seconds:.1f} s"
        )
    assert len(KINDS) >= 40
    assert catalogue.targets >= 38 + 20
    assert catalogue.probes == len(KINDS) * catalogue.targets


def test_a_deviation_is_caught(bench: Bench, catalogue: Catalogue) -> None:
    """The judge is not blind: a 500, a text body, a traceback in the log are all findings."""
    target = Target("vendor", "POST", "/x", endpoint_id="get_result")
    assert judge(target, Answer(500, {"content-type": "application/json"}, b"{}"), bench.contract)
    assert judge(target, Answer(400, {"content-type": "text/plain"}, b"Bad"), bench.contract)
    assert judge(target, Answer(200, {"content-type": "application/json"}, b'{"code": "NOPE"}'), bench.contract)
    assert is_bad_log("ERROR uvicorn.error: Exception in ASGI application\nTraceback (most recent call last):")
    assert not judge(target, Answer(404, {"content-type": "application/json"}, NOT_FOUND), bench.contract)
    assert Probe([b""], methods=["GET", "GET"]).requests == 2


def refuses_the_size(target: Target, answer: Answer) -> bool:
    """413, or Tencent's RequestSizeLimitExceeded (file 004: every Tencent error is HTTP 200)."""
    if target.action:
        return answer.status == 200 and b'"RequestSizeLimitExceeded"' in answer.body
    return answer.status == 413
