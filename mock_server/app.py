"""create_app: the only place that puts the mock's parts together, in request order."""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.types import Message, Receive, Scope, Send

from .accounts import Accounts, load_accounts
from .admin.control import clock_routes, reset_routes, state_routes
from .admin.dashboard import FAVICON_PATH, Favicon, dashboard_routes
from .admin.endpoint import ADMIN_PREFIX, bounded_body
from .admin.health import HEALTH_PATH, Health
from .admin.safety import admin_guard, check_exposure
from .advance.api import AdvanceApi
from .advance.callbacks import CallbackSender
from .advance.journey import Journey
from .advance.outcomes import Outcomes, load_outcomes
from .clock import MockClock
from .contract.catalog import Catalog
from .contract.catalog_loader import load_catalog
from .contract.examples import load_examples
from .contract.filecache import CACHE as PARSED_FILES
from .contract.fixtures import FixtureError
from .contract.resources import fixtures_dir, schemas_dir
from .contract.schemas import ContractSchemas, load_contract
from .gateway.app import Gateway
from .gateway.buckets import AccountRateLimits
from .gateway.ratelimit import EndpointRateLimits
from .ids import IdFactory
from .journal.access import AccessLog
from .journal.admin import journal_routes
from .journal.nearmiss import HostTypos, NearMisses
from .journal.record import Journal, Recording, journal_middleware
from .journal.shared import SharedJournal
from .media import MediaLibrary, MediaLinks, link_key
from .scenarios.admin import scenario_routes
from .scenarios.book import ScenarioBook
from .scenarios.engine import ScenarioEngine
from .scenarios.faults import SEND_KEY
from .scenarios.loader import ScenarioContext, builtin_scenarios, load_scenario_files, parse_inline
from .settings import Settings
from .store import StateUnavailable, Store
from .store.base import JournalStore
from .store.fleet import UNAVAILABLE_STATUS, Fleet, send_unavailable, unavailable_body
from .store.open import open_store
from .tencent.api import TencentApi
from .version import __version__

OWN_PREFIX = "/__mock/"  # the H5 page and media links: the mock's own, not the vendor's


@dataclass
class MockParts:
    """The long-lived parts of one mock instance, reachable from ``app.state.mock``.

    ``resets`` act on the state every replica shares (run once, by whichever replica is asked);
    ``local_resets`` on what this process keeps for itself (run by every replica: on a fleet,
    when it sees the new generation).
    """

    settings: Settings
    store: Store
    catalog: Catalog
    contract: ContractSchemas
    ids: IdFactory
    clock: MockClock
    accounts: Accounts
    media: MediaLinks
    advance: AdvanceApi
    tencent: TencentApi
    gateway: Gateway
    resets: list[Callable[[], None]] = field(default_factory=list)
    local_resets: list[Callable[[], None]] = field(default_factory=list)
    scenarios: ScenarioBook | None = None
    journal: Journal | SharedJournal | None = None
    recording: Recording | None = None  # the journal, or the access log around it (--access-log)
    fleet: Fleet | None = None
    scenario_seed: int = 0  # the seed of scenario draws: --seed, or the one the fleet agreed on

    @property
    def journey(self) -> Journey:
        return self.advance.journey

    @property
    def callbacks(self) -> CallbackSender:
        return self.advance.callbacks

    def describe_state(self) -> dict[str, Any]:
        """Where the state lives and who this process is in it (``GET /__admin/state``)."""
        control = self.store.control()
        return {
            "state": self.store.url,
            "shared": self.store.shared,
            "member": self.ids.stream,
            "pid": os.getpid(),
            "generation": control.generation,
            "retentionMs": self.store.retention_ms,
        }

    def reset(self) -> None:
        """Back to the state of a fresh start (same seed, same fixtures), for the whole fleet."""
        self.store.reset()
        for reset_one in [*self.resets, *self.local_resets]:
            reset_one()
        if self.fleet is not None:
            self.fleet.seen(self.store.control())


def create_app(settings: Settings | None = None) -> MockApp:
    settings = settings or Settings()
    check_exposure(settings)
    for folder in settings.fixtures:
        if not folder.is_dir():
            raise FixtureError(f"fixture folder {folder} does not exist or is not a folder (--fixtures)")
    clock = MockClock(settings.clock_ms)
    parts = _parts(settings, open_store(settings.state, settings.retention_ms, clock), clock)
    admin = [
        *clock_routes(parts.clock, parts.store),
        *reset_routes(parts.reset),
        *state_routes(parts.describe_state),
        *parts.advance.admin_routes,
        *parts.tencent.admin_routes,
        *_scenarios_and_journal(parts),
    ]
    app = MockApp(parts, admin, [*parts.media.routes(), *parts.advance.page_routes])
    for label, port in settings.host_ports:
        parts.gateway.hosts.pin(port, label)  # an unknown label is a LookupError here, at start-up
    PARSED_FILES.save()  # the next start reads the files it checked from the cache
    return app


