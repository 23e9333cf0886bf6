"""The Tencent Cloud API 3.0 envelope: ``{"Response": {...output..., "RequestId"}}`` on success,
``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`` on error, always HTTP 200 (the SDKs
treat any other status as a network error).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..ids import IdFactory
from .catalog import CodeSpec, Endpoint
from .outcome import Outcome, Rendered

SUCCESS = "SUCCESS"
ENVELOPE_FILE = "tencent_envelope.json"


class TencentEnvelope:
    def render(self, spec: CodeSpec, outcome: Outcome, ids: IdFactory) -> Rendered:
        """SUCCESS spreads the outcome's data (the action's output) before RequestId."""
        request_id = ids.uuid()
        if spec.name == SUCCESS:
            response = {**(outcome.data or {}), "RequestId": request_id}
        else:
            text = outcome.message_text if outcome.message_text is not None else spec.message(outcome.message)
            response = {"Error": {"Code": spec.name, "Message": text}, "RequestId": request_id}
        return Rendered(outcome.http_status or spec.http_status, {"Response": response}, dict(outcome.headers))

    def code_of(self, body: Mapping[str, Any]) -> str | None:
        response = body.get("Response")
        if not isinstance(response, dict):
            return None
        error = response.get("Error")
        if error is None:
            return SUCCESS
        code = error.get("Code") if isinstance(error, dict) else None
        return code if isinstance(code, str) else None

    def data_of(self, body: Mapping[str, Any]) -> Any:
        """The output parameters: Response without RequestId (render adds a fresh one), None for an error."""
        response = body.get("Response")
        if not isinstance(response, dict) or "Error" in response:
            return None
        return {key: value for key, value in response.items() if key != "RequestId"}

    def response_schema(
        self, docs: Mapping[str, dict[str, Any]], endpoint: Endpoint, spec: CodeSpec
    ) -> tuple[dict[str, Any], str]:
        schema = copy.deepcopy(docs[ENVELOPE_FILE])
        schema["title"] = f"{endpoint.id} {spec.name}"
        schema.pop("definitions", None)  # pulled in by the bundler where referenced
        if spec.name == SUCCESS:
            response: dict[str, Any] = {"$ref": f"responses/{endpoint.id}.json#/definitions/{spec.data}"}
        else:
            response = _error_response(spec.name)
        schema["properties"]["Response"] = response
        return schema, ""


def _error_response(code: str) -> dict[str, Any]:
    error = {
        "type": "object",
        "required": ["Code", "Message"],
        "additionalProperties": False,
        "properties": {"Code": {"const": code}, "Message": {"$ref": f"{ENVELOPE_FILE}#/definitions/message"}},
    }
    return {
        "type": "object",
        "required": ["Error", "RequestId"],
        "additionalProperties": False,
        "properties": {"Error": error, "RequestId": {"$ref": f"{ENVELOPE_FILE}#/definitions/requestId"}},
    }
