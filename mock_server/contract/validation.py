"""A request against its schema -> the documented code and message of the first problem.

The vendor reports one problem per answer. Missing or empty required fields come first
("Parameter should not be empty"), then fields the schema does not define (where the catalog
maps them: Tencent's UnknownParameter), then fields the catalog names (in catalog order, e.g.
region -> REGION_WRONG), then anything else as the endpoint's generic invalid message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import ValidationError

from .catalog import Endpoint, ErrorTarget, Route
from .outcome import ApiError
from .schemas import ContractSchemas

_EMPTY, _UNKNOWN, _FIELD, _GENERIC = 0, 1, 2, 3


class RequestChecker:
    def __init__(self, contract: ContractSchemas) -> None:
        self.contract = contract

    def check(self, endpoint: Endpoint, route: Route, params: Mapping[str, Any]) -> None:
        """Raise the ApiError the vendor would answer ``params`` with, if any."""
        if self.contract.request_is_valid(endpoint.id, route.require, params):
            return
        validator = self.contract.request_validator(endpoint.id, route.require)
        schema = validator.schema
        best: tuple[int, int, ErrorTarget] | None = None
        for error in validator.iter_errors(params):
            rank = _rank(endpoint, schema, error)
            if best is None or rank[:2] < best[:2]:
                best = rank
                if rank[0] == _EMPTY:
                    break
        if best is not None:
            target = best[2]
            raise ApiError(target.code, target.message)


def _rank(endpoint: Endpoint, schema: Mapping[str, Any], error: ValidationError) -> tuple[int, int, ErrorTarget]:
    path = tuple(str(p) for p in error.absolute_path)
    if _is_empty(schema, error, path):
        return (_EMPTY, 0, endpoint.errors.empty)
    if endpoint.errors.unknown is not None and not path and error.validator == "additionalProperties":
        return (_UNKNOWN, 0, endpoint.errors.unknown)
    for index, (pattern, target) in enumerate(endpoint.errors.fields):
        if _matches(pattern, path) and (not target.when or error.validator in target.when):
            return (_FIELD, index, target)
    return (_GENERIC, 0, endpoint.errors.invalid)


def _is_empty(schema: Mapping[str, Any], error: ValidationError, path: tuple[str, ...]) -> bool:
    """Missing, null or "" where a value is required (alone or as one of an anyOf), or none of an anyOf given."""
    if not path:
        return error.validator in ("required", "anyOf")
    if len(path) != 1 or error.instance not in (None, ""):
        return False
    alternatives = (branch.get("required", ()) for branch in schema.get("anyOf", ()))
    return path[0] in schema.get("required", ()) or any(path[0] in names for names in alternatives)


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """The field the catalog names is the one in error (``*`` is any array index); a problem deeper
    inside it (a tip that is not an object) is not that field's rule, but the generic one."""
    return len(pattern) == len(path) and all(p in ("*", q) for p, q in zip(pattern, path, strict=True))
