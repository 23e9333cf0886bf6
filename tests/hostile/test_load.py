"""A bounded load test with faults: 24 clients for 20 s against a real ``liveness-mock serve`` process.

Sixteen clients run whole journeys (Token Authentication, Get Token, the H5 page or the admin API
to complete, Get Result, Liveness Detection, Get Video) and must see no error at all; eight others
call Get Result with ``X-Mock-Scenario: flaky`` or ``connection-reset`` (their own caller each)
and must see only what those scenarios inject. At the end every session made is still there,
completed with its outcome (none is near its documented expiry: the page URL lives an hour), except
those the in-memory store's 10,000-session cap dropped, which are counted and printed, not failed
(removing the cap is the shared-state issue's). The server's log must hold no traceback.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from ..helpers import (
    DETECTION_PATH,
    GET_RESULT_PATH,
    GET_TOKEN_PATH,
    RETURN_URL,
    TOKEN_PATH,
    VIDEO_PATH,
    serve_process,
    signed_body,
)

SECONDS = 20.0
JOURNEYS, FLAKY, RESETS = 16, 4, 4
STORE_CAP = 10_000  # MemoryStore's max_sessions
OUTCOMES = ["pass", "fail", "presentation_attack", "no_face"]


@dataclass
class Tally:
    """What the clients saw: requests, latencies, errors by kind (injected or not), sessions made."""

    latencies: list[float] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    sessions: dict[str, str] = field(default_factory=dict)  # signatureId -> outcome, in creation order

    def p(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


class Client:
    """One simulated integrator: timed calls, every surprise counted as an error of its kind."""

    def __init__(self, http: httpx.AsyncClient, tally: Tally, name: str) -> None:
        self.http, self.tally, self.name = http, tally, name

    async def call(self, method: str, path: str, **options: object) -> httpx.Response:
        began = time.perf_counter()
        try:
            return await self.http.request(method, path, **options)  # type: ignore[arg-type]
        finally:
            self.tally.latencies.append(time.perf_counter() - began)

    async def code(self, method: str, path: str, expected: str, **options: object) -> dict[str, object]:
        answer = await self.call(method, path, **options)
        body = answer.json() if answer.headers.get("content-type") == "application/json" else {}
        if answer.status_code != 200 or body.get("code") != expected:
            raise Unexpected(f"{path.rsplit('/', 1)[-1]}: HTTP {answer.status_code} {body.get('code')}")
        return body


class Unexpected(Exception):
    pass


async def journeys(client: Client, deadline: float, index: int) -> None:
    token = str((await client.code("POST", TOKEN_PATH, "SUCCESS", json=signed_body()))["data"]["token"])  # type: ignore[index]
    auth = {"X-ACCESS-TOKEN": token}
    for round_ in range(10**6):
        if time.monotonic() > deadline:
            return
        outcome = OUTCOMES[(index + round_) % len(OUTCOMES)]
        try:
            await journey(client, auth, outcome, by_page=round_ % 2 == 0)
        except Unexpected as exc:
            client.tally.errors[str(exc)] += 1
        except httpx.HTTPError as exc:
            client.tally.errors[type(exc).__name__] += 1


async def journey(client: Client, auth: dict[str, str], outcome: str, by_page: bool) -> None:
    created = await client.code(
        "POST", GET_TOKEN_PATH, "SUCCESS", json={"returnUrl": RETURN_URL, "region": "IDN"}, headers=auth
    )
    signature_id, url = created["data"]["signatureId"], created["data"]["url"]  # type: ignore[index]
    client.tally.sessions[signature_id] = outcome
    if by_page:
        page = urlsplit(url).path
        if (await client.call("GET", page)).status_code != 200:
            raise Unexpected("H5 page: not 200")
        done = await client.call("POST", f"{page}/complete", json={"outcome": outcome})
    else:
        done = await client.call("POST", f"/__admin/sessions/{signature_id}/complete", json={"outcome": outcome})
    if done.status_code != 200:
        raise Unexpected(f"complete: HTTP {done.status_code}")
    result = await client.code(
        "POST", GET_RESULT_PATH, expected_code(outcome), json={"signatureId": signature_id}, headers=auth
    )
    if outcome == "pass":
        if result["data"]["score"] < 50:  # type: ignore[index]
            raise Unexpected("Get Result: a pass scored below 50")
        await client.code("POST", DETECTION_PATH, "SUCCESS", json={"signatureId": signature_id}, headers=auth)
        await client.code("GET", VIDEO_PATH, "SUCCESS", params={"signatureId": signature_id}, headers=auth)


def expected_code(outcome: str) -> str:
    return "NO_FACE_DETECTED" if outcome == "no_face" else "SUCCESS"


async def faulty(client: Client, deadline: float, scenario: str) -> None:
    """Get Result under a fault scenario, as its own caller: only the injected failures may show."""
    headers = {"X-Mock-Scenario": scenario, "X-Mock-Caller": client.name, "X-ACCESS-TOKEN": "no-token"}
    while time.monotonic() < deadline:
        try:
            answer = await client.call(
                "POST", GET_RESULT_PATH, json={"signatureId": "0123456789abcdef"}, headers=headers
            )
        except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
            kind = f"{scenario}: {type(exc).__name__}"
            (client.tally.injected if scenario == "connection-reset" else client.tally.errors)[kind] += 1
            continue
        code = answer.json().get("code") if answer.status_code == 200 else f"HTTP {answer.status_code}"
        if scenario == "flaky" and code == "SERVICE_BUSY" and answer.headers.get("retry-after") == "10s":
            client.tally.injected["flaky: SERVICE_BUSY"] += 1
        elif code != "IAM_FAILED":  # the normal answer to a call without a valid token
            client.tally.errors[f"{scenario}: {code}"] += 1


async def load(url: str) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + SECONDS
    limits = httpx.Limits(max_connections=JOURNEYS + FLAKY + RESETS)
    async with httpx.AsyncClient(base_url=url, timeout=10, limits=limits) as http:
        work = [journeys(Client(http, tally, f"journey-{i}"), deadline, i) for i in range(JOURNEYS)]
        work += [faulty(Client(http, tally, f"flaky-{i}"), deadline, "flaky") for i in range(FLAKY)]
        work += [faulty(Client(http, tally, f"reset-{i}"), deadline, "connection-reset") for i in range(RESETS)]
        await asyncio.gather(*work)
    return tally


def test_twenty_four_clients_for_twenty_seconds_with_faults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve_process(tmp_path / "output.txt", "--strict", "--seed", "11") as (url, process):
        with ThreadPoolExecutor(1) as own_loop:  # its own event loop: Playwright may hold this thread's one
            tally = own_loop.submit(asyncio.run, load(url)).result()
        kept = {s["signatureId"]: s for s in httpx.get(f"{url}/__admin/sessions", timeout=30).json()["sessions"]}
        process.terminate()
        process.wait(timeout=15)
    log = (tmp_path / "output.txt").read_text()
    made = list(tally.sessions)
    missing = [s for s in made if s not in kept]
    capped = max(0, len(made) - STORE_CAP)
    wrong = [
        s for s in made if s in kept and (kept[s]["status"], kept[s]["outcome"]) != ("completed", tally.sessions[s])
    ]
    with capsys.disabled():
        print(
            f"\nload: {len(tally.latencies)} requests in {SECONDS:.0f} s by {JOURNEYS + FLAKY + RESETS} clients "
            f"({len(tally.latencies) / SECONDS:.0f}/s), p50 {tally.p(0.5):.1f} ms, p99 {tally.p(0.99):.1f} ms; "
            f"{len(made)} sessions, {len(missing)} missing at the end ({capped} over the store's cap of {STORE_CAP}); "
            f"injected {dict(tally.injected)}; errors {dict(tally.errors)}"
        )
    assert tally.errors == Counter(), "errors other than the injected ones"
    assert (
        tally.injected["flaky: SERVICE_BUSY"] > 0
        and tally.injected["connection-reset: ReadError"] + tally.injected["connection-reset: RemoteProtocolError"] > 0
    ), "the faults were not injected"
    assert set(missing) <= set(made[:capped]), "sessions lost before their expiry (beyond the store's cap)"
    assert wrong == [], "sessions whose outcome changed"
    assert "Traceback" not in log, log[-3000:]
