from __future__ import annotations

import pytest

from mock_server.contract.catalog import Catalog
from mock_server.gateway.hosts import HostResolver, strip_port


@pytest.fixture(scope="module")
def resolver(catalog: Catalog) -> HostResolver:
    return HostResolver(catalog.hosts, catalog.default_host)


@pytest.mark.parametrize(
    ("header", "host"),
    [
        ("my-api.advance.ai", "my-api.advance.ai"),
        ("my-api.advance.ai:8080", "my-api.advance.ai"),
        ("MY-API.Advance.AI.", "my-api.advance.ai"),
        ("my-api.localhost:8080", "my-api.advance.ai"),
        ("sg-api.localhost", "sg-api.advance.ai"),
        ("nope-api.localhost", "api.advance.ai"),
        ("127.0.0.1:8080", "api.advance.ai"),
        ("localhost", "api.advance.ai"),
        ("[::1]:8080", "api.advance.ai"),
        ("evil.advance.ai.example.com", "api.advance.ai"),
        ("", "api.advance.ai"),
        (None, "api.advance.ai"),
    ],
)
def test_resolve(resolver: HostResolver, header: str | None, host: str) -> None:
    assert resolver.resolve(header) == host
    assert resolver.resolve(header) == host  # memoised answer is the same


def test_strip_port_keeps_ipv6_brackets() -> None:
    assert strip_port("[::1]:80") == "[::1]"
    assert strip_port("[::1]") == "[::1]"
    assert strip_port("a.b:1") == "a.b"
