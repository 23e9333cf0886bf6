"""``GET /__admin/``: one self-contained HTML page (no external assets) over the admin API.

It shows the journal live (a row opens to its headers and bodies, masked as ``/__admin/requests``
has them), the scenarios with on/off toggles, the liveness sessions with a link to each one's page
and a way to complete them, the mock clock (moves say what they expire; back to wall time) and a
reset. All it knows it fetches from ``/__admin`` (so the admin token, when one is set, guards it
like the rest); ``/__admin/outcomes`` lists the outcomes a session can be completed with.
``Favicon`` answers the icon request every browser makes beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from ..gateway.hosts import HostResolver
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


FAVICON_PATH = "/favicon.ico"


class Favicon:
    """``/favicon.ico``, which every browser asks for beside a page of the mock (the dashboard, an
    admin route's JSON): 204 No Content, kept out of the journal, so a look at the dashboard does not
    leave a vendor 404 behind. No documented vendor route serves ``/favicon.ico``; on a Host that
    names a vendor host (``api.advance.ai``, ``sg-api.localhost``) it stays the vendor's 404, as the
    real host would answer something of its own there. The dashboard declares an inline icon and asks
    for none.
    """

    def __init__(self, hosts: HostResolver) -> None:
        self.hosts = hosts

    def claims(self, scope: Scope) -> bool:
        """A browser's icon request to the mock itself (not to a vendor host it stands for)."""
        return scope["method"] in ("GET", "HEAD") and not self.hosts.names_documented(Headers(scope=scope).get("host"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"cache-control", b"max-age=86400"), (b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
