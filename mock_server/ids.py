"""Identifiers: seeded ones that a ``--seed`` replays, and secret ones nobody can guess."""

from __future__ import annotations

import random
import secrets

_UUID_KEEP = ~((0xF << 76) | (0xC << 60)) & ((1 << 128) - 1)
_UUID_SET = (0x4 << 76) | (0x8 << 60)


class IdFactory:
    """transactionIds, signatureIds and livenessIds follow ``seed``; tokens never do.

    ``stream`` tells the processes of a fleet apart: each draws its own sequence from the same
    seed, so two replicas never hand out the same signatureId. Stream 0 (the only process, or
    the first to join a fresh shared state) replays exactly what ``seed`` alone gives.
    """

    def __init__(self, seed: int | None = None, stream: int = 0) -> None:
        self.seed = seed
        self.stream = stream
        self._rng = random.Random(self._stream_seed())

    def reseed(self, seed: int | None) -> None:
        self.seed = seed
        self._rng.seed(self._stream_seed())

    def join_stream(self, stream: int) -> None:
        """Draw stream ``stream`` of the seed from its start."""
        self.stream = stream
        self._rng.seed(self._stream_seed())

    def _stream_seed(self) -> int | str | None:
        if self.seed is None or self.stream == 0:
            return self.seed
        return f"{self.seed}/{self.stream}"

    def hex16(self) -> str:
        """16 lowercase hex digits, the vendor's transactionId and signatureId shape."""
        return f"{self._rng.getrandbits(64):016x}"

    def uuid(self) -> str:
        """A UUID-shaped id (livenessId, RequestId), from the seeded sequence."""
        bits = self._rng.getrandbits(128) & _UUID_KEEP | _UUID_SET  # version 4, variant 10xx
        h = f"{bits:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    @staticmethod
    def secret(nbytes: int = 32) -> str:
        """An unguessable URL-safe token (access tokens, H5 page tokens)."""
        return secrets.token_urlsafe(nbytes)
