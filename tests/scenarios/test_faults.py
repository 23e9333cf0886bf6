"""Faults in isolation: latency draws, which faults need an answer, how bodies are damaged."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.responses import Response

from mock_server.scenarios.faults import SEND_KEY, Delay, Fault, _abort, fault_app, reset_connection


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """In a thread of its own: the browser tests leave an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=10)


def test_delays_parse_every_documented_form() -> None:
    assert Delay.parse(250) == Delay("fixed", 250.0)
    assert Delay.parse({"uniform": [100, 300]}) == Delay("uniform", 100.0, 300.0)
    assert Delay.parse({"lognormal": {"medianMs": 200, "sigma": 1, "capMs": 900}}) == Delay(
        "lognormal", 200.0, 900.0, 1.0
    )


def test_seeded_draws_stay_in_bounds_and_replay() -> None:
    uniform, lognormal = Delay("uniform", 100, 300), Delay("lognormal", 200, 900, 1.5)
    replayed = [[d.sample(random.Random("seed")) for d in (uniform, lognormal)] for _ in range(2)]
    assert replayed[0] == replayed[1]
    rng = random.Random(1)
    assert all(100 <= uniform.sample(rng) <= 300 for _ in range(500))
    samples = [lognormal.sample(rng) for _ in range(2000)]
    assert max(samples) == 900 and 0 < min(samples) < 200  # capped, and long-tailed below the cap
    assert sorted(samples)[1000] == pytest.approx(200, rel=0.2)  # the median is the median


def test_which_faults_are_envelopes_and_which_damage_an_answer() -> None:
    assert Fault("http_429").envelope == ("SERVICE_BUSY", 429)
    assert Fault("http_504").envelope == ("ERROR", 504)
    assert Fault("gateway_html").envelope is None and not Fault("gateway_html").needs_answer
    assert all(Fault(n).needs_answer for n in ("truncated_json", "slow_body", "wrong_content_type", "empty_body"))


def test_truncation_always_cuts_and_never_empties() -> None:
    answer = Response(b'{"code":"SUCCESS"}', media_type="application/json")
    for keep in (0.01, 0.5, 0.99):
        body = fault_app(Fault("truncated_json", {"keepFraction": keep}), answer).body  # type: ignore[attr-defined]
        assert 0 < len(body) < len(answer.body) and answer.body.startswith(body)


def test_a_reset_without_a_transport_is_an_exception_not_a_silent_answer() -> None:
    async def never(*_: Any) -> Any:
        raise AssertionError("nothing may be sent")

    with pytest.raises(ConnectionResetError):
        run(reset_connection({"type": "http"}, never, never))
    assert _abort(None) is False


def test_a_reset_finds_uvicorns_transport_through_the_servers_send() -> None:
    class Transport:
        aborted = False

        def get_extra_info(self, name: str) -> None:
            return None

        def abort(self) -> None:
            self.aborted = True

    class Cycle:
        transport = Transport()

        async def send(self, message: Any) -> None: ...

    async def gone() -> dict[str, str]:
        return {"type": "http.disconnect"}

    cycle = Cycle()
    run(reset_connection({"type": "http", SEND_KEY: cycle.send}, gone, cycle.send))
    assert cycle.transport.aborted
