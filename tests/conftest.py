"""Shared fixtures: one real mock server (uvicorn on 127.0.0.1, strict mode) per test session."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from mock_server.app import MockParts, create_app
from mock_server.contract.catalog import Catalog
from mock_server.contract.examples import Example, load_examples
from mock_server.contract.resources import fixtures_dir
from mock_server.contract.schemas import ContractSchemas
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from .helpers import access_token

pytest_plugins = ["pytester", "tests.chromium", "tests.redis_server"]  # pytest in pytest; Chromium; redis-server

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DOCS = ROOT / "docs" / "vendor"


@pytest.fixture(scope="session")
def app() -> Starlette:
    return create_app(Settings(port=0, strict=True, seed=20261122))


@pytest.fixture(scope="session")
def parts(app: Starlette) -> MockParts:
    return app.state.mock  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def catalog(parts: MockParts) -> Catalog:
    return parts.catalog


@pytest.fixture(scope="session")
def contract(parts: MockParts) -> ContractSchemas:
    return parts.contract


@pytest.fixture(scope="session")
def examples() -> list[Example]:
    return load_examples(fixtures_dir() / "examples")


@pytest.fixture(scope="session")
def server(app: Starlette) -> Iterator[ThreadedServer]:
    with ThreadedServer(app, Settings(port=0)) as running:
        yield running


@pytest.fixture
def http(server: ThreadedServer, parts: MockParts) -> Iterator[httpx.Client]:
    """A client of the real server, reset for this test; the test fails if the mock broke its own
    contract meanwhile (strict mode)."""
    parts.reset()
    parts.gateway.violations.clear()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client
    assert parts.gateway.violations == [], "strict mode caught responses that break their schema"


@pytest.fixture
def token(http: httpx.Client) -> str:
    """An access token of the default account, through the real Token Authentication flow."""
    return access_token(http)


@pytest.fixture
def api(server: ThreadedServer, token: str) -> Iterator[httpx.Client]:
    """A client that sends the default account's access token."""
    with httpx.Client(base_url=server.url, timeout=10, headers={"X-ACCESS-TOKEN": token}) as client:
        yield client


class LogRecords(logging.Handler):
    """Every record the server's loggers emit during a test (uvicorn logs its tracebacks itself)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def tracebacks(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()}" for r in self.records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.fixture
def server_log() -> Iterator[LogRecords]:
    """The log of the session's server (and of uvicorn) while the test runs."""
    handler = LogRecords()
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", "mock_server", "")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)
