"""Outcomes, and the ADVANCE AI envelope they are rendered into.

Code names an outcome (``raise ApiError("VIDEO_NOT_FOUND")``); its message, HTTP status,
pricing and Retry-After come from the catalog.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .catalog import CodeSpec, Endpoint
from .ids import IdFactory

DEFAULT_RETRY_AFTER = "10s"  # the documented form: "Retry-After :10s" (file 003, Glossary)


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


@dataclass(frozen=True)
class Rendered:
    """An envelope ready to send, with the parsed body kept for the journal and strict mode."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str]

    def encode(self) -> bytes:
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def render(spec: CodeSpec, outcome: Outcome, transaction_id: str) -> Rendered:
    """The envelope for ``outcome``, its fields in the vendor's order."""
    body = {
        "code": spec.name,
        "message": outcome.message_text if outcome.message_text is not None else spec.message(outcome.message),
        "data": outcome.data,
        "extra": outcome.extra,
        "transactionId": transaction_id,
        "pricingStrategy": spec.pricing,
    }
    headers = dict(outcome.headers)
    if spec.retry_after:
        headers.setdefault("Retry-After", DEFAULT_RETRY_AFTER)
    return Rendered(outcome.http_status or spec.http_status, body, headers)


class AdvanceEnvelope:
    """ADVANCE AI: code, message, data, extra, transactionId, pricingStrategy."""

    def render(self, spec: CodeSpec, outcome: Outcome, ids: IdFactory) -> Rendered:
        return render(spec, outcome, ids.hex16())

    def code_of(self, body: Mapping[str, Any]) -> str | None:
        code = body.get("code")
        return code if isinstance(code, str) else None

    def data_of(self, body: Mapping[str, Any]) -> Any:
        return body.get("data")

    def response_schema(
        self, docs: Mapping[str, dict[str, Any]], endpoint: Endpoint, spec: CodeSpec
    ) -> tuple[dict[str, Any], str]:
        """envelope.json with ``code`` fixed and ``data`` set to the code's definition (null without one)."""
        schema = copy.deepcopy(docs["envelope.json"])
        schema["title"] = f"{endpoint.id} {spec.name}"
        props = schema["properties"]
        props["code"] = {"const": spec.name}
        if spec.data:
            props["data"] = {"$ref": f"responses/{endpoint.id}.json#/definitions/{spec.data}"}
        else:
            props["data"] = {"type": "null"}
        if spec.name != "SUCCESS":
            props["pricingStrategy"] = {"const": "FREE"}
        return schema, ""
