"""``GET /__admin/health``: is this mock up, for Docker's HEALTHCHECK, Kubernetes probes and CI
wait loops.

It is the one admin route open without the admin token: those callers rarely hold a secret, and
what it tells is no secret (status, version, uptime, the kind of state, workers: never the state
URL, which may carry a password, nor any setting that is a key). On a shared state it asks the
store, so a replica that cannot reach it answers 503.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from .endpoint import ADMIN_PREFIX

HEALTH_PATH = ADMIN_PREFIX + "/health"


class Health:
    """The health route as a small ASGI app; ``probe`` raises if the state cannot be reached."""

    def __init__(self, version: str, state: str, workers: int, probe: Callable[[], object]) -> None:
        self.started = time.monotonic()
        self.facts: dict[str, Any] = {"version": version, "state": state.split(":", 1)[0], "workers": workers}
        self.probe = probe

    def report(self) -> tuple[int, dict[str, Any]]:
        try:
            self.probe()
            status, code = "ok", 200
        except Exception:  # whatever the store could not reach; its message (an address) is not shown here
            status, code = "unavailable", 503
        uptime = round(time.monotonic() - self.started, 3)
        return code, {"status": status, **self.facts, "uptime_s": uptime}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            answer = JSONResponse(
                {"error": "GET /__admin/health only"}, status_code=405, headers={"Allow": "GET, HEAD"}
            )
        else:
            code, body = self.report()
            answer = JSONResponse(body, status_code=code, headers={"Cache-Control": "no-store"})
        await answer(scope, receive, send)
