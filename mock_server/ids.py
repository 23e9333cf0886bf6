"""Identifiers: seeded ones that a ``--seed`` replays, and secret ones nobody can guess."""

from __future__ import annotations

import random
import secrets


class IdFactory:
    """transactionIds, signatureIds and livenessIds follow ``seed``; tokens never do."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._rng = random.Random(seed)

    def reseed(self, seed: int | None) -> None:
        self.seed = seed
        self._rng.seed(seed)

    def hex16(self) -> str:
        """16 lowercase hex digits, the vendor's transactionId and signatureId shape."""
        return f"{self._rng.getrandbits(64):016x}"

    def uuid(self) -> str:
        """A UUID-shaped id (livenessId, RequestId), from the seeded sequence."""
        h = f"{self._rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

    @staticmethod
    def secret(nbytes: int = 32) -> str:
        """An unguessable URL-safe token (access tokens, H5 page tokens)."""
        return secrets.token_urlsafe(nbytes)
