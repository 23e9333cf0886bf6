"""Records to bytes and back, for the stores that keep them outside the process (SQLite, Redis).

orjson writes dataclasses directly (it is several times faster than the json module both ways);
reading builds the same records the memory store keeps.
"""

from __future__ import annotations

from typing import Any

import orjson

from .records import Activation, LivenessOutcome, LivenessRecord, Result, SdkToken, Session

dumps = orjson.dumps
loads = orjson.loads


def session_from(data: bytes, polls: int | bytes | None = None) -> Session:
    """A session from its encoding; ``polls`` kept apart (a counter the store increments in place)."""
    fields = loads(data)
    result = fields["result"]
    if result is not None:
        fields["result"] = Result(**result)
    if polls is not None:
        fields["polls"] = int(polls)
    return Session(**fields)


def liveness_from(data: bytes) -> LivenessRecord:
    fields = loads(data)
    result = fields["result"]
    return LivenessRecord(fields["liveness_id"], fields["account"], result and Result(**result), fields["created_ms"])


def sdk_token_from(data: bytes) -> SdkToken:
    fields = loads(data)
    return SdkToken(
        fields["token"], fields["owner"], fields["expires_ms"], LivenessOutcome(**fields["outcome"]), fields["links"]
    )


def activation_from(data: bytes) -> Activation:
    return Activation(**loads(data))


def json_object(data: bytes | None) -> dict[str, Any] | None:
    return None if data is None else loads(data)
