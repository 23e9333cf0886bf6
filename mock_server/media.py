"""Evidence files (face photos, videos) and the expiring links the mock hands out for them.

The files are real and decodable (``fixtures/media/``), read once at start-up. A link is an
unguessable token bound to an owner (a signatureId, a livenessId, an SdkToken) and an expiry on
the mock clock; ``revoke(owner)`` (PII clear-data) kills every link of that owner at once.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .clock import MockClock
from .ids import IdFactory

MEDIA_PREFIX = "/__mock/media"


class HasScope(Protocol):
    """A request of either kind (the gateway's WireRequest, Starlette's Request): its ASGI scope."""

    @property
    def scope(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Asset:
    name: str
    content: bytes
    media_type: str

    @cached_property
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
    """Expiring, revocable links to assets, bounded: an owner keeps its last few links per asset
    (asking again gives a fresh link, as the docs say; older ones stay valid until pushed out)
    and the whole table its ``max_links`` newest."""

    def __init__(
        self, library: MediaLibrary, clock: MockClock, ids: IdFactory, per_asset: int = 4, max_links: int = 50_000
    ) -> None:
        self.library = library
        self.clock = clock
        self.ids = ids
        self.per_asset = per_asset
        self.max_links = max_links
        self._links: OrderedDict[str, Link] = OrderedDict()
        self._by_owner: dict[str, list[str]] = {}

    def publish(self, asset_name: str, owner: str, lifetime_ms: int) -> str:
        """A path (``/__mock/media/<token>/<file>``) serving the asset until it expires or is revoked."""
        token = self.ids.secret(18)
        self._links[token] = Link(self.library[asset_name], owner, self.clock.now_ms() + lifetime_ms)
        tokens = self._by_owner.setdefault(owner, [])
        tokens.append(token)
        same_asset = [t for t in tokens if t in self._links and self._links[t].asset.name == asset_name]
        for old in same_asset[: -self.per_asset]:
            self._forget(old)
        while len(self._links) > self.max_links:
            self._forget(next(iter(self._links)))
        return f"{MEDIA_PREFIX}/{token}/{asset_name}"

    def resolve(self, token: str) -> Asset | None:
        link = self._links.get(token)
        if link is None:
            return None
        if link.expires_ms <= self.clock.now_ms():
            self._forget(token)
            return None
        return link.asset

    def revoke(self, owner: str) -> int:
        """Kill every link of ``owner``; how many there were."""
        tokens = self._by_owner.pop(owner, [])
        dead = [t for t in tokens if self._links.pop(t, None) is not None]
        return len(dead)

    def reset(self) -> None:
        self._links.clear()
        self._by_owner.clear()

    def _forget(self, token: str) -> None:
        link = self._links.pop(token, None)
        if link is None:
            return
        tokens = self._by_owner.get(link.owner)
        if tokens is not None:
            tokens.remove(token)
            if not tokens:
                del self._by_owner[link.owner]

    def routes(self) -> list[BaseRoute]:
        async def serve(request: Request) -> Response:
            asset = self.resolve(request.path_params["token"])
            if asset is None or asset.name != request.path_params["name"]:
                return JSONResponse(
                    {"error": "this media link does not exist, has expired or was deleted"}, status_code=404
                )
            return Response(asset.content, media_type=asset.media_type, headers={"Cache-Control": "no-store"})

        return [Route(MEDIA_PREFIX + "/{token}/{name}", serve, methods=["GET", "HEAD"])]


def public_base_url(request: HasScope, configured: str | None = None) -> str:
    """How a client reaches this mock: ``--public-url`` if given, else the socket it called."""
    if configured:
        return configured.rstrip("/")
    scope = request.scope
    scheme = scope.get("scheme", "http")
    server = scope.get("server")
    if not server:
        host_header = next((v for k, v in scope["headers"] if k == b"host"), b"localhost")
        return f"{scheme}://{host_header.decode('latin-1')}"
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}:{port}"