class MockApp:
    """The ASGI app. A vendor request goes straight to the gateway (no router or middleware in front
    of it: that is the hot path); ``/__admin`` to the control plane behind the admin token; the
    mock's own pages and media (``/__mock/``) to a small Starlette app, journaled. On a shared
    state, each request first follows the fleet (``store.fleet``); a state that cannot be reached
    answers 503."""

    def __init__(self, parts: MockParts, admin: list[BaseRoute], pages: list[BaseRoute]) -> None:
        self.state = State({"mock": parts})
        self.gateway = parts.gateway
        self.fleet = parts.fleet
        self.favicon = Favicon(parts.gateway.hosts)
        handlers = {404: _admin_not_found, 405: _admin_not_found, StateUnavailable: _unavailable}
        control = Starlette(routes=[Mount(ADMIN_PREFIX, routes=admin)], exception_handlers=handlers)
        self.admin = admin_guard(bounded_body(control), parts.settings.admin_token)
        assert all(getattr(route, "path", OWN_PREFIX).startswith(OWN_PREFIX) for route in pages)
        own = Starlette(routes=pages, exception_handlers={405: _admin_not_found, StateUnavailable: _unavailable})
        own.router.default = self.gateway  # /__mock/<anything else> is a vendor 404, as before
        assert parts.recording is not None
        self.pages = journal_middleware(bounded_body(own), parts.recording)
        self.health = Health(__version__, parts.settings.state, parts.settings.workers, parts.store.control)

    def pin_port(self, label: str, port: int) -> str:
        """Requests on ``port`` (an extra socket this app serves) are for regional host ``label``."""
        return self.gateway.hosts.pin(port, label)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[SEND_KEY] = send  # a connection_reset fault reaches uvicorn's transport through it
            try:
                if self.fleet is None:
                    await self.dispatch(scope, receive, send)
                else:
                    await self.shared(scope, receive, send)
            finally:
                # uvicorn's send is a method of the request's cycle, which holds the scope: left in
                # the scope, every request is a reference cycle only the garbage collector frees
                # (under load: a collection every ~70 requests, and full ones over the whole heap)
                scope.pop(SEND_KEY, None)
        elif scope["type"] == "websocket":
            await self.as_http(scope, send)
        elif scope["type"] == "lifespan":
            await _lifespan(receive, send)

    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if not path.startswith("/__"):
            if path == FAVICON_PATH and self.favicon.claims(scope):
                await self.favicon(scope, receive, send)
                return
            await self.gateway(scope, receive, send)
        elif path.startswith(OWN_PREFIX):
            await self.pages(scope, receive, send)
        elif path == HEALTH_PATH:  # before the admin token: see admin/health.py
            await self.health(scope, receive, send)
        elif path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            await self.admin(scope, receive, send)
        else:
            await self.gateway(scope, receive, send)

    async def shared(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Follow the fleet (clock, scenarios, resets), then answer; 503 if the state is unreachable.

        The state is read before an answer starts (the admin and page apps answer 503 themselves),
        so a StateUnavailable that gets here has sent nothing yet."""
        assert self.fleet is not None
        try:
            self.fleet.sync()
            await self.dispatch(scope, receive, send)
        except StateUnavailable as exc:
            await send_unavailable(send, exc)

    async def as_http(self, scope: Scope, send: Send) -> None:
        """A WebSocket upgrade is answered as the plain HTTP request it also is (an HTTP/1.1 server
        may ignore ``Upgrade``): the route's own answer, a documented envelope on a vendor path,
        sent through the server's denial response. Where the server has none: a refusal (403)."""
        if "websocket.http.response" not in scope.get("extensions", {}):
            await send({"type": "websocket.close", "code": 1008})
            return
        scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "ws"), "http")
        http_scope = {**scope, "type": "http", "method": "GET", "http_version": "1.1", "scheme": scheme}

        async def no_body() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def denial(message: Message) -> None:
            kind = message["type"].removeprefix("http.")
            await send({**message, "type": f"websocket.http.{kind}"})

        await self(http_scope, no_body, denial)


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing to start or stop: acknowledge both, for servers that run the lifespan protocol."""
    while True:
        message = await receive()
        kind = message["type"].rsplit(".", 1)[-1]
        await send({"type": f"lifespan.{kind}.complete"})
        if kind == "shutdown":
            return


def _parts(settings: Settings, store: Store, clock: MockClock) -> MockParts:
    """The foundation (state, catalog, schemas, clock, accounts, media), both APIs, and the gateway."""
    catalog = load_catalog(schemas_dir())
    contract = load_contract(catalog, schemas_dir())
    ids = IdFactory(settings.seed)
    scenario_seed = _join(store, ids, clock, settings.seed, clock.start_offset())
    accounts = load_accounts([fixtures_dir(), *settings.fixtures], schemas_dir())
    library = MediaLibrary(fixtures_dir() / "media")
    store.control()  # the generation this process joins (the media links' epoch)
    media = MediaLinks(library, clock, link_key(settings.seed, settings.link_secret), store)
    outcomes = _outcomes(catalog, accounts, settings)
    advance = AdvanceApi(settings, contract, ids, clock, accounts, outcomes, library, media, store)
    tencent = TencentApi(catalog, accounts, store, clock, media, settings.public_url)
    rate_limits = EndpointRateLimits(clock, store)
    gateway = Gateway(
        catalog,
        contract,
        ids,
        {**advance.actions, **tencent.actions},
        guards={**advance.guards, **tencent.guards},
        checks=[advance.billing.check, rate_limits.check],
        strict=settings.strict,
        max_body_bytes=settings.max_body_bytes,
        now_ms=clock.now_ms,
    )
    parts = MockParts(settings, store, catalog, contract, ids, clock, accounts, media, advance, tencent, gateway)
    parts.scenario_seed = scenario_seed
    parts.resets += [clock.reset]
    parts.local_resets += [lambda: ids.reseed(settings.seed), media.reset, *advance.local_resets]
    return parts


def _join(store: Store, ids: IdFactory, clock: MockClock, seed: int | None, offset: int) -> int:
    """Take this process's place in the state: its own id stream, the fleet's clock (``offset``
    if it has none yet); the seed of scenario draws (``seed``, else the one the fleet agreed on)."""
    stream, agreed = store.join(seed if seed is not None else random.SystemRandom().getrandbits(32))
    ids.join_stream(stream)
    clock.adopt(store.set_clock_offset(offset, keep_existing=True))
    clock.on_move = store.set_clock_offset
    return seed if seed is not None else agreed


def _rejoin(parts: MockParts) -> None:
    """The shared state was found empty (a Redis that restarted without its data): join it again,
    with a new id stream and this replica's clock."""
    _join(parts.store, parts.ids, parts.clock, parts.scenario_seed, parts.clock.offset)


