"""create_app: the only place that puts the mock's parts together, in request order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount

from .accounts import Accounts, load_accounts
from .admin.control import clock_routes, reset_routes
from .admin.dashboard import dashboard_routes
from .admin.endpoint import ADMIN_PREFIX
from .admin.safety import admin_guard, check_exposure
from .advance.api import AdvanceApi
from .advance.callbacks import CallbackSender
from .advance.journey import Journey
from .advance.outcomes import Outcomes, load_outcomes
from .clock import MockClock
from .contract.catalog import Catalog
from .contract.catalog_loader import load_catalog
from .contract.examples import load_examples
from .contract.fixtures import FixtureError
from .contract.resources import fixtures_dir, schemas_dir
from .contract.schemas import ContractSchemas, load_contract
from .gateway.app import Gateway
from .gateway.buckets import AccountRateLimits
from .gateway.ratelimit import EndpointRateLimits
from .ids import IdFactory
from .journal.admin import journal_routes
from .journal.nearmiss import HostTypos, NearMisses
from .journal.record import Journal, journal_middleware, keep_params
from .media import MediaLibrary, MediaLinks, link_key
from .scenarios.admin import scenario_routes
from .scenarios.book import ScenarioBook
from .scenarios.engine import ScenarioEngine
from .scenarios.faults import transport_access
from .scenarios.loader import ScenarioContext, builtin_scenarios, load_scenario_files
from .settings import Settings
from .store import Store
from .tencent.api import TencentApi


@dataclass
class MockParts:
    """The long-lived parts of one mock instance, reachable from ``app.state.mock``."""

    settings: Settings
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
    scenarios: ScenarioBook | None = None
    journal: Journal | None = None

    @property
    def store(self) -> Store:
        return self.advance.store

    @property
    def journey(self) -> Journey:
        return self.advance.journey

    @property
    def callbacks(self) -> CallbackSender:
        return self.advance.callbacks

    def reset(self) -> None:
        """Back to the state of a fresh start (same seed, same fixtures)."""
        for reset_one in self.resets:
            reset_one()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    check_exposure(settings)
    parts = _parts(settings)
    admin = [
        *clock_routes(parts.clock),
        *reset_routes(parts.resets),
        *parts.advance.admin_routes,
        *parts.tencent.admin_routes,
        *_scenarios_and_journal(parts),
    ]
    app = _starlette(parts, admin, [*parts.media.routes(), *parts.advance.page_routes])
    _outermost(app, parts)
    return app


def _parts(settings: Settings) -> MockParts:
    """The foundation (catalog, schemas, clock, accounts, media), both APIs, and the gateway."""
    catalog = load_catalog(schemas_dir())
    contract = load_contract(catalog, schemas_dir())
    ids, clock = IdFactory(settings.seed), MockClock(settings.clock_ms)
    accounts = load_accounts([fixtures_dir(), *settings.fixtures], schemas_dir())
    library = MediaLibrary(fixtures_dir() / "media")
    media = MediaLinks(library, clock, link_key(settings.seed, settings.link_secret))
    outcomes = _outcomes(catalog, accounts, settings)
    advance = AdvanceApi(settings, contract, ids, clock, accounts, outcomes, library, media)
    tencent = TencentApi(catalog, accounts, clock, media, settings.public_url)
    rate_limits = EndpointRateLimits(clock)
    gateway = Gateway(
        catalog,
        contract,
        ids,
        {**advance.actions, **tencent.actions},
        guards={**advance.guards, **tencent.guards},
        checks=[advance.billing.check, rate_limits.check],
        strict=settings.strict,
        max_body_bytes=settings.max_body_bytes,
    )
    parts = MockParts(settings, catalog, contract, ids, clock, accounts, media, advance, tencent, gateway)
    parts.resets += [lambda: ids.reseed(settings.seed), clock.reset, media.reset, *advance.resets]
    parts.resets += [tencent.reset, rate_limits.reset]
    return parts


def _scenarios_and_journal(parts: MockParts) -> list[BaseRoute]:
    """Scenarios, faults, account rate limits and the journal (issue 4); their admin routes.

    The scenario engine is a gateway interceptor (before the guards); the account rate limit the
    first check (after authentication, before billing).
    """
    settings, catalog, clock = parts.settings, parts.catalog, parts.clock
    ctx = ScenarioContext.build(catalog, parts.contract, load_examples(fixtures_dir() / "examples"))
    scenarios = builtin_scenarios(ctx)
    scenarios.update(load_scenario_files([fixtures_dir(), *settings.fixtures], schemas_dir(), ctx))
    book = parts.scenarios = ScenarioBook(scenarios, clock, settings.seed, settings.scenarios)
    journal = parts.journal = Journal(settings.journal_size, clock, HostTypos(catalog.hosts))
    engine = ScenarioEngine(book, parts.gateway, ctx.example_data, header=settings.scenario_header)
    parts.gateway.interceptors += [keep_params, engine]
    parts.gateway.checks.insert(0, limits := AccountRateLimits(parts.accounts, clock))
    parts.resets += [journal.clear, book.reset, limits.reset]
    return [
        *scenario_routes(book, schemas_dir(), ctx),
        *journal_routes(journal, NearMisses(catalog.routes())),
        *dashboard_routes(parts.journey.outcomes),
    ]


def _outermost(app: Starlette, parts: MockParts) -> None:
    """Around everything, in this order: uvicorn's transport (for connection resets), the admin
    token, the journal (so it sees every request and the final response, admin calls excepted)."""
    assert parts.journal is not None
    stack = journal_middleware(app.build_middleware_stack(), parts.journal)
    app.middleware_stack = transport_access(admin_guard(stack, parts.settings.admin_token))


def _starlette(parts: MockParts, admin: list[BaseRoute], pages: list[BaseRoute]) -> Starlette:
    """Control plane under /__admin, the mock's own pages and media, then every vendor route."""
    app = Starlette(
        routes=[Mount(ADMIN_PREFIX, routes=admin), *pages, Mount("", app=parts.gateway)],
        exception_handlers={404: _admin_not_found, 405: _admin_not_found},
    )
    app.state.mock = parts
    return app


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
