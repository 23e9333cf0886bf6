"""``GET /__admin/``: one self-contained HTML page (no external assets) over the admin API.

It shows the journal live (a row opens to its headers and bodies, masked as ``/__admin/requests``
has them), the scenarios with on/off toggles, the liveness sessions with a link to each one's page
and a way to complete them, the mock clock (moves say what they expire; back to wall time) and a
reset. All it knows it fetches from ``/__admin`` (so the admin
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
# The page runs only its own inline script, talks only to this server, shows only its inline icon,
# and no other page may frame it (its reset button must not be clicked through a disguise).
POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
    "img-src data:; frame-ancestors 'none'"
)
HEADERS = {"Content-Security-Policy": POLICY, "Cache-Control": "no-store", "X-Frame-Options": "DENY"}


def dashboard_routes(outcomes: Iterable[str]) -> list[BaseRoute]:
    page = PAGE.read_text(encoding="utf-8")
    names = list(outcomes)

    async def dashboard(request: Request) -> HTMLResponse:
        return HTMLResponse(page, headers=HEADERS)

    async def list_outcomes(request: Request) -> dict[str, list[str]]:
        return {"outcomes": names}

    return [
        Route("/", dashboard, methods=["GET"]),
        Route("/outcomes", admin_endpoint(list_outcomes), methods=["GET"]),
    ]