def _scenarios_and_journal(parts: MockParts) -> list[BaseRoute]:
    """Scenarios, faults, account rate limits and the journal (issue 4); their admin routes.

    The scenario engine is a gateway interceptor (before the guards); the account rate limit the
    first check (after authentication, before billing).
    """
    settings, catalog, clock = parts.settings, parts.catalog, parts.clock
    ctx = ScenarioContext.build(catalog, parts.contract, load_examples(fixtures_dir() / "examples"))
    scenarios = builtin_scenarios(ctx)
    scenarios.update(load_scenario_files([fixtures_dir(), *settings.fixtures], schemas_dir(), ctx))
    parse = functools.partial(parse_inline, schemas=schemas_dir(), ctx=ctx)
    book = ScenarioBook(scenarios, clock, parts.store, parts.scenario_seed, settings.scenarios, parse)
    parts.scenarios = book
    book.open()
    typos = HostTypos(catalog.hosts)
    if parts.store.shared:  # a fleet: every replica's requests in the shared state
        shared = cast(JournalStore, parts.store)
        journal: Journal | SharedJournal = SharedJournal(shared, settings.journal_size, clock, typos)
    else:
        journal = Journal(settings.journal_size, clock, typos)
    parts.journal = journal
    parts.recording = AccessLog(journal) if settings.access_log else journal
    engine = ScenarioEngine(book, parts.gateway, ctx.example_data, header=settings.scenario_header)
    parts.gateway.interceptors.append(engine)
    parts.gateway.recorder = parts.recording.record
    parts.gateway.checks.insert(0, AccountRateLimits(parts.accounts, clock, parts.store))
    parts.resets += [journal.clear, book.reset]
    parts.local_resets += [book.forget_callers]
    if parts.store.shared:
        fleet = parts.fleet = Fleet(parts.store, clock)
        fleet.on_generation += [*parts.local_resets, book.reload]
        fleet.on_scenarios.append(book.reload)
        fleet.on_revocations.append(parts.media.follow)
        fleet.on_fresh += [functools.partial(_rejoin, parts), book.reset]
    return [
        *scenario_routes(book, schemas_dir(), ctx),
        *journal_routes(journal, NearMisses(catalog.routes())),
        *dashboard_routes(parts.journey.outcomes),
    ]


def _outcomes(catalog: Catalog, accounts: Accounts, settings: Settings) -> Outcomes:
    codes = set(catalog.endpoints["get_result"].codes)
    outcomes = load_outcomes(fixtures_dir() / "outcomes.yaml", schemas_dir(), codes, settings.seed)
    for account in accounts:
        if account.progression is not None and account.progression["outcome"] not in outcomes:
            raise FixtureError(
                f"account {account.name}: progression outcome {account.progression['outcome']!r} is unknown"
            )
    return outcomes


async def _admin_not_found(request: Request, exc: Exception) -> JSONResponse:
    status = getattr(exc, "status_code", 404)
    return JSONResponse({"error": f"no admin route {request.method} {request.url.path}"}, status_code=status)


async def _unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StateUnavailable)
    return Response(unavailable_body(exc), status_code=UNAVAILABLE_STATUS, media_type="application/json")
