"""Keeping one replica in step with a shared state, and answering when that state is unreachable.

Before each request a replica asks the store whether the control plane changed (SQLite: eight
bytes of shared memory beside the file, which writers of the control plane change; Redis: a flag
its subscriber thread raises when another replica announced a change): no query unless it did.
If so it follows: a reset (new generation) clears what this process keeps for itself, the clock
takes the fleet's offset, the scenarios are reloaded, media link revocations recorded since the
last look are read (so a link revoked through one replica is refused by every other one as soon as
the revoking request has answered: SQLite raises the signal before, Redis waits for every replica's
acknowledgement of the announcement, ``redis_announce``). A state found empty (a Redis restarted
without its data) is joined again and started afresh.

A store that cannot be reached answers HTTP 503 with a mock error body, logged once per outage.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from starlette.types import Send

from ..clock import MockClock
from .base import StateUnavailable, Store
from .records import Control

log = logging.getLogger("mock_server")
UNAVAILABLE_STATUS = 503


class Fleet:
    def __init__(self, store: Store, clock: MockClock) -> None:
        self.store = store
        self.clock = clock
        self.on_generation: list[Callable[[], None]] = []  # what this process resets for itself
        self.on_scenarios: list[Callable[[], None]] = []
        self.on_fresh: list[Callable[[], None]] = []  # the state was lost (a Redis restarted empty)
        self.on_revocations: list[Callable[[int], None]] = []  # given the newest position
        self.revocations = -1  # followed on the first change whatever it is (following is idempotent)
        self.seen(store.control())

    def seen(self, control: Control) -> None:
        """This process is up to date with ``control`` (it made the change itself)."""
        self.generation, self.scenarios = control.generation, control.scenarios

    def sync(self) -> None:
        if not self.store.changed():
            return
        control = self.store.control()
        if control.scenarios == 0:  # never started, or lost: start it again, as a fresh process does
            for start in self.on_fresh:
                start()
            control = self.store.control()
        if control.clock_offset is not None:
            self.clock.adopt(control.clock_offset)
        if control.generation != self.generation:
            self.seen(control)
            for reset in self.on_generation:
                reset()
        elif control.scenarios != self.scenarios:
            self.scenarios = control.scenarios
            for follow in self.on_scenarios:
                follow()
        if control.revocations != self.revocations:
            self.revocations = control.revocations
            for revoke in self.on_revocations:
                revoke(control.revocations)


class Outage:
    """Logs the first failure of an outage and the recovery, not every failed request."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.down = False

    def failed(self, exc: BaseException) -> StateUnavailable:
        if not self.down:
            self.down = True
            log.error("the shared state %s is unavailable: %s", self.url, _reason(exc))
        return StateUnavailable(f"the shared state {self.url} is unavailable: {_reason(exc)}")

    def recovered(self) -> None:
        if self.down:
            self.down = False
            log.warning("the shared state %s is reachable again", self.url)


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def unavailable_body(exc: StateUnavailable) -> bytes:
    return json.dumps({"mockError": "state unavailable", "detail": str(exc)}).encode()


async def send_unavailable(send: Send, exc: StateUnavailable) -> None:
    body = unavailable_body(exc)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send(
        {"type": "http.response.start", "status": UNAVAILABLE_STATUS, "headers": [*headers, (b"retry-after", b"1")]}
    )
    await send({"type": "http.response.body", "body": body})
