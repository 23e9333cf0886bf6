"""How each protocol's answers look (its *envelope*): render an Outcome, tell the code of a body,
give the response schema of a documented code. ADVANCE AI: ``advance_envelope``; Tencent Cloud
API 3.0: ``tencent_envelope``. Endpoints name their protocol in the catalog (``protocol:``); the
request side of a protocol (its *front*) is the gateway's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..ids import IdFactory
from .advance_envelope import AdvanceEnvelope
from .catalog import CodeSpec, Endpoint
from .outcome import Outcome, Rendered
from .tencent_envelope import TencentEnvelope

Schema = dict[str, Any]


class Envelope(Protocol):
    """How one protocol's answers look."""

    def render(self, spec: CodeSpec, outcome: Outcome, ids: IdFactory) -> Rendered: ...

    def code_of(self, body: Mapping[str, Any]) -> str | None: ...

    def data_of(self, body: Mapping[str, Any]) -> Any:
        """What an Outcome of this body carries as ``data`` (an example's data, for scenarios)."""

    def response_schema(self, docs: Mapping[str, Schema], endpoint: Endpoint, spec: CodeSpec) -> tuple[Schema, str]:
        """The (unbundled) schema of an answer with this code, and the file its refs are relative to."""


ENVELOPES: dict[str, Envelope] = {"advance": AdvanceEnvelope(), "tencent": TencentEnvelope()}
