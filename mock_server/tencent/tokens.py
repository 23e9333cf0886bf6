"""SdkTokens: what GetLivenessResult reports for each, and until when (two hours on the mock clock).

A token comes from ApplyLivenessToken (success, Result "0") or from the admin API (any outcome).
Its BestFrame and Video are real files the mock serves through expiring media links owned by
the token. Expired tokens are kept (answered BizTokenExpired, not BizTokenIllegal) until reset.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from ..clock import MockClock
from ..media import MediaLinks

LIFETIME_MS = 2 * 60 * 60 * 1000  # file 004: "valid for two hours after issuance"
BEST_FRAME_FILE = "face_near.jpg"
VIDEO_FILE = "liveness.mp4"
_KEEP = 10_000  # tokens kept before the oldest expired ones are dropped


@dataclass(frozen=True)
class LivenessOutcome:
    """What GetLivenessResult reports: Result, Description, and which evidence files exist."""

    result: str = "0"
    description: str = "Success"
    best_frame: bool = True
    video: bool = True


@dataclass
class SdkToken:
    token: str
    owner: str | None
    expires_ms: int
    outcome: LivenessOutcome
    links: dict[str, str] = field(default_factory=dict)  # "BestFrame" / "Video" -> media path


class SdkTokens:
    def __init__(self, clock: MockClock, media: MediaLinks, lifetime_ms: int = LIFETIME_MS) -> None:
        self.clock = clock
        self.media = media
        self.lifetime_ms = lifetime_ms
        self._tokens: dict[str, SdkToken] = {}

    def issue(self, owner: str | None, outcome: LivenessOutcome) -> SdkToken:
        """A new unguessable token (UUID-shaped, as the docs' example) for ``owner`` (None: any account)."""
        self._evict()
        token = str(uuid.uuid4()).upper()
        entry = SdkToken(token, owner, self.clock.now_ms() + self.lifetime_ms, outcome)
        self._tokens[token] = entry
        self._publish(entry)
        return entry

    def find(self, token: str) -> SdkToken | None:
        return self._tokens.get(token)

    def is_expired(self, entry: SdkToken) -> bool:
        return self.clock.now_ms() >= entry.expires_ms

    def settle(self, entry: SdkToken, outcome: LivenessOutcome) -> SdkToken:
        """Change what a token reports (the admin API); its evidence links follow."""
        self.media.revoke(entry.token)
        updated = replace(entry, outcome=outcome, links={})
        self._tokens[entry.token] = updated
        self._publish(updated)
        return updated

    def reset(self) -> None:
        self._tokens.clear()

    def _publish(self, entry: SdkToken) -> None:
        lifetime = max(entry.expires_ms - self.clock.now_ms(), 0)
        if entry.outcome.best_frame:
            entry.links["BestFrame"] = self.media.publish(BEST_FRAME_FILE, entry.token, lifetime)
        if entry.outcome.video:
            entry.links["Video"] = self.media.publish(VIDEO_FILE, entry.token, lifetime)

    def _evict(self) -> None:
        if len(self._tokens) >= _KEEP:
            oldest = sorted(self._tokens.values(), key=lambda t: t.expires_ms)[: _KEEP // 10]
            for entry in oldest:
                self.media.revoke(entry.token)
                del self._tokens[entry.token]
