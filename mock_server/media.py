"""Evidence files (face photos, videos) and the expiring links the mock hands out for them.

The files are real and decodable (``fixtures/media/``), read once at start-up. A link carries
its asset, its owner (a signatureId, a livenessId, an SdkToken: as a keyed tag) and its expiry on
the mock clock, signed with an HMAC, so nothing is stored per link and processes that share the
key accept each other's links; ``revoke(owner)`` (PII clear-data) kills every link of that owner,
on every process of a shared state (the revocation goes through the store's log, ``RevocationLog``).
"""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import secrets
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .clock import DAY_MS, MockClock

MEDIA_PREFIX = "/__mock/media"


class RevocationLog(Protocol):
    """Where revocations are recorded for every process, and the generation (a ``Store``)."""

    def revoke_links(self, tag: str, stamp: int) -> None: ...
    def link_revocations(self, after: int) -> tuple[list[tuple[str, int]], int]: ...
    def generation_seen(self) -> int: ...


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


LINK_KEY_LABEL = b"liveness-mock media links\0"
MAX_LINK_LIFETIME_MS = DAY_MS  # the longest documented life of a link (24 h / 1 day)
MAX_REVOCATIONS = 50_000
_TAG_HEX, _MAC_HEX, _MAX_DIGITS = 24, 32, 16
_GONE = {"error": "this media link does not exist, has expired or was deleted"}
_TAG_CACHE = 4096  # owners' tags remembered (then forgotten all at once: bounded, and cheap to rebuild)


def link_key(seed: int | None = None, secret: str | None = None) -> bytes:
    """The key links are signed with: from ``secret`` if given, else from ``seed``, else random.

    Processes started with the same ``--link-secret`` (or the same ``--seed``) accept each other's
    links; a seeded run hands out the same links run after run.
    """
    if secret:
        return hashlib.sha256(LINK_KEY_LABEL + b"secret:" + secret.encode()).digest()
    if seed is not None:
        return hashlib.sha256(LINK_KEY_LABEL + f"seed:{seed}".encode()).digest()
    return secrets.token_bytes(32)


class Link(NamedTuple):
    """What a link says about itself: whose asset, when issued (a stamp ordered against
    revocations, the mock clock's ms unless the owner was revoked in that ms) and until when."""

    tag: str
    issued_ms: int
    expires_ms: int
    asset: str


