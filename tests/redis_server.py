"""One redis-server per test session (Debian's, installed by scripts/test.sh), on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .processes import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()
