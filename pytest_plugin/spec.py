"""The documented contract (catalog + bundled schemas), loaded once per process from the shipped data.

The contract suite reads the same files the mock is built from, but never the mock's code paths
that answer requests: what it expects comes from the documentation as data.
"""

from __future__ import annotations

from functools import cache

from mock_server.contract.catalog import Catalog, Endpoint, Route
from mock_server.contract.catalog_loader import load_catalog
from mock_server.contract.resources import schemas_dir
from mock_server.contract.schemas import ContractSchemas, load_contract


@cache
def catalog() -> Catalog:
    return load_catalog(schemas_dir())


@cache
def contract() -> ContractSchemas:
    return load_contract(catalog(), schemas_dir())


def endpoint(name: str | Endpoint) -> Endpoint:
    """An endpoint by id (or itself), with the known ids in the error."""
    if not isinstance(name, str):
        return name
    try:
        return catalog().endpoints[name]
    except KeyError:
        raise KeyError(f"no endpoint {name!r}; known: {', '.join(catalog().endpoints)}") from None


def advance_endpoints() -> list[str]:
    """Endpoints of the ADVANCE AI protocol (access tokens, envelopes with code and message)."""
    return [e.id for e in catalog().endpoints.values() if e.protocol == "advance"]


def tencent_endpoints() -> list[str]:
    """Tencent Cloud API 3.0 actions (TC3 signatures, ``{"Response": ...}`` answers)."""
    return [e.id for e in catalog().endpoints.values() if e.protocol == "tencent"]


def documented_routes(name: str) -> list[Route]:
    return [r for r in endpoint(name).routes if r.documented]


def suite_routes(name: str) -> list[Route]:
    """The routes the suite calls: the documented ones, or all of an endpoint the seeds only
    mention (ApplyLivenessToken, GetLivenessResult's companion)."""
    return documented_routes(name) or list(endpoint(name).routes)


def route_at(host: str, path: str, action: str | None = None) -> Route | None:
    """The catalog route serving ``path`` on ``host`` (None for admin, media and unknown paths);
    Tencent's actions share ``POST /`` and differ by ``action`` (X-TC-Action)."""
    found = _routes().get((host, path), [])
    if action is not None:
        found = [r for r in found if r.action == action]
    return found[0] if len(found) == 1 else None


@cache
def _routes() -> dict[tuple[str, str], list[Route]]:
    routes: dict[tuple[str, str], list[Route]] = {}
    for route in catalog().routes():
        routes.setdefault((route.host, route.path), []).append(route)
    return routes


def may_charge(endpoint_id: str) -> bool:
    """Whether any documented answer of the endpoint is priced PAY."""
    return any(code.pricing == "PAY" for code in endpoint(endpoint_id).codes.values())


TOKEN_REFUSAL_KEYS = ("access_denied_token", "token_not_found")  # the catalog's keys of a refused token


@cache
def token_refusals(endpoint_id: str) -> tuple[str, ...]:
    """The texts an endpoint answers IAM_FAILED with when the access token is missing or unknown."""
    codes = endpoint(endpoint_id).codes
    iam = codes.get("IAM_FAILED")
    return tuple(iam.messages[key] for key in TOKEN_REFUSAL_KEYS if key in iam.messages) if iam else ()
