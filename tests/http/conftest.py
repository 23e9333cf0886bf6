"""A second real server for tests that switch scenarios on globally or move the clock.

The session ``server`` is shared by every test; tests that change global state (an activated
scenario, the mock clock) use this one instead, reset before each test, so they can run in any
order next to the others.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from mock_server.app import MockParts, create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

SEED = 4242


@pytest.fixture(scope="module")
def own_app() -> Starlette:
    return create_app(Settings(port=0, strict=True, seed=SEED))


@pytest.fixture(scope="module")
def own_server(own_app: Starlette) -> Iterator[ThreadedServer]:
    with ThreadedServer(own_app, Settings(port=0)) as running:
        yield running


@pytest.fixture
def own(own_server: ThreadedServer, own_app: Starlette) -> Iterator[httpx.Client]:
    """A client of the module's own server, reset first; fails the test on a strict-mode violation."""
    parts: MockParts = own_app.state.mock
    parts.reset()
    parts.gateway.violations.clear()
    with httpx.Client(base_url=own_server.url, timeout=5) as client:
        yield client
    assert parts.gateway.violations == [], "strict mode caught responses that break their schema"
