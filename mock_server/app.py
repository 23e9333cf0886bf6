"""create_app: the only place that puts the mock's parts together, in request order."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.routing import Mount

from .actions import example_actions
from .catalog import Catalog, load_catalog
from .examples import load_examples
from .gateway import Gateway
from .ids import IdFactory
from .resources import fixtures_dir, schemas_dir
from .schemas import ContractSchemas, load_contract
from .settings import Settings


@dataclass
class MockParts:
    """The long-lived parts of one mock instance, reachable from ``app.state.mock``."""

    settings: Settings
    catalog: Catalog
    contract: ContractSchemas
    ids: IdFactory
    gateway: Gateway


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    catalog = load_catalog(schemas_dir())
    contract = load_contract(catalog, schemas_dir())
    ids = IdFactory(settings.seed)
    actions = example_actions(load_examples(fixtures_dir() / "examples"))
    gateway = Gateway(catalog, contract, ids, actions, strict=settings.strict, max_body_bytes=settings.max_body_bytes)
    app = Starlette(routes=[Mount("", app=gateway)])
    app.state.mock = MockParts(settings, catalog, contract, ids, gateway)
    return app
