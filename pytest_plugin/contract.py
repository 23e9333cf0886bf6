"""Contract checks: is this answer one the documentation allows for this endpoint?

``assert_conforms(endpoint, response)`` runs small checks in order, each raising its own
``ContractFailure`` subclass (an ``AssertionError``, as schemathesis' ``Failure``) that says what
differed and carries the request as a curl command, so a shrunk hypothesis example can be replayed
by hand. Expectations come from the catalog and the bundled schemas (``ContractSchemas``), read per
protocol (``ContractSchemas.code_of`` and an ``EnvelopeShape``), so Tencent's ``{"Response": ...}``
answers go through the same checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import httpx

from mock_server.contract.catalog import CodeSpec, Endpoint

from . import spec
from .failures import (
    BadTransactionId,
    ContractFailure,
    MissingRetryAfter,
    NotAnEnvelope,
    SchemaMismatch,
    UndocumentedCode,
    UnexpectedAnswer,
    WrongPricing,
    WrongStatus,
    reproduce,
)
from .guard import parse_retry_after

__all__ = [
    "BadTransactionId",
    "ContractFailure",
    "MissingRetryAfter",
    "NotAnEnvelope",
    "SchemaMismatch",
    "UndocumentedCode",
    "UnexpectedAnswer",
    "WrongPricing",
    "WrongStatus",
    "assert_conforms",
    "reproduce",
]

# The Glossary: SERVICE_BUSY "may migrate to HTTP 429 Too Many Requests in the future".
ALSO_ALLOWED_STATUS = {"SERVICE_BUSY": frozenset({429})}
_STATUS_IN_MESSAGE = re.compile(r"^HTTP (\d{3})\b")  # CLIENT_ERROR "HTTP 404 - Not Found"


@dataclass(frozen=True)
class EnvelopeShape:
    """Where a protocol's envelope keeps the request id, the pricing and the message (the code:
    ``code_of``). ``message`` is None where the docs give only descriptions of the codes, not the
    texts sent (Tencent: docs/choices.md, choice 34): an expectation then names the code alone."""

    request_id_name: str
    request_id: Callable[[Mapping[str, Any]], Any]
    pricing: Callable[[Mapping[str, Any]], Any] | None
    message: Callable[[Mapping[str, Any]], Any] | None


SHAPES: dict[str, EnvelopeShape] = {
    "advance": EnvelopeShape(
        "transactionId",
        lambda b: b.get("transactionId"),
        lambda b: b.get("pricingStrategy"),
        lambda b: b.get("message"),
    ),
    "tencent": EnvelopeShape("Response.RequestId", lambda b: (b.get("Response") or {}).get("RequestId"), None, None),
}


@dataclass(frozen=True)
class Answer:
    endpoint: Endpoint
    response: httpx.Response
    body: Mapping[str, Any]
    shape: EnvelopeShape

    @cached_property
    def code(self) -> str:
        return str(spec.contract().code_of(self.endpoint.id, dict(self.body)))

    @property
    def spec(self) -> CodeSpec:
        return self.endpoint.codes[self.code]

    def fail(self, kind: type[ContractFailure], problem: str) -> ContractFailure:
        return kind(self.endpoint.id, problem, self.response)


def assert_conforms(
    endpoint: str | Endpoint, response: httpx.Response, *, expect: tuple[str, str] | None = None, why: str = ""
) -> Mapping[str, Any]:
    """Check ``response`` against the documentation of ``endpoint``; return the parsed body.

    ``expect``: the (code, message) this request must get, ``why`` says why (shown on failure).
    """
    answer = _answer(spec.endpoint(endpoint), response)
    for check in (_code_documented, _status, _request_id, _pricing, _schema, _retry_after):
        check(answer)
    if expect is not None:
        _expected(answer, expect, why)
    return answer.body


def _answer(endpoint: Endpoint, response: httpx.Response) -> Answer:
    shape = SHAPES.get(endpoint.protocol)
    if shape is None:
        raise NotImplementedError(f"no envelope shape for protocol {endpoint.protocol!r} ({endpoint.id})")
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if media_type != "application/json" or not isinstance(body, dict):
        problem = f"not a JSON object envelope (Content-Type {media_type or 'missing'})"
        raise NotAnEnvelope(endpoint.id, problem, response)
    return Answer(endpoint, response, body, shape)


def _code_documented(answer: Answer) -> None:
    if answer.code not in answer.endpoint.codes:
        documented = ", ".join(answer.endpoint.codes)
        raise answer.fail(UndocumentedCode, f"code {answer.code!r} is not documented here (documented: {documented})")


def expected_statuses(code: CodeSpec, message: object) -> frozenset[int]:
    """HTTP statuses that go with ``code``: CLIENT_ERROR names its own in the message."""
    found = _STATUS_IN_MESSAGE.match(str(message)) if code.name == "CLIENT_ERROR" else None
    base = int(found.group(1)) if found else code.http_status
    return frozenset({base}) | ALSO_ALLOWED_STATUS.get(code.name, frozenset())


def _status(answer: Answer) -> None:
    allowed = expected_statuses(answer.spec, answer.body.get("message"))
    if answer.response.status_code not in allowed:
        wanted = " or ".join(map(str, sorted(allowed)))
        problem = f"HTTP {answer.response.status_code} with code {answer.code}, which is documented with HTTP {wanted}"
        raise answer.fail(WrongStatus, problem)


def _request_id(answer: Answer) -> None:
    value = answer.shape.request_id(answer.body)
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        problem = f"{answer.shape.request_id_name} {value!r} is not a string of 1 to 64 characters"
        raise answer.fail(BadTransactionId, problem)


def _pricing(answer: Answer) -> None:
    if answer.shape.pricing is None:
        return
    value = answer.shape.pricing(answer.body)
    if value != answer.spec.pricing:
        raise answer.fail(
            WrongPricing, f"pricingStrategy {value!r} for {answer.code}, documented {answer.spec.pricing!r}"
        )


def _schema(answer: Answer) -> None:
    problems = spec.contract().response_problems(answer.endpoint.id, dict(answer.body))
    if problems:
        listed = "; ".join(problems[:5]) + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else "")
        raise answer.fail(SchemaMismatch, f"{answer.code} answer breaks its schema: {listed}")


def _retry_after(answer: Answer) -> None:
    value = answer.response.headers.get("retry-after")
    if answer.spec.retry_after and parse_retry_after(value) is None:
        raise answer.fail(MissingRetryAfter, f"{answer.code} without a Retry-After of seconds (got {value!r})")


def _expected(answer: Answer, expect: tuple[str, str], why: str) -> None:
    because = f" because {why}" if why else ""
    if answer.shape.message is None:
        if answer.code != expect[0]:
            raise answer.fail(UnexpectedAnswer, f"expected {expect[0]}{because}; got {answer.code}")
        return
    got = (answer.code, answer.shape.message(answer.body))
    if got != expect:
        raise answer.fail(UnexpectedAnswer, f"expected {expect[0]} {expect[1]!r}{because}; got {got[0]} {got[1]!r}")
