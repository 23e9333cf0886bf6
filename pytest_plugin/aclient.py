"""``AsyncLivenessClient``: the ``liveness_async_api`` fixture, ``LivenessClient`` on httpx.AsyncClient.

Same methods, awaited; the same ``ClientCore`` decides tokens, retries, rate and budgets.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from .calls import Call, ClientCore
from .client import TIMEOUT_S
from .envelope import Envelope
from .guard import Usage
from .target import UNREACHABLE, unreachable


class AsyncLivenessClient:
    def __init__(
        self,
        core: ClientCore,
        http: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.core = core
        # No kept-alive connections: a test's event loop ends with the test, the fixture lives on.
        self.http = http or httpx.AsyncClient(timeout=TIMEOUT_S, limits=httpx.Limits(max_keepalive_connections=0))
        self._sleep = sleep

    async def get(self, path: str, params: Any = None, host: str | None = None, **options: Any) -> httpx.Response:
        return await self.send(self.core.call("GET", path, host, params=params, **options))

    async def post(self, path: str, json: Any = None, host: str | None = None, **options: Any) -> httpx.Response:
        return await self.send(self.core.call("POST", path, host, json=json, **options))

    async def call(self, endpoint_id: str, params: Any = None, host: str | None = None, **options: Any) -> Envelope:
        return Envelope.of(await self.send(self.core.endpoint_call(endpoint_id, params, host, **options)))

    async def fetch(self, url: str) -> httpx.Response:
        self.core.budget.spend(False)
        return await self.http.get(url)

    async def access_token(self) -> str:
        if not self.core.token_fresh():
            self.core.accept_token(await self.send(self.core.token_call()))
        return self.core.token or ""

    async def send(self, call: Call) -> httpx.Response:
        attempt = 0
        while True:
            if call.uses_token:
                await self.access_token()
            await self._sleep(self.core.before(call))
            request = call.request(self.http)
            try:
                response = await self.http.send(request)
            except UNREACHABLE as exc:
                unreachable(self.core.target, request, exc)
            step, wait = self.core.after(call, response, attempt)
            if step == "done":
                return response
            if step == "renew":
                self.core.forget_token()
            await self._sleep(wait)
            attempt += 1

    @property
    def usage(self) -> Usage:
        return self.core.budget.usage

    async def aclose(self) -> None:
        await self.http.aclose()

    def close_in_thread(self) -> None:
        """Close from sync code, even where an event loop already runs (Playwright's sync API does)."""
        worker = threading.Thread(target=asyncio.run, args=(self.aclose(),))
        worker.start()
        worker.join(timeout=10)

    async def __aenter__(self) -> AsyncLivenessClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
