"""The drift report: observations grouped into findings (one per distinct difference, with how
many answers showed it, an example and where it came from), as Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..contract.conformance import Difference
from ..contract.kinds import KINDS
from .evidence import Evidence, Observation

# A finding per (kind, endpoint, where), and per value too where the value is the news: each
# undocumented code or message, each status, each new type of a field, each header value.
KEYED_BY_VALUE = frozenset({"undocumented_code", "undocumented_message", "status", "field_retyped", "header"})
SECTIONS = (
    ("Undocumented codes and messages", ("undocumented_code", "undocumented_message")),
    ("Fields added, removed or retyped", ("field_added", "field_removed", "field_retyped", "field_value")),
    ("Status and headers", ("status", "header")),
    ("Envelope", ("envelope",)),
)


@dataclass
class Finding:
    kind: str
    endpoint: str
    code: str
    where: str
    expected: str
    example: str
    count: int = 0
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "endpoint": self.endpoint,
            "code": self.code,
            "where": self.where,
            "expected": self.expected,
            "example": self.example,
            "count": self.count,
            "sources": self.sources,
        }


@dataclass
class Report:
    findings: list[Finding]
    recordings: int
    snapshots: int
    skipped: list[str]
    stale: int

    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": {
                "recordings": self.recordings,
                "snapshots": self.snapshots,
                "skipped_snapshots_of_the_mock": len(self.skipped),
                "stale_stored_differences_ignored": self.stale,
                "differences": len(self.findings),
                "by_kind": {k: sum(1 for f in self.findings if f.kind == k) for k in KINDS if k in self.kinds()},
            },
            "differences": [f.to_json() for f in self.findings],
        }

    def markdown(self) -> str:
        lines = ["# Drift report", "", self._summary_line(), ""]
        listed = {kind for _, kinds in SECTIONS for kind in kinds}
        others = tuple(sorted({f.kind for f in self.findings} - listed))
        for title, kinds in (*SECTIONS, ("Other", others)):
            found = [f for f in self.findings if f.kind in kinds]
            if not found:
                continue
            lines += [f"## {title}", "", "| kind | endpoint | code | where | count | expected | example | from |"]
            lines.append("|---|---|---|---|---|---|---|---|")
            lines += [_row(f) for f in found]
            lines.append("")
        if not self.findings:
            lines += ["No differences: every answer read matches the contract.", ""]
        return "\n".join(lines)

    def _summary_line(self) -> str:
        text = (
            f"{self.recordings} recording(s) and {self.snapshots} snapshot(s) read; "
            f"{len(self.findings)} distinct difference(s) from the contract."
        )
        if self.skipped:
            text += f" {len(self.skipped)} snapshot(s) recorded against the mock itself were left out."
        if self.stale:
            text += f" {self.stale} stored difference(s) the recorded bodies no longer show were ignored."
        return text


def build(evidence: Evidence) -> Report:
    findings: dict[tuple[str, ...], Finding] = {}
    for observation in evidence.observations:
        for difference in dict.fromkeys(observation.differences):
            finding = findings.get(_key(difference))
            if finding is None:
                finding = findings[_key(difference)] = _finding(observation, difference)
            finding.count += observation.count
            if observation.source not in finding.sources:
                finding.sources.append(observation.source)
    order = {kind: i for i, kind in enumerate(KINDS)}
    ordered = sorted(findings.values(), key=lambda f: (order.get(f.kind, len(order)), f.endpoint, f.where, f.example))
    return Report(
        ordered,
        sum(1 for o in evidence.observations if o.kind == "recording"),
        sum(1 for o in evidence.observations if o.kind == "snapshot"),
        evidence.skipped,
        sum(len(o.stale) for o in evidence.observations),
    )


def render(report: Report, form: str) -> str:
    if form == "json":
        return json.dumps(report.to_json(), indent=2, ensure_ascii=False)
    return report.markdown()


def _key(difference: Difference) -> tuple[str, ...]:
    base = (difference.kind, difference.endpoint, difference.where)
    return (*base, difference.actual) if difference.kind in KEYED_BY_VALUE else base


def _finding(observation: Observation, difference: Difference) -> Finding:
    return Finding(
        difference.kind,
        difference.endpoint,
        observation.code,
        difference.where,
        difference.expected,
        difference.actual,
    )


def _row(finding: Finding) -> str:
    cells: Iterable[str] = (
        finding.kind,
        finding.endpoint,
        finding.code,
        f"`{finding.where}`" if finding.where else "(body)",
        str(finding.count),
        finding.expected,
        finding.example,
        "<br>".join(finding.sources),
    )
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(text: str, limit: int = 160) -> str:
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return text.replace("|", "\\|").replace("\n", " ")
