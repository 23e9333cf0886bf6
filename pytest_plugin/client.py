"""``LivenessClient``: the ``liveness_api`` fixture, a client of the mock or of a sandbox.

``get``/``post`` take a path and a regional host, as a team's own code calls the vendor, and
return the ``httpx.Response``; ``call`` takes an endpoint id and returns the parsed ``Envelope``.
The access token is obtained and renewed through the real Token Authentication flow.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from .calls import Call, ClientCore
from .envelope import Envelope
from .guard import Usage
from .target import UNREACHABLE, unreachable

TIMEOUT_S = 30.0


class LivenessClient:
    def __init__(
        self, core: ClientCore, http: httpx.Client | None = None, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.core = core
        self.http = http or httpx.Client(timeout=TIMEOUT_S)
        self._sleep = sleep

    def get(self, path: str, params: Any = None, host: str | None = None, **options: Any) -> httpx.Response:
        """``options``: headers, auth (False: never add the access token)."""
        return self.send(self.core.call("GET", path, host, params=params, **options))

    def post(self, path: str, json: Any = None, host: str | None = None, **options: Any) -> httpx.Response:
        """``options``: headers, content (raw bytes instead of ``json``), auth."""
        return self.send(self.core.call("POST", path, host, json=json, **options))

    def call(self, endpoint_id: str, params: Any = None, host: str | None = None, **options: Any) -> Envelope:
        """Call an endpoint by its catalog id; query or JSON body as the endpoint takes it."""
        return Envelope.of(self.send(self.core.endpoint_call(endpoint_id, params, host, **options)))

    def fetch(self, url: str) -> httpx.Response:
        """GET a link the API handed out (an image, a video), as a browser would."""
        self.core.budget.spend(False)
        return self.http.get(url)

    def access_token(self) -> str:
        """The cached access token, renewed through Token Authentication when it is due."""
        if not self.core.token_fresh():
            self.core.accept_token(self.send(self.core.token_call()))
        return self.core.token or ""

    def send(self, call: Call) -> httpx.Response:
        attempt = 0
        while True:
            if call.uses_token:
                self.access_token()
            self._sleep(self.core.before(call))
            request = call.request(self.http)
            try:
                response = self.http.send(request)
            except UNREACHABLE as exc:
                unreachable(self.core.target, request, exc)
            step, wait = self.core.after(call, response, attempt)
            if step == "done":
                return response
            if step == "renew":
                self.core.forget_token()
            self._sleep(wait)
            attempt += 1

    @property
    def usage(self) -> Usage:
        return self.core.budget.usage

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> LivenessClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
