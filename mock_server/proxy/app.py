"""create_proxy_app: the mock, with the real service answering instead of the mock's endpoints.

The proxy is the mock's app (hosts and routes, scenarios, journal, dashboard, ``/__admin``)
whose gateway has one more interceptor, the ``Forwarder``, after the scenario engine: every
request a scenario does not answer goes upstream and comes back checked. Faults that damage an
answer (``truncated_json``, ``slow_body``...) damage the real one (``ProxyEngine``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.responses import Response

from ..app import MockApp, create_app
from ..contract.examples import load_examples
from ..contract.outcome import Outcome
from ..contract.resources import fixtures_dir
from ..gateway.call import Call
from ..scenarios.engine import ScenarioEngine
from ..settings import Settings
from .forwarder import Forwarder
from .recorder import Recorder
from .upstream import DEFAULT_UPSTREAM, TencentSigner, Upstreams


@dataclass(frozen=True)
class ProxyOptions:
    upstream: str = DEFAULT_UPSTREAM
    host_map: tuple[str, ...] = ()
    record: Path | None = None
    timeout_s: float = 30.0
    keep_alive: bool = True  # False: a connection per request (nothing left open when an in-process server stops)


class ProxyEngine(ScenarioEngine):
    """The scenario engine, damaging the real answer where a fault needs one."""

    forwarder: Forwarder

    async def own_answer(self, call: Call, outcome: Outcome | None) -> Response:
        if outcome is not None:  # a rule that names a code: the mock's answer, as in the mock
            return await super().own_answer(call, outcome)
        return await self.forwarder.answer(call)


def create_proxy_app(settings: Settings, options: ProxyOptions, signer: TencentSigner | None = None) -> MockApp:
    app = create_app(settings)
    parts = app.state.mock
    upstreams = Upstreams.parse(options.upstream, options.host_map, list(parts.catalog.hosts))
    recorder = None
    if options.record is not None:
        recorder = Recorder(options.record, _examples())
    limits = httpx.Limits() if options.keep_alive else httpx.Limits(max_keepalive_connections=0)
    client = httpx.AsyncClient(timeout=options.timeout_s, follow_redirects=False, limits=limits)
    gateway = parts.gateway
    forwarder = Forwarder(parts.catalog, parts.contract, upstreams, client, signer, recorder, gateway.max_body_bytes)
    engines = [i for i in gateway.interceptors if isinstance(i, ScenarioEngine)]
    assert len(engines) == 1, "the mock's gateway has one scenario engine"
    engine = ProxyEngine(engines[0].book, gateway, engines[0].example_data, header=engines[0].header)
    engine.forwarder = forwarder
    gateway.interceptors = [engine if i is engines[0] else i for i in gateway.interceptors] + [forwarder]
    gateway.passthrough = forwarder
    return app


def _examples() -> dict[tuple[str, str], Any]:
    """Each (endpoint, code)'s first documented example body: where placeholders come from."""
    return {
        (e.endpoint, e.code): e.body
        for e in load_examples(fixtures_dir() / "examples")
        if e.kind == "response" and e.code is not None and e.file.endswith(".1.json")
    }
