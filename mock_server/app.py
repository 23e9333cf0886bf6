"""create_app: the only place that puts the mock's parts together, in request order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount

from .accounts import Accounts, load_accounts
from .admin import clock_routes, reset_routes
from .admin_journal import journal_routes
from .admin_scenarios import scenario_routes
from .admin_sessions import SessionAdmin
from .auth import Authenticator
from .billing import Billing
from .buckets import AccountRateLimits
from .callbacks import CallbackSender
from .catalog import Catalog, load_catalog
from .clock import MockClock
from .dashboard import dashboard_routes
from .examples import load_examples
from .faults import transport_access
from .fixtures import FixtureError
from .gateway import Action, Gateway
from .h5page import H5Page, configure_ui_action
from .ids import IdFactory
from .journal import Journal, journal_middleware, keep_params
from .journey import Journey
from .media import MediaLibrary, MediaLinks
from .nearmiss import NearMisses
from .outcomes import Outcomes, load_outcomes
from .ratelimit import EndpointRateLimits
from .resources import fixtures_dir, schemas_dir
from .results import Results
from .safety import admin_guard, check_exposure
from .scenario_book import ScenarioBook
from .scenario_engine import ScenarioEngine
from .scenario_loader import ScenarioContext, builtin_scenarios, load_scenario_files
from .schemas import ContractSchemas, load_contract
from .settings import Settings
from .store import MemoryStore, Store
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
    store: Store
    journey: Journey
    callbacks: CallbackSender
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
    outcomes = _outcomes(catalog, accounts, settings)
    library = MediaLibrary(fixtures_dir() / "media")
    media = MediaLinks(library, clock, ids)
    store = MemoryStore()
    billing = Billing(store)
    auth = Authenticator(accounts, store, clock, ids)
    journey = Journey(store, clock, ids, outcomes, accounts, media, billing, settings.public_url)
    callbacks = CallbackSender(store, settings.callback_hosts)
    journey.on_complete.append(callbacks.on_complete)
    results = Results(journey, store, library, media, billing)
    actions: dict[str, Action] = {
        "token_authentication": auth.generate_token,
        "configure_ui": configure_ui_action(store),
        "get_token": journey.create_h5,
        "generate_url": journey.create_idvs,
        "get_result": results.get_result,
        "liveness_detection": results.liveness_detection,
        "get_video": results.get_video,
        "pii_clear_data": journey.clear_data,
    }
    tencent = TencentApi(catalog, accounts, clock, media, settings.public_url)
    rate_limits = EndpointRateLimits(clock)
    gateway = Gateway(
        catalog,
        contract,
        ids,
        {**actions, **tencent.actions},
        guards={"access_token": auth.require_token, **tencent.guards},
        checks=[billing.check, rate_limits.check],
        strict=settings.strict,
        max_body_bytes=settings.max_body_bytes,
    )
    parts = MockParts(settings, catalog, contract, ids, clock, accounts, media, store, journey, callbacks, gateway)
    parts.resets += [lambda: ids.reseed(settings.seed), outcomes.reseed, clock.reset, media.reset, store.reset]
    parts.resets += [tencent.reset, rate_limits.reset]
    admin: list[BaseRoute] = [
        *clock_routes(clock),
        *reset_routes(parts.resets),
        *SessionAdmin(journey, store, clock, ids, accounts).routes(),
        *tencent.admin_routes,
    ]
    # Scenarios, faults, account rate limits and the journal (issue 4): interceptors run before the guards.
    scenario_ctx = ScenarioContext.build(catalog, contract, load_examples(fixtures_dir() / "examples"))
    scenarios = builtin_scenarios(scenario_ctx)
    scenarios.update(load_scenario_files([fixtures_dir(), *settings.fixtures], schemas_dir(), scenario_ctx))
    parts.scenarios = ScenarioBook(scenarios, clock, settings.seed, settings.scenarios)
    parts.journal = journal = Journal(settings.journal_size, clock)
    engine = ScenarioEngine(parts.scenarios, gateway, scenario_ctx.example_data, header=settings.scenario_header)
    gateway.interceptors += [keep_params, engine]
    gateway.checks.insert(0, limits := AccountRateLimits(accounts, clock))  # busy before billing decides
    parts.resets += [journal.clear, parts.scenarios.reset, limits.reset]
    admin += scenario_routes(parts.scenarios, schemas_dir(), scenario_ctx)
    admin += journal_routes(journal, NearMisses(catalog.routes()))
    admin += dashboard_routes(outcomes)
    app = Starlette(
        routes=[
            Mount("/__admin", routes=admin),
            *media.routes(),
            *H5Page(journey, store, clock).routes(),
            Mount("", app=gateway),
        ],
        exception_handlers={404: _admin_not_found, 405: _admin_not_found},
    )
    app.state.mock = parts
    # Outermost, in this order: uvicorn's transport (for connection resets), the admin token, the journal.
    stack = journal_middleware(app.build_middleware_stack(), journal)
    app.middleware_stack = transport_access(admin_guard(stack, settings.admin_token))
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
