"""The ``Store`` interface: everything the mock remembers, for one process or for a fleet.

Endpoint code reads and writes records through it and never keeps state of its own, so the
in-memory store (one process), SQLite (several processes on one machine) and Redis (several
machines) are interchangeable. Read-modify-write goes through ``change_session``, ``count``,
``take`` and ``admit``, which each backend makes atomic with its own engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

from .records import AccessToken, Activation, Control, LivenessRecord, SdkToken, Session

CALLER_LIFETIME_MS = 24 * 3600 * 1000  # a caller's X-Mock-Scenario state, from its first use
SessionChange = Callable[[Session], bool]  # changes the session it is given; False: nothing to write


class StateUnavailable(RuntimeError):
    """The shared state (a SQLite file, a Redis server) cannot be read or written just now."""


class Store(Protocol):
    """Records (tokens, sessions, SDK records, SdkTokens, ConfigureUI, usage), tallies and limits
    (scenario counters, rate limits), and the fleet's control plane (clock, scenarios, reset)."""

    url: str  # as given to --state, without a password
    shared: bool  # other processes read and write the same state
    retention_ms: int

    # ADVANCE AI access tokens
    def put_token(self, token: AccessToken) -> None: ...
    def token(self, token: str, now_ms: int) -> AccessToken | None: ...
    def token_expiries(self) -> list[tuple[str, int]]:
        """(account, expires_ms) of every access token kept: what a clock move would expire."""

    # liveness sessions
    def save_session(self, session: Session) -> None:
        """Store a new session (or replace one wholesale)."""

    def session(self, signature_id: str) -> Session | None: ...
    def session_by_page(self, page_token: str) -> Session | None: ...
    def sessions(self) -> list[Session]:
        """Every session kept, oldest first."""

    def poll_session(self, signature_id: str, account: str) -> Session | None:
        """The session if ``account`` owns it; one more Get Result poll counted while it is pending
        (what progression counts; a finished session's results are read without a write)."""

    def change_session(self, signature_id: str, change: SessionChange) -> Session | None:
        """Apply ``change`` atomically (it may run again on a fresh copy if another process
        changed the session meanwhile); the session as changed, or None if it does not exist.
        A change that returns False or raises must not have touched the session."""

    # SDK records, Tencent SdkTokens, ConfigureUI settings, billable usage
    def save_liveness(self, record: LivenessRecord) -> None: ...
    def liveness(self, liveness_id: str) -> LivenessRecord | None: ...
    def save_sdk_token(self, entry: SdkToken) -> None: ...
    def sdk_token(self, token: str) -> SdkToken | None: ...
    def save_ui_config(self, account: str, config: dict[str, Any]) -> None: ...
    def ui_config(self, account: str) -> dict[str, Any] | None: ...
    def used(self, account: str) -> int: ...
    def charge(self, account: str) -> int: ...

    # tallies (scenario counters) and rate limits, grouped by scope
    def count(self, scope: str, name: str) -> int:
        """Add one to a counter; its new value."""

    def counts(self, scope: str) -> dict[str, int]: ...
    def take(self, scope: str, name: str, per_second: float, burst: int, now_ms: int) -> float:
        """A token from a bucket: 0, or the ms until one is back."""

    def admit(self, scope: str, name: str, limit: int, window_ms: int, now_ms: int) -> bool:
        """Count an event in a sliding window if it has room."""

    def drop(self, scope: str) -> None:
        """Forget a scope's counters, buckets and windows."""

    # the control plane: what every replica follows
    def control(self) -> Control: ...
    def changed(self) -> bool:
        """Cheap: whether ``control()`` may have changed since it was last read."""

    def join(self, seed: int) -> tuple[int, int]:
        """Register a process: (its member number, from 0 on a fresh state; the fleet's scenario
        seed, ``seed`` unless another member set it first)."""

    def set_clock_offset(self, offset: int, *, keep_existing: bool = False) -> int:
        """Set the mock clock's offset (or only if none is set); the offset now in force."""

    def activations(self) -> dict[str, Activation]: ...
    def save_activation(self, activation: Activation) -> None: ...
    def drop_activations(self, names: Iterable[str]) -> list[str]:
        """Switch scenarios off; the names that were on."""

    def inline_scenarios(self) -> dict[str, tuple[int, dict[str, Any]]]:
        """Scenarios defined at run time: name -> (revision, the body that defined it)."""

    def define_inline(self, name: str, body: dict[str, Any]) -> int:
        """Add or replace an inline scenario; its new revision."""

    def caller_since(self, scope: str, caller: str, now_ms: int) -> int:
        """When ``caller`` first used ``scope`` (now if this is the first time). Its tallies live
        under the scope ``f"{scope}|{caller}"`` and go with it."""

    def callers(self, scope: str) -> dict[str, int]: ...

    # housekeeping
    def housekeep(self, now_ms: int) -> None:
        """Forget what has expired (cheap; called after writes)."""

    def reset(self) -> int:
        """Forget everything but the members; the new generation."""

    def close(self) -> None: ...


@runtime_checkable
class PipelinedPolls(Protocol):
    """A store whose Get Result polls from concurrent requests share one round trip (Redis): the
    request path awaits it instead of blocking on its own."""

    async def poll_session_async(self, signature_id: str, account: str) -> Session | None: ...


class JournalStore(Protocol):
    """The request journal of a fleet (shared backends only: one process keeps its own, in memory).

    Entries are masked and encoded before they get here; ids count up across the fleet. Each of
    the two lists (all requests, near misses) keeps its newest ``size`` entries.
    """

    def journal_append(self, entries: list[tuple[bytes, bool]], size: int, generation: int) -> None:
        """Append (entry, is a near miss) pairs, in order, in one write; none if the state was reset
        since ``generation`` (they were answered before the reset)."""

    def generation_seen(self) -> int:
        """The generation this process last read: what the requests it answers belong to."""

    def journal(self, limit: int, *, misses: bool = False) -> list[tuple[int, bytes]]:
        """(id, entry), newest first."""

    def journal_clear(self) -> None: ...


def without_password(url: str) -> str:
    """The URL as it may be printed and logged: a password becomes ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[2]}"))
