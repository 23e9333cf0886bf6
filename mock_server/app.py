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
from .catalog import Catalog, load_catalog
from .clock import MockClock
from .examples import load_examples
from .gateway import Gateway
from .ids import IdFactory
from .media import MediaLibrary, MediaLinks
from .ratelimit import EndpointRateLimits
from .resources import fixtures_dir, schemas_dir
from .schemas import ContractSchemas, load_contract
from .settings import Settings
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
    actions = example_actions(load_examples(fixtures_dir() / "examples"))
    media = MediaLinks(MediaLibrary(fixtures_dir() / "media"), clock, ids)
    tencent = TencentApi(catalog, accounts, clock, media, settings.public_url)
    rate_limits = EndpointRateLimits()
    gateway = Gateway(
        catalog,
        contract,
        ids,
        {**actions, **tencent.actions},
        tencent.guards,
        checks=[rate_limits.check],
        strict=settings.strict,
        max_body_bytes=settings.max_body_bytes,
    )
    parts = MockParts(settings, catalog, contract, ids, clock, accounts, media, gateway)
    parts.resets += [lambda: ids.reseed(settings.seed), clock.reset, media.reset, tencent.reset, rate_limits.reset]
    admin: list[BaseRoute] = [*clock_routes(clock), *reset_routes(parts.resets), *tencent.admin_routes]
    app = Starlette(
        routes=[Mount("/__admin", routes=admin), *media.routes(), Mount("", app=gateway)],
        exception_handlers={404: _admin_not_found, 405: _admin_not_found},
    )
    app.state.mock = parts
    return app


async def _admin_not_found(request: Request, exc: Exception) -> JSONResponse:
    status = getattr(exc, "status_code", 404)
    return JSONResponse({"error": f"no admin route {request.method} {request.url.path}"}, status_code=status)
