"""``Envelope``: an ADVANCE AI answer, parsed, as ``liveness_api.call`` returns it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Envelope:
    """The envelope's fields (None where the body lacks them, or is not JSON) and the raw answer."""

    response: httpx.Response
    body: Any
    code: str | None = None
    message: str | None = None
    data: Any = None
    extra: Any = None
    transaction_id: str | None = None
    pricing: str | None = None

    @classmethod
    def of(cls, response: httpx.Response) -> Envelope:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return cls(response, body)
        fields = ("code", "message", "data", "extra", "transactionId", "pricingStrategy")
        return cls(response, body, *(body.get(name) for name in fields))

    @property
    def status(self) -> int:
        return self.response.status_code

    def __repr__(self) -> str:
        return f"Envelope(HTTP {self.status}, {self.code}, {self.message!r})"
