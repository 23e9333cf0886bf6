"""Evidence files (face photos, videos) and the expiring links the mock hands out for them.

The files are real and decodable (``fixtures/media/``), read once at start-up. A link is an
unguessable token bound to an owner (a signatureId, a livenessId, an SdkToken) and an expiry on
the mock clock; ``revoke(owner)`` (PII clear-data) kills every link of that owner at once.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .clock import MockClock
from .ids import IdFactory

MEDIA_PREFIX = "/__mock/media"


@dataclass(frozen=True)
class Asset:
    name: str
    content: bytes
    media_type: str

    @property
    def md5(self) -> str:
        return hashlib.md5(self.content, usedforsecurity=False).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


class MediaLibrary:
    """Every file of ``fixtures/media``, by file name."""

    def __init__(self, folder: Path) -> None:
        self.assets = {
            path.name: Asset(
                path.name, path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            for path in sorted(folder.iterdir())
            if path.is_file()
        }

    def __getitem__(self, name: str) -> Asset:
        return self.assets[name]


@dataclass(frozen=True)
class Link:
    asset: Asset
    owner: str
    expires_ms: int


class MediaLinks:
    """Expiring, revocable links to assets."""

    def __init__(self, library: MediaLibrary, clock: MockClock, ids: IdFactory) -> None:
        self.library = library
        self.clock = clock
        self.ids = ids
        self._links: dict[str, Link] = {}

    def publish(self, asset_name: str, owner: str, lifetime_ms: int) -> str:
        """A path (``/__mock/media/<token>/<file>``) serving the asset until it expires or is revoked."""
        self._evict()
        token = self.ids.secret(18)
        self._links[token] = Link(self.library[asset_name], owner, self.clock.now_ms() + lifetime_ms)
        return f"{MEDIA_PREFIX}/{token}/{asset_name}"

    def resolve(self, token: str) -> Asset | None:
        link = self._links.get(token)
        if link is None or link.expires_ms <= self.clock.now_ms():
            return None
        return link.asset

    def revoke(self, owner: str) -> int:
        """Kill every link of ``owner``; how many there were."""
        dead = [token for token, link in self._links.items() if link.owner == owner]
        for token in dead:
            del self._links[token]
        return len(dead)

    def reset(self) -> None:
        self._links.clear()

    def _evict(self) -> None:
        now = self.clock.now_ms()
        if len(self._links) > 1024:
            self._links = {t: link for t, link in self._links.items() if link.expires_ms > now}

    def routes(self) -> list[BaseRoute]:
        async def serve(request: Request) -> Response:
            asset = self.resolve(request.path_params["token"])
            if asset is None or asset.name != request.path_params["name"]:
                return JSONResponse(
                    {"error": "this media link does not exist, has expired or was deleted"}, status_code=404
                )
            return Response(asset.content, media_type=asset.media_type, headers={"Cache-Control": "no-store"})

        return [Route(MEDIA_PREFIX + "/{token}/{name}", serve, methods=["GET", "HEAD"])]


def public_base_url(request: Request, configured: str | None = None) -> str:
    """How a client reaches this mock: ``--public-url`` if given, else the socket it called."""
    if configured:
        return configured.rstrip("/")
    server = request.scope.get("server")
    if not server:
        return str(request.base_url).rstrip("/")
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in host else host
    return f"{request.url.scheme}://{host}:{port}"
