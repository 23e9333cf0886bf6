"""What the mock remembers, as plain records: the same objects in every backend.

The memory store keeps these objects as they are; SQLite and Redis keep them encoded
(``codec``). ``slots`` keeps 100,000 sessions small in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from ..clock import DAY_MS

DEFAULT_RETENTION_MS = 7 * DAY_MS  # how long a finished session, SDK record or expired SdkToken is kept
UNFINISHED_MS = DAY_MS  # how long a session nobody finished is kept after its page expired


@dataclass(slots=True)
class AccessToken:
    token: str
    account: str
    expires_ms: int


@dataclass(slots=True)
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


@dataclass(slots=True)
class Session:
    """An H5 (Get Token) or IDVS (Generate URL) liveness session, addressed by its signatureId.

    The documented request fields it keeps are one JSON text (``request_json``; given as a dict
    too): a third of the memory of a dict of strings, and read only by the page and callbacks.
    A str, not orjson's bytes: those keep orjson's whole 4 KiB buffer.
    """

    signature_id: str
    account: str
    kind: str
    created_ms: int
    expires_ms: int
    page_token: str
    request_json: str
    status: str = "pending"
    result: Result | None = None
    polls: int = 0
    auto_outcome: str | None = None
    auto_after_polls: int | None = None
    auto_at_ms: int | None = None
    callback: dict[str, Any] | None = None
    finished_ms: int | None = None  # completed, abandoned or cleared at (mock clock)

    def __post_init__(self) -> None:
        if isinstance(self.request_json, dict):
            self.request_json = orjson.dumps(self.request_json).decode()

    @property
    def request(self) -> dict[str, Any]:
        return orjson.loads(self.request_json)  # type: ignore[no-any-return]

    @request.setter
    def request(self, fields: dict[str, Any]) -> None:
        self.request_json = orjson.dumps(fields).decode()

    def page_expired(self, now_ms: int) -> bool:
        """The H5/IDVS page (its url) is valid for an hour; results outlive it."""
        return now_ms >= self.expires_ms

    def keep_until(self, retention_ms: int) -> int:
        """Kept ``retention_ms`` after it finished; unfinished, a day (at most the retention) after
        its page expired."""
        if self.finished_ms is None:
            return self.expires_ms + min(UNFINISHED_MS, retention_ms)
        return self.finished_ms + retention_ms


@dataclass(slots=True)
class LivenessRecord:
    """A liveness check made by the native SDK, addressed by its livenessId."""

    liveness_id: str
    account: str
    result: Result | None
    created_ms: int = 0

    def keep_until(self, retention_ms: int) -> int:
        return self.created_ms + retention_ms


@dataclass(frozen=True, slots=True)
class LivenessOutcome:
    """What Tencent's GetLivenessResult reports: Result, Description, and which evidence files exist."""

    result: str = "0"
    description: str = "Success"
    best_frame: bool = True
    video: bool = True


@dataclass(slots=True)
class SdkToken:
    """A Tencent SdkToken: who may query it (None: any account), until when, and what it reports."""

    token: str
    owner: str | None
    expires_ms: int
    outcome: LivenessOutcome
    links: dict[str, str] = field(default_factory=dict)  # "BestFrame" / "Video" -> media path

    def keep_until(self, retention_ms: int) -> int:
        """Answered BizTokenExpired for ``retention_ms`` after it expired, then forgotten (BizTokenIllegal)."""
        return self.expires_ms + retention_ms


@dataclass(frozen=True, slots=True)
class Activation:
    """A scenario switched on: its counters and draws live under ``id``; windows count from ``activated_ms``."""

    name: str
    id: str
    activated_ms: int
    via: str


@dataclass(frozen=True, slots=True)
class Control:
    """The fleet-wide settings every replica follows: bumped ``generation`` on reset, the mock
    clock's offset (None until set), the version of the scenario activations, and the position
    of the newest media link revocation."""

    generation: int = 0
    clock_offset: int | None = None
    scenarios: int = 0
    revocations: int = 0
