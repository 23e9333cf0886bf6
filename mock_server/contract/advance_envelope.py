"""The ADVANCE AI envelope an Outcome is rendered into: code, message, data, extra, transactionId,
pricingStrategy, in the vendor's field order.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..ids import IdFactory
from .catalog import CodeSpec, Endpoint
from .outcome import Outcome, Rendered

DEFAULT_RETRY_AFTER = "10s"  # the documented form: "Retry-After :10s" (file 003, Glossary)


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
