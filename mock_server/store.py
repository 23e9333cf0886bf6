"""The mock's state behind one small interface: access tokens, liveness sessions, SDK liveness
records, ConfigureUI settings and what each account has consumed.

Endpoint code only calls the ``Store`` protocol and saves objects explicitly after changing them,
so a SQLite store (several workers, restarts) can replace ``MemoryStore`` without touching it.
Expired tokens and long-dead sessions are evicted, so a long CI soak stays bounded.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .clock import DAY_MS

HOUSEKEEPING_EVERY_MS = 60_000  # of mock time between two eviction sweeps
HOUSEKEEPING_EVERY_WRITES = 1024


@dataclass
class AccessToken:
    token: str
    account: str
    expires_ms: int


@dataclass
class Result:
    """A finished liveness check: which outcome, and what the vendor reports for it."""

    outcome: str
    code: str
    score: int | None
    attack_type: int | None
    completed_ms: int
    far_ms: int
    near_ms: int | None
    video: bool
    cross_device: bool = False  # finished through the cross-device flow (multiDevice, useSlaveUrl)


@dataclass
class Session:
    """An H5 (Get Token) or IDVS (Generate URL) liveness session, addressed by its signatureId."""

    signature_id: str
    account: str
    kind: str
    created_ms: int
    expires_ms: int
    page_token: str
    request: dict[str, Any]
    status: str = "pending"
    result: Result | None = None
    polls: int = 0
    auto_outcome: str | None = None
    auto_after_polls: int | None = None
    auto_at_ms: int | None = None
    callback: dict[str, Any] | None = None

    def page_expired(self, now_ms: int) -> bool:
        """The H5/IDVS page (its url) is valid for an hour; results outlive it."""
        return now_ms >= self.expires_ms


@dataclass
class LivenessRecord:
    """A liveness check made by the native SDK, addressed by its livenessId."""

    liveness_id: str
    account: str
    result: Result | None


@dataclass
class Usage:
    billable_calls: int = 0


@dataclass
class _Tables:
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    sessions: OrderedDict[str, Session] = field(default_factory=OrderedDict)
    page_tokens: dict[str, str] = field(default_factory=dict)
    liveness: OrderedDict[str, LivenessRecord] = field(default_factory=OrderedDict)
    ui_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    usage: dict[str, Usage] = field(default_factory=dict)


class Store(Protocol):
    def put_token(self, token: AccessToken) -> None: ...
    def token(self, token: str, now_ms: int) -> AccessToken | None: ...
    def save_session(self, session: Session) -> None: ...
    def session(self, signature_id: str) -> Session | None: ...
    def session_by_page(self, page_token: str) -> Session | None: ...
    def sessions(self) -> Iterable[Session]: ...
    def save_liveness(self, record: LivenessRecord) -> None: ...
    def liveness(self, liveness_id: str) -> LivenessRecord | None: ...
    def save_ui_config(self, account: str, config: dict[str, Any]) -> None: ...
    def ui_config(self, account: str) -> dict[str, Any] | None: ...
    def usage(self, account: str) -> Usage: ...
    def save_usage(self, account: str, usage: Usage) -> None: ...
    def evict(self, now_ms: int) -> None: ...
    def housekeep(self, now_ms: int) -> None: ...
    def reset(self) -> None: ...


class MemoryStore:
    """Dictionaries, bounded: at most ``max_sessions`` sessions and liveness records each."""

    def __init__(self, max_sessions: int = 10_000) -> None:
        self.max_sessions = max_sessions
        self._t = _Tables()
        self._swept_ms = 0
        self._writes = 0

    def put_token(self, token: AccessToken) -> None:
        self._t.tokens[token.token] = token

    def token(self, token: str, now_ms: int) -> AccessToken | None:
        found = self._t.tokens.get(token)
        if found is not None and found.expires_ms <= now_ms:
            del self._t.tokens[token]
            return None
        return found

    def save_session(self, session: Session) -> None:
        self._t.sessions[session.signature_id] = session
        self._t.page_tokens[session.page_token] = session.signature_id
        while len(self._t.sessions) > self.max_sessions:
            _, oldest = self._t.sessions.popitem(last=False)
            self._t.page_tokens.pop(oldest.page_token, None)

    def session(self, signature_id: str) -> Session | None:
        return self._t.sessions.get(signature_id)

    def session_by_page(self, page_token: str) -> Session | None:
        signature_id = self._t.page_tokens.get(page_token)
        return self._t.sessions.get(signature_id) if signature_id else None

    def sessions(self) -> Iterable[Session]:
        return list(self._t.sessions.values())

    def save_liveness(self, record: LivenessRecord) -> None:
        self._t.liveness[record.liveness_id] = record
        while len(self._t.liveness) > self.max_sessions:
            self._t.liveness.popitem(last=False)

    def liveness(self, liveness_id: str) -> LivenessRecord | None:
        return self._t.liveness.get(liveness_id)

    def save_ui_config(self, account: str, config: dict[str, Any]) -> None:
        self._t.ui_configs[account] = config

    def ui_config(self, account: str) -> dict[str, Any] | None:
        return self._t.ui_configs.get(account)

    def usage(self, account: str) -> Usage:
        return self._t.usage.get(account) or Usage()

    def save_usage(self, account: str, usage: Usage) -> None:
        self._t.usage[account] = usage

    def evict(self, now_ms: int) -> None:
        """Drop expired tokens, and sessions never completed a day after their page expired."""
        self._t.tokens = {k: t for k, t in self._t.tokens.items() if t.expires_ms > now_ms}
        dead = [s for s in self._t.sessions.values() if s.result is None and s.expires_ms + DAY_MS <= now_ms]
        for session in dead:
            del self._t.sessions[session.signature_id]
            self._t.page_tokens.pop(session.page_token, None)

    def housekeep(self, now_ms: int) -> None:
        """Evict now and then: after a minute of mock time or a thousand writes since the last sweep,
        so the cost stays off most requests and a long soak (or a moved clock) stays bounded."""
        self._writes += 1
        if now_ms - self._swept_ms >= HOUSEKEEPING_EVERY_MS or self._writes >= HOUSEKEEPING_EVERY_WRITES:
            self.evict(now_ms)
            self._swept_ms, self._writes = now_ms, 0

    def reset(self) -> None:
        self._t = _Tables()
        self._swept_ms = self._writes = 0
