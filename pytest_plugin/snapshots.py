"""Parity snapshots in the plugin (LocalStack's pattern): record the answers a run sees, or hold
the mock's answers to the ones recorded.

``--liveness-snapshot-update`` (any target; a sandbox is the point) writes each answer a test got
as ``<dir>/<endpoint>/<case>.<n>.json`` (``mock_server.drift.snapshots``), volatile values
normalised by ``schemas/volatile.yaml``, with the target and time it was checked against. Without
it, on the mock, each answer that has a snapshot must match it field by field, or the test fails
with the fields that differ. Answers drawn by hypothesis (``@given``, state machines) are neither
written nor checked: their requests differ from run to run; nor is the client's own Token
Authentication before a call (whether it happens depends on the token cache).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from mock_server.drift import snapshots

from .calls import Call
from .failures import ContractFailure


class SnapshotMismatch(ContractFailure):
    """The mock answered otherwise than the service did when the snapshot was recorded."""


@dataclass
class SnapshotBook:
    """What one run writes or checks; ``case()`` names the running test (None between tests)."""

    folder: Path
    update: bool
    target: str
    case: Callable[[], str | None]
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    written: int = 0
    matched: int = 0
    unrecorded: int = 0

    def observe(self, call: Call, response: httpx.Response) -> None:
        case = self.case()
        if case is None or not call.snapshot or call.endpoint_id is None or _drawn_by_hypothesis():
            return
        self.calls[(case, call.endpoint_id)] += 1
        n = self.calls[(case, call.endpoint_id)]
        seen = snapshots.observed(
            call.endpoint_id, case, n, response.status_code, response.headers, response.content, self.target
        )
        if self.update:
            snapshots.write(self.folder, seen)
            self.written += 1
            return
        path = self.folder / snapshots.file_name(call.endpoint_id, case, n)
        if not path.is_file():
            self.unrecorded += 1
            return
        recorded = snapshots.read(path)
        lines = snapshots.compare(recorded, seen)
        if lines:
            checked = recorded.checked
            problem = (
                f"answer {n} of this test differs from the snapshot {path} "
                f"(checked against {checked.get('target', '?')} at {checked.get('at', '?')}):\n    "
                + "\n    ".join(lines)
            )
            raise SnapshotMismatch(call.endpoint_id, problem, response)
        self.matched += 1

    def summary(self) -> str:
        if self.update:
            return f"{self.written} snapshot(s) written to {self.folder}"
        return f"{self.matched} answer(s) matched their snapshot, {self.unrecorded} without one"


def _drawn_by_hypothesis() -> bool:
    if "hypothesis" not in sys.modules:
        return False
    from hypothesis.control import currently_in_test_context

    return bool(currently_in_test_context())
