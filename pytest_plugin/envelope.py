"""``Envelope``: an answer, parsed, as ``liveness_api.call`` returns it.

ADVANCE AI: its envelope's fields. Tencent Cloud API 3.0 (``{"Response": {...}}``): ``code`` is
``Response.Error.Code`` or SUCCESS, ``message`` the error's Message, ``data`` the Response's
fields, ``transaction_id`` its RequestId.
"""

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
        if isinstance(body.get("Response"), dict):
            return cls._tencent(response, body)
        fields = ("code", "message", "data", "extra", "transactionId", "pricingStrategy")
        return cls(response, body, *(body.get(name) for name in fields))

    @classmethod
    def _tencent(cls, response: httpx.Response, body: dict[str, Any]) -> Envelope:
        answer = body["Response"]
        error = answer.get("Error") if isinstance(answer.get("Error"), dict) else None
        code, message = (error.get("Code"), error.get("Message")) if error else ("SUCCESS", None)
        return cls(response, body, code, message, answer, transaction_id=answer.get("RequestId"))

    @property
    def status(self) -> int:
        return self.response.status_code

    def __repr__(self) -> str:
        return f"Envelope(HTTP {self.status}, {self.code}, {self.message!r})"
