"""The ways an answer can break the contract: one ``AssertionError`` subclass per check.

Each says which endpoint, what differed, the answer, and the request that got it as a curl
command line (as schemathesis' ``Failure`` subclasses do), so a shrunk hypothesis example can be
replayed by hand.
"""

from __future__ import annotations

import httpx

from .curl import curl


class ContractFailure(AssertionError):
    """An answer the documentation does not allow for the endpoint."""

    def __init__(self, endpoint_id: str, problem: str, response: httpx.Response | None = None) -> None:
        self.endpoint_id, self.problem = endpoint_id, problem
        lines = [f"{type(self).__name__}: {endpoint_id}: {problem}"]
        if response is not None:
            lines.append(reproduce(response))
        super().__init__("\n".join(lines))


class NotAnEnvelope(ContractFailure):
    """The body is not a JSON object in the vendor's envelope."""


class UndocumentedCode(ContractFailure):
    """The code is not one the endpoint (or the Glossary, for it) documents."""


class WrongStatus(ContractFailure):
    """The HTTP status is not the one that goes with the code."""


class SchemaMismatch(ContractFailure):
    """The envelope or its ``data`` breaks the schema of that endpoint and code."""


class BadTransactionId(ContractFailure):
    """The request id (transactionId, RequestId) missing, empty or over the documented 64 characters."""


class WrongPricing(ContractFailure):
    """pricingStrategy is not the one the catalog gives that code."""


class MissingRetryAfter(ContractFailure):
    """A code documented with "Retry-After :10s" came without a usable Retry-After header."""


class UnexpectedAnswer(ContractFailure):
    """A well-formed answer, but not the code and message this request must produce."""


def reproduce(response: httpx.Response) -> str:
    """The answer, and the request that got it as a curl command line; credentials and tokens in
    either are masked (failures end up in CI logs)."""
    from mock_server.masking import mask_text

    answer = mask_text(_short(response.text))
    return f"  answer: HTTP {response.status_code} {answer}\n  reproduce: {curl(response.request)}"


def _short(text: str, limit: int = 600) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
