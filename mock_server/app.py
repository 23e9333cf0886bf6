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
from .advance_api import AdvanceApi
from .callbacks import CallbackSender
from .catalog import Catalog, load_catalog
from .clock import MockClock
from .fixtures import FixtureError
from .gateway import Gateway
from .ids import IdFactory
from .journey import Journey
from .media import MediaLibrary, MediaLinks
from .outcomes import Outcomes, load_outcomes
from .ratelimit import EndpointRateLimits
from .resources import fixtures_dir, schemas_dir
from .schemas import ContractSchemas, load_contract
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
    store: Store
    journey: Journey
    callbacks: CallbackSender
    gateway: Gateway
    resets: list[Callable[[], None]] = field(default_factory=list)

    def reset(self) -> None:
        """Back to the state of a fresh start (same seed, same fixtures)."""
        for reset_one in self.resets:
            reset_one()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    catalog = load_catalog(schemas_dir())
    contract = load_contract(catalog, schemas_dir())
    ids = IdFactory(settings.seed)
    clock = MockClock(settings.clock_ms)
    accounts = load_accounts([fixtures_dir(), *settings.fixtures], schemas_dir())
    library = MediaLibrary(fixtures_dir() / "media")
    media = MediaLinks(library, clock, ids)
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
    parts = MockParts(
        settings,
        catalog,
        contract,
        ids,
        clock,
        accounts,
        media,
        advance.store,
        advance.journey,
        advance.callbacks,
        gateway,
    )
    parts.resets += [
        lambda: ids.reseed(settings.seed),
        clock.reset,
        media.reset,
        *advance.resets,
        tencent.reset,
        rate_limits.reset,
    ]
    admin = [*clock_routes(clock), *reset_routes(parts.resets), *advance.admin_routes, *tencent.admin_routes]
    return _starlette(parts, admin, [*media.routes(), *advance.page_routes])


def _starlette(parts: MockParts, admin: list[BaseRoute], pages: list[BaseRoute]) -> Starlette:
    """Control plane under /__admin, the mock's own pages and media, then every vendor route."""
    app = Starlette(
        routes=[Mount("/__admin", routes=admin), *pages, Mount("", app=parts.gateway)],
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
