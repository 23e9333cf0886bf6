"""create_app: the only place that puts the mock's parts together, in request order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount

from .accounts import Accounts, load_accounts
from .actions import example_actions
from .admin import clock_routes, reset_routes
from .admin_journal import journal_routes
from .admin_scenarios import scenario_routes
from .catalog import Catalog, load_catalog
from .clock import MockClock
from .examples import load_examples
from .faults import transport_access
from .gateway import Gateway
from .ids import IdFactory
from .journal import Journal, journal_middleware, keep_params
from .media import MediaLibrary, MediaLinks
from .nearmiss import NearMisses
from .ratelimit import AccountRateLimits
from .resources import fixtures_dir, schemas_dir
from .safety import admin_guard, check_exposure
from .scenario_book import ScenarioBook
from .scenario_engine import ScenarioEngine
from .scenario_loader import ScenarioContext, builtin_scenarios, load_scenario_files
from .schemas import ContractSchemas, load_contract
from .settings import Settings


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
    gateway: Gateway
    resets: list[Callable[[], None]] = field(default_factory=list)
    scenarios: ScenarioBook | None = None
    journal: Journal | None = None

    def reset(self) -> None:
        """Back to the state of a fresh start (same seed, same fixtures)."""
        for reset_one in self.resets:
            reset_one()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    check_exposure(settings)
    catalog = load_catalog(schemas_dir())
    contract = load_contract(catalog, schemas_dir())
    ids = IdFactory(settings.seed)
    clock = MockClock(settings.clock_ms)
    accounts = load_accounts([fixtures_dir(), *settings.fixtures], schemas_dir())
    actions = example_actions(load_examples(fixtures_dir() / "examples"))
    gateway = Gateway(catalog, contract, ids, actions, strict=settings.strict, max_body_bytes=settings.max_body_bytes)
    media = MediaLinks(MediaLibrary(fixtures_dir() / "media"), clock, ids)
    parts = MockParts(settings, catalog, contract, ids, clock, accounts, media, gateway)
    parts.resets += [lambda: ids.reseed(settings.seed), clock.reset, media.reset]
    admin: list[BaseRoute] = [*clock_routes(clock), *reset_routes(parts.resets)]
    # Scenarios, faults, rate limits and the journal (issue 4): interceptors run before the guards.
    scenario_ctx = ScenarioContext.build(catalog, contract, load_examples(fixtures_dir() / "examples"))
    scenarios = builtin_scenarios(scenario_ctx)
    scenarios.update(load_scenario_files([fixtures_dir(), *settings.fixtures], schemas_dir(), scenario_ctx))
    parts.scenarios = ScenarioBook(scenarios, clock, settings.seed, settings.scenarios)
    parts.journal = journal = Journal(settings.journal_size, clock)
    engine = ScenarioEngine(parts.scenarios, gateway, scenario_ctx.example_data, header=settings.scenario_header)
    gateway.interceptors += [keep_params, engine]
    gateway.checks.append(limits := AccountRateLimits(accounts, clock))
    parts.resets += [journal.clear, parts.scenarios.reset, limits.reset]
    admin += scenario_routes(parts.scenarios, schemas_dir(), scenario_ctx)
    admin += journal_routes(journal, NearMisses(catalog.routes()))
    app = Starlette(
        routes=[Mount("/__admin", routes=admin), *media.routes(), Mount("", app=gateway)],
        exception_handlers={404: _admin_not_found, 405: _admin_not_found},
    )
    app.state.mock = parts
    # Outermost, in this order: uvicorn's transport (for connection resets), the admin token, the journal.
    stack = journal_middleware(app.build_middleware_stack(), journal)
    app.middleware_stack = transport_access(admin_guard(stack, settings.admin_token))
    return app


async def _admin_not_found(request: Request, exc: Exception) -> JSONResponse:
    status = getattr(exc, "status_code", 404)
    return JSONResponse({"error": f"no admin route {request.method} {request.url.path}"}, status_code=status)
