"""Telling every replica of a Redis fleet that the control plane changed, before answering.

A replica that changes the clock, the scenarios or resets PUBLISHes a nonce; each replica's
subscriber thread raises its ``dirty`` flag (its next request re-reads the control hash) and
acknowledges on a list; the announcer waits for as many acknowledgements as PUBLISH reported
receivers (at most ``ACK_WAIT_S``). So when ``POST /__admin/clock`` returns on one replica,
every other one already follows the new clock, and no request pays a round trip to check.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time

import redis

log = logging.getLogger("mock_server")
ACK_WAIT_S = 2.0  # a replica that does not answer by then is hung or gone
ACK_TTL_MS = 10_000
POLL_S = 0.5  # how often the subscriber looks up from its socket (to stop, or to notice a dead server)


class Announcer:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.channel = f"{prefix}control"
        self.ack_prefix = f"{prefix}ack:"
        self.dirty = True  # nothing read yet
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="liveness-mock-announcements", daemon=True)
        self._thread.start()

    def announce(self) -> None:
        """Tell every replica (this one too) and wait until each noted it. Raises redis errors."""
        nonce = secrets.token_hex(8)
        receivers = int(self.client.publish(self.channel, nonce))
        key = self.ack_prefix + nonce
        deadline = time.monotonic() + ACK_WAIT_S
        for _ in range(receivers):
            left = deadline - time.monotonic()
            if left <= 0 or self.client.blpop([key], timeout=max(left, 0.01)) is None:
                log.warning("a replica did not acknowledge a change of the shared state within %s s", ACK_WAIT_S)
                return

    def _listen(self) -> None:
        while not self._closed.is_set():
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
            try:
                pubsub.subscribe(self.channel)
                self.dirty = True  # (re)connected: whatever was announced meanwhile is unknown
                while not self._closed.is_set():
                    message = pubsub.get_message(timeout=POLL_S)
                    if message is not None:
                        self._acknowledge(message["data"])
            except Exception:
                self.dirty = True
                self._closed.wait(POLL_S)
            finally:
                with contextlib.suppress(Exception):
                    pubsub.close()

    def _acknowledge(self, nonce: bytes) -> None:
        self.dirty = True  # first: the next request re-reads the control hash
        key = self.ack_prefix + nonce.decode()
        pipeline = self.client.pipeline(transaction=False)
        pipeline.rpush(key, 1)
        pipeline.pexpire(key, ACK_TTL_MS)
        pipeline.execute()

    def close(self) -> None:
        """Stop listening (the thread ends within ``POLL_S``, or at once when the client closes)."""
        self._closed.set()
