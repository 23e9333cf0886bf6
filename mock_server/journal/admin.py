"""``/__admin/requests`` and ``/__admin/near-misses``: look at the journal, count in it, clear it.

Filters are query parameters: ``endpoint``, ``host``, ``code``, ``method``, ``path``,
``scenario``, ``fault`` (comma = any of), ``status``, ``since`` (mock-clock ms), ``after`` (an
entry id), and ``param.<field>[__lookup]`` over the request's body or query parameters, so
"exactly one Get Result for signatureId X" is ``/requests/count?endpoint=get_result&param.signatureId=X``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from ..admin.endpoint import AdminError, admin_endpoint, query_integer
from ..predicates import PredicateError, parse_predicate
from .nearmiss import NearMisses
from .record import Entry, Journal
from .shared import SharedJournal

NOTE_FILTERS = ("endpoint", "host", "code", "scenario", "fault", "via")
DEFAULT_LIMIT = 100
Check = Callable[[Entry], bool]


def entry_filter(query: Mapping[str, str]) -> Check:
    """One check per query parameter; all must hold. AdminError names an unknown filter."""
    checks = [_check(key, value) for key, value in query.items() if key != "limit"]
    return lambda entry: all(check(entry) for check in checks)


def _check(key: str, value: str) -> Check:
    if key in NOTE_FILTERS:
        wanted = set(value.split(","))
        return lambda e: e.get(key) in wanted
    if key in ("method", "path"):
        wanted = set(value.split(","))
        return lambda e: getattr(e, key) in wanted
    if key in ("status", "since", "after"):
        number = query_integer(key, value)
        fields = {"status": lambda e: e.status == number, "since": lambda e: e.time_ms >= number}
        return fields.get(key, lambda e: e.id > number)
    if key.startswith("param."):
        return _param_check(key[len("param.") :], value)
    known = ", ".join([*NOTE_FILTERS, "method", "path", "status", "since", "after", "limit", "param.<field>"])
    raise AdminError(f"unknown filter {key!r} (known: {known})")


def _param_check(key: str, value: str) -> Check:
    lookup = key.partition("__")[2]
    expected: Any = value.split(",") if lookup == "in" else value
    if lookup == "exists":
        expected = value.lower() in ("1", "true", "yes")
    try:
        predicate = parse_predicate(key, expected)
    except PredicateError as exc:
        raise AdminError(str(exc)) from None
    return lambda e: isinstance(e.body, dict) and predicate.match(e.body) is not None


def _limit(request: Request, default: int | None) -> int | None:
    raw = request.query_params.get("limit")
    return default if raw is None else max(0, query_integer("limit", raw))


def journal_routes(journal: Journal | SharedJournal, near: NearMisses) -> list[BaseRoute]:
    async def requests(request: Request) -> dict[str, Any]:
        found = journal.select(entry_filter(request.query_params), _limit(request, DEFAULT_LIMIT))
        return {"requests": [entry.to_json() for entry in found], "total": len(journal.entries)}

    async def count(request: Request) -> dict[str, int]:
        return {"count": len(journal.select(entry_filter(request.query_params)))}

    async def clear(request: Request) -> dict[str, int]:
        cleared = len(journal.entries)
        journal.clear()
        return {"cleared": cleared}

    async def near_misses(request: Request) -> dict[str, Any]:
        limit = _limit(request, DEFAULT_LIMIT)
        found = list(reversed(journal.misses))[:limit]
        return {"nearMisses": [near.describe(entry) for entry in found]}

    return [
        Route("/requests", admin_endpoint(requests), methods=["GET"]),
        Route("/requests", admin_endpoint(clear), methods=["DELETE"]),
        Route("/requests/count", admin_endpoint(count), methods=["GET"]),
        Route("/near-misses", admin_endpoint(near_misses), methods=["GET"]),
    ]
