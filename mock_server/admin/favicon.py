"""``/favicon.ico``, which every browser asks for beside a page of the mock (the dashboard, an
admin route's JSON): 204 No Content, kept out of the journal, so a look at the dashboard does not
leave a vendor 404 behind. No documented vendor route serves ``/favicon.ico``; on a Host that
names a vendor host (``api.advance.ai``, ``sg-api.localhost``) it stays the vendor's 404, as the
real host would answer something of its own there. The dashboard declares an inline icon and asks
for none.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from ..gateway.hosts import HostResolver

FAVICON_PATH = "/favicon.ico"


class Favicon:
    def __init__(self, hosts: HostResolver) -> None:
        self.hosts = hosts

    def claims(self, scope: Scope) -> bool:
        """A browser's icon request to the mock itself (not to a vendor host it stands for)."""
        return scope["method"] in ("GET", "HEAD") and not self.hosts.names_documented(Headers(scope=scope).get("host"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"cache-control", b"max-age=86400"), (b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
