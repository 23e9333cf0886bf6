"""Real processes on loopback: an upstream ``liveness-mock serve`` (standing for the vendor), the
test's mutating proxy in front of it, and ``liveness-mock proxy`` in front of that."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import TOKEN_PATH, signed_body
from ..processes import MockProcess
from .mutator import Mutator

TENCENT_ENV = {
    "LIVENESS_PROXY_TENCENT_SECRET_ID": "AKIDmocksampleid",
    "LIVENESS_PROXY_TENCENT_SECRET_KEY": "mocksamplesecretkey",
}


@dataclass
class Chain:
    """upstream mock <- mutator <- validation proxy; ``record`` is the proxy's --record folder."""

    upstream: MockProcess
    mutator: Mutator
    proxy: MockProcess
    record: Path
    mutator_url: str

    def reset(self) -> None:
        self.mutator.mutation = None
        for process in (self.upstream, self.proxy):
            httpx.post(process.url + "/__admin/reset", timeout=10).raise_for_status()

    def token_answer(self) -> httpx.Response:
        return httpx.post(self.proxy.url + TOKEN_PATH, json=signed_body(), timeout=10)

    def token(self) -> str:
        return str(self.token_answer().json()["data"]["token"])

    def journal(self, endpoint: str | None = None, of: MockProcess | None = None) -> list[dict[str, Any]]:
        """The proxy's journal (or ``of``'s), oldest first."""
        params: dict[str, Any] = {"limit": 5000} | ({"endpoint": endpoint} if endpoint else {})
        found = httpx.get((of or self.proxy).url + "/__admin/requests", params=params, timeout=10).json()
        return list(reversed(found["requests"]))


def start_proxy(upstream: str, *options: str, env: dict[str, str] | None = None) -> MockProcess:
    return MockProcess("--upstream", upstream, *options, command="proxy", env=env).start()


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    record = tmp_path_factory.mktemp("recorded")
    with MockProcess("--strict") as upstream:
        mutator = Mutator(upstream.url, TOKEN_PATH)
        with ThreadedServer(mutator, Settings(port=0)) as between:
            proxy = start_proxy(
                f"{between.url}/@{{host}}",
                "--record",
                str(record),
                "--journal-size",
                "5000",
                "--seed",
                "7",
                env=TENCENT_ENV,
            )
            try:
                yield Chain(upstream, mutator, proxy, record, between.url)
            finally:
                proxy.stop()


@pytest.fixture
def clean(chain: Chain) -> Chain:
    chain.reset()
    return chain
