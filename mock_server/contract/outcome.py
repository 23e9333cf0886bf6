"""Outcomes: what an action decided, in any protocol, and the rendered answer.

Code names an outcome (``raise ApiError("VIDEO_NOT_FOUND")``); its message, HTTP status,
pricing and Retry-After come from the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..jsonwire import dumps


@dataclass
class Outcome:
    """What an action decided: a code, its data, and optional overrides of the catalog's defaults."""

    code: str = "SUCCESS"
    data: Any = None
    message: str | None = None
    message_text: str | None = None
    extra: Any = None
    http_status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """Stop handling a request and answer with a documented code."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        data: Any = None,
        extra: Any = None,
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}/{message or 'default'}")
        self.outcome = Outcome(code, data, message, None, extra, http_status, dict(headers or {}))


class Rendered(NamedTuple):
    """An envelope ready to send, with the parsed body kept for the journal and strict mode (a
    tuple: made for every answer, and a frozen dataclass costs three times as much to build)."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]

    def encode(self) -> bytes:
        return dumps(self.body)
