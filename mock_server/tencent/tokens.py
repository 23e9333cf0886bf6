"""SdkTokens: what GetLivenessResult reports for each, and until when (two hours on the mock clock).

A token comes from ApplyLivenessToken (success, Result "0") or from the admin API (any outcome).
Its BestFrame and Video are real files the mock serves through expiring media links owned by
the token. An expired token is kept (answered BizTokenExpired, not BizTokenIllegal) for the
store's retention (a day by default), then forgotten.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from ..clock import MockClock
from ..media import MediaLinks
from ..store import LivenessOutcome, SdkToken, Store

LIFETIME_MS = 2 * 60 * 60 * 1000  # file 004: "valid for two hours after issuance"
BEST_FRAME_FILE = "face_near.jpg"
VIDEO_FILE = "liveness.mp4"

__all__ = ["BEST_FRAME_FILE", "LIFETIME_MS", "VIDEO_FILE", "LivenessOutcome", "SdkToken", "SdkTokens"]


class SdkTokens:
    def __init__(self, store: Store, clock: MockClock, media: MediaLinks, lifetime_ms: int = LIFETIME_MS) -> None:
        self.store = store
        self.clock = clock
        self.media = media
        self.lifetime_ms = lifetime_ms

    def issue(self, owner: str | None, outcome: LivenessOutcome) -> SdkToken:
        """A new unguessable token (UUID-shaped, as the docs' example) for ``owner`` (None: any account)."""
        token = str(uuid.uuid4()).upper()
        now = self.clock.now_ms()
        entry = SdkToken(token, owner, now + self.lifetime_ms, outcome)
        self._publish(entry)
        self.store.save_sdk_token(entry)
        self.store.housekeep(now)
        return entry

    def find(self, token: str) -> SdkToken | None:
        return self.store.sdk_token(token)

    def is_expired(self, entry: SdkToken) -> bool:
        return self.clock.now_ms() >= entry.expires_ms

    def settle(self, entry: SdkToken, outcome: LivenessOutcome) -> SdkToken:
        """Change what a token reports (the admin API); its evidence links follow."""
        self.media.revoke(entry.token)
        updated = replace(entry, outcome=outcome, links={})
        self._publish(updated)
        self.store.save_sdk_token(updated)
        return updated

    def _publish(self, entry: SdkToken) -> None:
        lifetime = max(entry.expires_ms - self.clock.now_ms(), 0)
        if entry.outcome.best_frame:
            entry.links["BestFrame"] = self.media.publish(BEST_FRAME_FILE, entry.token, lifetime)
        if entry.outcome.video:
            entry.links["Video"] = self.media.publish(VIDEO_FILE, entry.token, lifetime)
