"""Functional checks before load: the mock answers a documented code, the ceiling the captured bytes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from .calls import Answer, Call, Load, Request, send

FLAKY_TRIES = 30  # draws until a SUCCESS shows up under `flaky` (P(none in 30) ~ 0.33**30)
SAMPLED_REQUESTS = 4  # of a rotated load (the Tencent pool): first, last and two between


@dataclass
class CheckResult:
    passed: bool
    detail: str
    answers: list[dict[str, Any]] = field(default_factory=list)  # status and code of each check call

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check_mock(call: Call, client: httpx.Client, load: Load) -> tuple[CheckResult, Answer | None]:
    """Every sampled request answers an accepted code with the call's status; returns the answer to replay."""
    answers: list[Answer] = [send(client, request) for request in _sample(load)]
    while call.replay_code not in {a.code for a in answers} and len(answers) < FLAKY_TRIES:
        answers.append(send(client, load.requests[0]))  # `flaky`: keep drawing until the normal answer
    seen = [{"status": a.status, "code": a.code} for a in answers]
    wrong = [a for a in answers if not _accepted(call, a)]
    replay = next((a for a in answers if a.code == call.replay_code and a.status == call.status), None)
    if wrong:
        bad = wrong[0]
        return CheckResult(False, f"answered HTTP {bad.status} {bad.code} ({bad.content_type})", seen), None
    if replay is None:
        return CheckResult(False, f"no {call.replay_code} answer in {len(answers)} calls", seen), None
    return CheckResult(True, f"HTTP {call.status} {sorted({str(a.code) for a in answers})}", seen), replay


def check_ceiling(client: httpx.Client, load: Load, expected: Answer) -> CheckResult:
    """The bare app answers exactly the captured status, content type and bytes."""
    answer = send(client, load.requests[0])
    seen = [{"status": answer.status, "code": answer.code}]
    same = answer == expected
    detail = (
        "same status, content type and bytes"
        if same
        else (
            f"HTTP {answer.status} {answer.content_type} {len(answer.body)} B, expected HTTP {expected.status} "
            f"{expected.content_type} {len(expected.body)} B"
        )
    )
    return CheckResult(same, detail, seen)


def _accepted(call: Call, answer: Answer) -> bool:
    return (
        answer.status == call.status
        and answer.code in call.accepted_codes
        and answer.content_type.split(";")[0].strip() == "application/json"
    )


def _sample(load: Load) -> list[Request]:
    requests = load.requests
    if len(requests) <= SAMPLED_REQUESTS:
        return list(requests)
    step = (len(requests) - 1) / (SAMPLED_REQUESTS - 1)
    return [requests[round(i * step)] for i in range(SAMPLED_REQUESTS)]
