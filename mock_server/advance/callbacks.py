"""The IDVS callback: when a session with a ``callbackUrl`` completes, the mock POSTs its result.

Only to loopback addresses (and ``localhost``) unless ``--callback-host`` allows more: a mock must
not be turned into a request cannon against the network it runs in; and never to a ``/__admin``
path, so a callback cannot drive the mock's own control plane. The outcome of each delivery is
kept on the session (``GET /__admin/sessions/{id}``); the log names the host only (a callback
URL may carry a secret in its query).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..settings import is_loopback_host
from ..store import Session, Store

log = logging.getLogger("mock_server")
TIMEOUT_S = 5.0


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
        "livenessScore": result.score,
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
        parts = urlsplit(url)
        refusal = self._refusal((parts.hostname or "").lower(), parts.path)
        if refusal:
            self._record(session, {"url": url, "status": "refused", "detail": refusal})
            return
        task = asyncio.get_running_loop().create_task(self._deliver(session, url, callback_payload(session)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _refusal(self, host: str, path: str) -> str | None:
        if not (is_loopback_host(host) or host in self.allowed):
            return f"{host} is not loopback nor allowed (--callback-host)"
        if path.startswith("/__admin"):
            return "callbacks never go to a /__admin path"
        return None

    async def _deliver(self, session: Session, url: str, payload: dict[str, Any]) -> None:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
                response = await client.post(url, json=payload)
            record = {"url": url, "status": "delivered", "httpStatus": response.status_code}
        except httpx.HTTPError as exc:
            log.warning("IDVS callback to %s failed: %s", urlsplit(url).hostname, type(exc).__name__)
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
