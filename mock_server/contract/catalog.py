"""The endpoint catalog (``schemas/catalog.yaml``) as typed, immutable objects.

Everything the mock serves is read from here: hosts, routes, codes, messages and the
request-error mapping. The file is checked against ``catalog.schema.json`` and against itself
(every referenced code, message key and host exists) so a typo fails at start-up, not mid-test.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class CatalogError(ValueError):
    """The catalog file breaks its meta schema or refers to something it does not define."""


@dataclass(frozen=True)
class CodeSpec:
    """One response code as one endpoint answers it."""

    name: str
    messages: Mapping[str, str]
    pricing: str = "FREE"
    data: str | None = None
    http_status: int = 200
    retry_after: bool = False
    deprecated: bool = False
    from_glossary: bool = False
    polling: bool = False  # a documented "not yet": the client asks again (the dashboard shows it neutral)

    def message(self, key: str | None = None) -> str:
        """The text for ``key``, or the default (first) text."""
        if key is None:
            return next(iter(self.messages.values()))
        return self.messages[key]


@dataclass(frozen=True)
class ErrorTarget:
    """A code and message key; ``when`` limits it to some JSON Schema keywords (maxLength: "too long")."""

    code: str
    message: str
    when: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErrorMap:
    """Which code and message a request that breaks its schema gets."""

    empty: ErrorTarget
    invalid: ErrorTarget
    fields: tuple[tuple[tuple[str, ...], ErrorTarget], ...] = ()
    unknown: ErrorTarget | None = None


@dataclass(frozen=True)
class RateLimit:
    """At most ``per_second`` requests in any one second, per (account, endpoint); ``error`` beyond."""

    per_second: int
    error: ErrorTarget


@dataclass(frozen=True)
class Route:
    host: str
    path: str
    method: str
    endpoint_id: str
    require: tuple[str, ...] = ()
    documented: bool = True
    note: str = ""
    action: str = ""
    protocol: str = "advance"


@dataclass(frozen=True)
class Endpoint:
    id: str
    title: str
    source: str
    method: str
    auth: str
    protocol: str
    action: str
    routes: tuple[Route, ...]
    request_schema: str
    request_in: str
    errors: ErrorMap
    codes: Mapping[str, CodeSpec]
    glossary: tuple[str, ...]
    billable: bool = False
    version: str = ""
    service: str = ""
    regions: tuple[str, ...] = ()
    rate_limit: RateLimit | None = None
    reference: str = ""
    result_codes: Mapping[str, str] = field(default_factory=dict)

    def code(self, name: str) -> CodeSpec:
        try:
            return self.codes[name]
        except KeyError:
            raise KeyError(f"{name} is not a documented code of {self.id}") from None

    def __repr__(self) -> str:
        return f"Endpoint({self.id!r})"


@dataclass(frozen=True)
class Catalog:
    hosts: Mapping[str, Mapping[str, Any]]
    default_host: str
    glossary: Mapping[str, CodeSpec]
    endpoints: Mapping[str, Endpoint]
    raw: Mapping[str, Any] = field(repr=False, default_factory=dict)
    glossaries: Mapping[str, Mapping[str, CodeSpec]] = field(default_factory=dict)

    def routes(self, protocol: str | None = None) -> Iterator[Route]:
        """Every route, or those of one protocol (``advance``, ``tencent``)."""
        for endpoint in self.endpoints.values():
            if protocol is None or endpoint.protocol == protocol:
                yield from endpoint.routes

    def hosts_of(self, protocol: str) -> list[str]:
        return [h for h, info in self.hosts.items() if info.get("protocol", "advance") == protocol]

    def glossary_code(self, name: str, protocol: str = "advance") -> CodeSpec:
        return self.glossaries.get(protocol, self.glossary)[name]