class MediaLinks:
    """Self-contained links: ``/__mock/media/<tag>.<stamp>.<expires>.<mac>/<file>``.

    The link carries its asset, its owner (as a keyed tag: an SdkToken never shows in a URL) and
    its expiry, with an HMAC over them, so it answers for its whole life however many others were
    issued, and nothing is stored per link. ``revoke(owner)`` (PII clear-data) remembers when the
    owner's links were revoked: links issued until then are refused. The state's generation is
    the epoch (part of every MAC): links issued before a reset are refused after it.

    Revocations are written to the store's log and kept here too: checking a link is a dict
    lookup. On a fleet, ``follow`` reads what other processes revoked (``store.fleet`` calls it
    before the next request once the log moved), so every replica refuses a revoked link.
    Known limit on a fleet: a revocation covers the stamps this process issued and the fleet's
    clock now; a link another replica stamped later (its mock clock ahead of this one's, or the
    clock moved back since) outlives it.
    """

    def __init__(
        self,
        library: MediaLibrary,
        clock: MockClock,
        key: bytes,
        log: RevocationLog,
        max_revocations: int = MAX_REVOCATIONS,
    ) -> None:
        self.library = library
        self.clock = clock
        self.max_revocations = max_revocations
        self._key = key
        self._log = log
        self._tags: dict[str, str] = {}
        self._epoch = log.generation_seen()
        self._revoked: OrderedDict[str, int] = OrderedDict()  # owner tag -> the last link stamp revoked
        self._newest = 0  # the highest stamp issued: a revocation covers every link before it
        self._position = 0  # how far the log has been read
        self.follow()

    def publish(self, asset_name: str, owner: str, lifetime_ms: int) -> str:
        """A path serving the asset until it expires (at most a day) or its owner is revoked."""
        asset = self.library[asset_name].name
        now = self.clock.now_ms()
        tag = self._tag(owner)
        # a stamp, ordered after the owner's last revocation (which may be this very millisecond)
        issued = max(now, self._revoked.get(tag, -1) + 1)
        self._newest = max(self._newest, issued)
        link = Link(tag, issued, now + min(lifetime_ms, MAX_LINK_LIFETIME_MS), asset)
        return f"{MEDIA_PREFIX}/{link.tag}.{link.issued_ms}.{link.expires_ms}.{self._mac(link)}/{asset}"

    def resolve(self, token: str, asset_name: str) -> Asset | None:
        """The asset a link serves now, or None: unknown asset, tampered, expired, revoked, or older than a reset."""
        link = _parse(token, asset_name)
        if link is None or link.asset not in self.library.assets:
            return None
        if not hmac.compare_digest(self._mac(link), token.rsplit(".", 1)[1]):
            return None
        if link.expires_ms <= self.clock.now_ms() or link.issued_ms <= self._revoked.get(link.tag, -1):
            return None
        return self.library[link.asset]

    def revoke(self, owner: str) -> None:
        """Kill every link of ``owner`` issued so far, on every process of the state."""
        tag = self._tag(owner)
        # every stamp issued so far, even after the clock was moved back
        stamp = max(self.clock.now_ms(), self._newest, self._revoked.get(tag, -1))
        self._log.revoke_links(tag, stamp)
        self._note(tag, stamp)

    def follow(self, newest: int | None = None) -> None:
        """Take in the revocations other processes recorded since the last look (``newest``: the
        log's newest position, if known; below what was read means the log started afresh)."""
        if newest is not None and newest < self._position:
            self._position = 0
        revoked, self._position = self._log.link_revocations(self._position)
        for tag, stamp in revoked:
            self._note(tag, max(stamp, self._revoked.get(tag, -1)))

    def _note(self, tag: str, stamp: int) -> None:
        """Remember a revocation (bounded: the oldest revocations go first)."""
        self._revoked[tag] = stamp
        self._revoked.move_to_end(tag)
        while len(self._revoked) > self.max_revocations:
            self._revoked.popitem(last=False)

    @property
    def revocations(self) -> int:
        """How many owners' revocations are remembered (at most ``max_revocations``)."""
        return len(self._revoked)

    def reset(self) -> None:
        """After a reset of the state (by this process or another): the new generation's epoch."""
        self._epoch = self._log.generation_seen()
        self._revoked.clear()

    def _tag(self, owner: str) -> str:
        tag = self._tags.get(owner)
        if tag is None:  # owners repeat (every call for one session): an HMAC each time is not needed
            tag = hmac.digest(self._key, b"owner\0" + owner.encode(), "sha256").hex()[:_TAG_HEX]
            if len(self._tags) >= _TAG_CACHE:
                self._tags.clear()
            self._tags[owner] = tag
        return tag

    def _mac(self, link: Link) -> str:
        """Keyed BLAKE2b, a MAC by design (no HMAC construction needed): ~3x cheaper than HMAC-SHA256."""
        message = f"{self._epoch}\0{link.tag}\0{link.issued_ms}\0{link.expires_ms}\0{link.asset}".encode()
        return hashlib.blake2b(message, key=self._key, digest_size=_MAC_HEX // 2).hexdigest()

    def routes(self) -> list[BaseRoute]:
        async def serve(request: Request) -> Response:
            asset = self.resolve(request.path_params["token"], request.path_params["name"])
            if asset is None:
                return JSONResponse(_GONE, status_code=404)
            return Response(asset.content, media_type=asset.media_type, headers={"Cache-Control": "no-store"})

        return [Route(MEDIA_PREFIX + "/{token}/{name}", serve, methods=["GET", "HEAD"])]


def _parse(token: str, asset_name: str) -> Link | None:
    parts = token.split(".")
    if len(parts) != 4:
        return None
    tag, issued, expires, mac = parts
    if not (_hex(tag, _TAG_HEX) and _hex(mac, _MAC_HEX) and _digits(issued) and _digits(expires)):
        return None
    return Link(tag, int(issued), int(expires), asset_name)


def _hex(text: str, length: int) -> bool:
    return len(text) == length and all(c in "0123456789abcdef" for c in text)


def _digits(text: str) -> bool:
    return 0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit()


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
