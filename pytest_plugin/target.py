"""Where each regional host is reached, and how Token Authentication requests are signed.

A mock process answers every host on one port and picks the host from the ``Host`` header; a real
sandbox has one base URL per host. ``Target`` hides the difference: ``url(host, path)`` gives the
URL to call and the headers that address the host.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import httpx
import pytest

DEFAULT_HOST = "api.advance.ai"


@dataclass(frozen=True)
class Target:
    """``host_map`` entries win; other hosts go to ``base_url`` with their Host header, or to themselves."""

    kind: str = "mock"
    base_url: str | None = None
    host_map: Mapping[str, str] = field(default_factory=dict)

    def url(self, host: str | None, path: str) -> tuple[str, dict[str, str]]:
        host = (host or DEFAULT_HOST).lower()
        if host in self.host_map:
            return self.host_map[host] + path, {}
        if self.base_url is not None:
            return self.base_url + path, {"Host": host}
        return f"https://{host}{path}", {}


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str

    def signed_body(self, timestamp_ms: int | None = None, **extra: Any) -> dict[str, Any]:
        """A Token Authentication body: signature = hex SHA-256 of accessKey + secretKey + timestamp."""
        ts = timestamp_ms if timestamp_ms is not None else now_ms()
        return {
            "accessKey": self.access_key,
            "signature": sign(self.access_key, self.secret_key, ts),
            "timestamp": ts,
            **extra,
        }

    def __repr__(self) -> str:  # never print the secret
        return f"Credentials({self.access_key!r}, ***)"


UNREACHABLE = (httpx.ConnectError, httpx.ConnectTimeout)


def unreachable(target: Target, request: httpx.Request, exc: Exception) -> NoReturn:
    """Stop the whole run at the first connection failure: every later call would fail the same
    way, spend the call budget and print a traceback each; one line says what to check instead."""
    where = f"{request.url.scheme}://{request.url.netloc.decode('ascii', 'replace')}"
    hint = "--liveness-base-url / --liveness-host-map" if target.kind == "sandbox" else "the mock's URL"
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    pytest.exit(
        f"liveness: cannot connect to the {target.kind} at {where} ({type(exc).__name__}: {reason}); "
        f"stopped at the first connection failure: check {hint} and the network"
    )


def sign(access_key: str, secret_key: str, timestamp_ms: int | str) -> str:
    return hashlib.sha256(f"{access_key}{secret_key}{timestamp_ms}".encode()).hexdigest()


def now_ms() -> int:
    return time.time_ns() // 1_000_000
