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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import httpx

from mock_server.contract import conformance
from mock_server.contract.catalog import CodeSpec, Endpoint
from mock_server.contract.conformance import EnvelopeShape, expected_statuses

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
    "expected_statuses",
    "reproduce",
]


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
    shape = conformance.shape_of(endpoint)
    media_type = conformance.media_type(response.headers)
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if media_type != conformance.JSON_MEDIA_TYPE or not isinstance(body, dict):
        problem = f"not a JSON object envelope (Content-Type {media_type or 'missing'})"
        raise NotAnEnvelope(endpoint.id, problem, response)
    return Answer(endpoint, response, body, shape)


def _code_documented(answer: Answer) -> None:
    if conformance.code_difference(answer.endpoint, answer.code) is not None:
        documented = ", ".join(answer.endpoint.codes)
        raise answer.fail(UndocumentedCode, f"code {answer.code!r} is not documented here (documented: {documented})")


def _status(answer: Answer) -> None:
    found = conformance.status_difference(answer.endpoint, answer.spec, answer.response.status_code, _message(answer))
    if found is not None:
        problem = f"HTTP {found.actual} with code {answer.code}, which is documented with HTTP {found.expected}"
        raise answer.fail(WrongStatus, problem)


def _request_id(answer: Answer) -> None:
    if conformance.request_id_difference(answer.endpoint, answer.body) is not None:
        value = answer.shape.request_id(answer.body)
        problem = f"{answer.shape.request_id_name} {value!r} is not a string of 1 to 64 characters"
        raise answer.fail(BadTransactionId, problem)


def _pricing(answer: Answer) -> None:
    if conformance.pricing_difference(answer.endpoint, answer.spec, answer.body) is not None:
        value = answer.shape.pricing(answer.body) if answer.shape.pricing else None
        raise answer.fail(
            WrongPricing, f"pricingStrategy {value!r} for {answer.code}, documented {answer.spec.pricing!r}"
        )


def _schema(answer: Answer) -> None:
    problems = spec.contract().response_problems(answer.endpoint.id, dict(answer.body))
    if problems:
        listed = "; ".join(problems[:5]) + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else "")
        raise answer.fail(SchemaMismatch, f"{answer.code} answer breaks its schema: {listed}")


def _retry_after(answer: Answer) -> None:
    if conformance.retry_after_difference(answer.endpoint, answer.spec, answer.response.headers) is not None:
        value = answer.response.headers.get("retry-after")
        raise answer.fail(MissingRetryAfter, f"{answer.code} without a Retry-After of seconds (got {value!r})")


def _message(answer: Answer) -> object:
    return answer.shape.message(answer.body) if answer.shape.message else None


def _expected(answer: Answer, expect: tuple[str, str], why: str) -> None:
    because = f" because {why}" if why else ""
    if answer.shape.message is None:
        if answer.code != expect[0]:
            raise answer.fail(UnexpectedAnswer, f"expected {expect[0]}{because}; got {answer.code}")
        return
    got = (answer.code, answer.shape.message(answer.body))
    if got != expect:
        raise answer.fail(UnexpectedAnswer, f"expected {expect[0]} {expect[1]!r}{because}; got {got[0]} {got[1]!r}")
