"""The IDVS callback: when a session with a ``callbackUrl`` completes, the mock POSTs its result.

Only to loopback addresses (and ``localhost``) unless ``--callback-host`` allows more: a mock must
not be turned into a request cannon against the network it runs in; and never to a ``/__admin``
path, so a callback cannot drive the mock's own control plane. The path is checked as any server
on the way could read it (percent-decoded again and again, dot segments, backslashes, double
slashes, any case), and redirects are not followed: a receiver cannot bounce a callback onto
``/__admin`` either. The URL checked is the URL sent (one parse). The outcome of each delivery is
kept on the session (``GET /__admin/sessions/{id}``); the log names the host only (a callback
URL may carry a secret in its query).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..settings import is_loopback_host
from ..store import Session, Store

if TYPE_CHECKING:
    import httpx  # imported when a callback is sent: most runs send none, and serving does not need it

log = logging.getLogger("mock_server")
TIMEOUT_S = 5.0
ADMIN_PREFIX = "/__admin"
MAX_DECODINGS = 8  # a path still changing after this many rounds of percent-decoding is refused


def normalised_path(path: str) -> str | None:
    """``path`` as the most lenient server could route it; None if decoding never settles.

    Percent-decoded until it no longer changes (``%255F`` -> ``%5F`` -> ``_``), backslashes read as
    slashes, empty and ``.`` segments dropped, ``..`` applied, lower case.
    """
    for _ in range(MAX_DECODINGS):
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    else:
        return None
    segments: list[str] = []
    for segment in path.replace("\\", "/").split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    return "/" + "/".join(segments).lower()


def is_admin_path(path: str) -> bool:
    """Whether ``path`` (raw, as sent) could reach the control plane; undecidable counts as yes."""
    normal = normalised_path(path)
    return normal is None or normal == ADMIN_PREFIX or normal.startswith(ADMIN_PREFIX + "/")


def callback_payload(session: Session) -> dict[str, Any]:
    """What the mock sends (the docs give no payload; this is the mock's documented choice)."""
    result = session.result
    assert result is not None
    return {
        "signatureId": session.signature_id,
        "bizId": session.request.get("bizId"),
        "userId": session.request.get("userId"),
        "bizCode": session.request.get("bizCode"),
        "code": result.code,
        "success": result.code == "SUCCESS" and result.attack_type is None,
        "livenessScore": None if result.score is None else float(result.score),  # a double, as Liveness Detection's
        "attackType": result.attack_type,
        "timestamp": result.completed_ms,
    }


class CallbackSender:
    def __init__(self, store: Store, allowed_hosts: Iterable[str] = ()) -> None:
        self.store = store
        self.allowed = {h.lower() for h in allowed_hosts}
        self._tasks: set[asyncio.Task[None]] = set()

    def on_complete(self, session: Session) -> None:
        url = session.request.get("callbackUrl")
        if session.kind != "idvs" or not url:
            return
        refusal, target = self._check(url)
        if refusal or target is None:
            self._record(session, {"url": url, "status": "refused", "detail": refusal})
            return
        task = asyncio.get_running_loop().create_task(self._deliver(session, url, target, callback_payload(session)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _check(self, url: str) -> tuple[str | None, httpx.URL | None]:
        """(why not, None) or (None, the URL to send): parsed once, so the URL checked is the URL sent."""
        import httpx

        try:
            target = httpx.URL(url)
        except httpx.InvalidURL:
            return "the callbackUrl is not a URL", None
        host = target.host.lower()
        if not (is_loopback_host(host) or host in self.allowed):
            return f"{host} is not loopback nor allowed (--callback-host)", None
        if is_admin_path(target.raw_path.split(b"?", 1)[0].decode("ascii", "replace")):
            return "callbacks never go to a /__admin path (in any spelling)", None
        return None, target

    async def _deliver(self, session: Session, url: str, target: httpx.URL, payload: dict[str, Any]) -> None:
        import httpx

        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False) as client:
                response = await client.post(target, json=payload)
            record = {"url": url, "status": "delivered", "httpStatus": response.status_code}
        except httpx.HTTPError as exc:
            log.warning("IDVS callback to %s failed: %s", target.host, type(exc).__name__)
            record = {"url": url, "status": "failed", "detail": type(exc).__name__}
        self._record(session, record)

    def _record(self, sent: Session, record: dict[str, Any]) -> None:
        """Note the delivery on the session as it is now: not if it was reset or evicted meanwhile."""

        def note(current: Session) -> bool:
            if current.page_token != sent.page_token:
                return False
            current.callback = record
            return True

        self.store.change_session(sent.signature_id, note)

    async def drain(self) -> None:
        """Wait for callbacks in flight (tests, shutdown)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
