"""``GET /__admin/``: one self-contained HTML page (no external assets) over the admin API.

It shows the journal live, the scenarios with on/off toggles, the open liveness sessions with a
way to complete them, and the mock clock. All it knows it fetches from ``/__admin`` (so the admin
token, when one is set, guards it like the rest); ``/__admin/outcomes`` lists the outcomes a
session can be completed with.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from .endpoint import admin_endpoint

PAGE = Path(__file__).parent / "templates" / "dashboard.html"
# The page runs only its own inline script and talks only to this server.
POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'"


def dashboard_routes(outcomes: Iterable[str]) -> list[BaseRoute]:
    page = PAGE.read_text(encoding="utf-8")
    names = list(outcomes)

    async def dashboard(request: Request) -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": POLICY, "Cache-Control": "no-store"})

    async def list_outcomes(request: Request) -> dict[str, list[str]]:
        return {"outcomes": names}

    return [
        Route("/", dashboard, methods=["GET"]),
        Route("/outcomes", admin_endpoint(list_outcomes), methods=["GET"]),
    ]
