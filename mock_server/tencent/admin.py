"""``/__admin/tencent/sdk-tokens``: SdkTokens with any outcome, for tests of every liveness result.

    POST /__admin/tencent/sdk-tokens            {"Result": "1001", "BestFrame": false, ...} -> a new token
    POST /__admin/tencent/sdk-tokens/{SdkToken}  the same body -> that token now reports this

Body fields, all optional: Result (digits, default "0"), Description (default: the documented
text of Result; required for an undocumented one), BestFrame and Video (booleans, default true),
account (the account name allowed to query it; default: any account).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from ..accounts import Accounts
from ..admin.endpoint import AdminError, admin_endpoint, json_object
from .tokens import LivenessOutcome, SdkToken, SdkTokens

_FIELDS = frozenset({"Result", "Description", "BestFrame", "Video", "account"})


def sdk_token_routes(tokens: SdkTokens, results: Mapping[str, str], accounts: Accounts) -> list[BaseRoute]:
    async def create(request: Request) -> dict[str, Any]:
        body = await json_object(request)
        owner = _owner(body, accounts)
        return _describe(tokens.issue(owner, _outcome(body, results)))

    async def settle(request: Request) -> dict[str, Any]:
        entry = tokens.find(request.path_params["token"])
        if entry is None:
            raise AdminError("no such SdkToken")
        return _describe(tokens.settle(entry, _outcome(await json_object(request), results)))

    return [
        Route("/tencent/sdk-tokens", admin_endpoint(create), methods=["POST"]),
        Route("/tencent/sdk-tokens/{token}", admin_endpoint(settle), methods=["POST"]),
    ]


def _outcome(body: dict[str, Any], results: Mapping[str, str]) -> LivenessOutcome:
    unknown = set(body) - _FIELDS
    if unknown:
        raise AdminError(f"unknown fields {sorted(unknown)}; allowed: {sorted(_FIELDS)}")
    result = body.get("Result", "0")
    if not isinstance(result, str) or not result.isdigit():
        raise AdminError('Result must be a string of digits, e.g. "0" or "1001"')
    description = body.get("Description", results.get(result))
    if not isinstance(description, str):
        raise AdminError(f"Result {result} is not documented: give its Description")
    return LivenessOutcome(result, description, _flag(body, "BestFrame"), _flag(body, "Video"))


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, True)
    if not isinstance(value, bool):
        raise AdminError(f"{name} must be true or false (whether the file exists)")
    return value


def _owner(body: dict[str, Any], accounts: Accounts) -> str | None:
    name = body.get("account")
    if name is None:
        return None
    if not isinstance(name, str) or accounts.by_name(name) is None:
        raise AdminError(f"no account named {name!r}")
    return name


def _describe(entry: SdkToken) -> dict[str, Any]:
    outcome = entry.outcome
    return {
        "SdkToken": entry.token,
        "expiresMs": entry.expires_ms,
        "Result": outcome.result,
        "Description": outcome.description,
        "BestFrame": outcome.best_frame,
        "Video": outcome.video,
        "account": entry.owner,
    }
