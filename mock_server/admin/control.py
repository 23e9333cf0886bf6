"""``/__admin/clock``, ``/__admin/reset`` and ``/__admin/state``: the mock clock every expiry reads,
a fresh start, and where the state lives.

A clock move says what it expires (access tokens by account, the pages of pending H5/IDVS
sessions), so a test's next call does not fail with IAM_FAILED out of nowhere. It is counted
from the store, so it holds on every backend; Tencent SdkTokens and media links expire too but
are not listed (the store has no index of them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from ..clock import CLOCK_RANGE, MockClock
from ..store import Store
from .endpoint import AdminError, admin_endpoint, integer_field, json_object, query_integer


def clock_routes(clock: MockClock, store: Store) -> list[BaseRoute]:
    """``GET`` reads the clock (``?advanceMs=N`` or ``?nowMs=N`` also says what that move would
    expire, without moving); ``POST`` sets or moves it; ``DELETE`` puts it back on wall-clock
    time. A move answers with what it expired (``expired``)."""

    def reading() -> dict[str, Any]:
        now, wall = clock.now_ms(), clock.wall_ms()
        return {"nowMs": now, "wallMs": wall, "offsetMs": now - wall}

    def target(fields: dict[str, Any]) -> int:
        if ("nowMs" in fields) == ("advanceMs" in fields):
            raise AdminError('give exactly one of "nowMs" or "advanceMs"')
        now = clock.now_ms()
        to = integer_field(fields, "nowMs") if "nowMs" in fields else now + integer_field(fields, "advanceMs")
        if not CLOCK_RANGE[0] <= to <= CLOCK_RANGE[1]:
            raise AdminError(f"the clock must stay between {CLOCK_RANGE[0]} and {CLOCK_RANGE[1]} ms (13 digits)")
        return to

    def moved(before: int, move: Callable[[], None]) -> dict[str, Any]:
        move()
        after = reading()
        return after | {"expired": expired_between(store, before, after["nowMs"])}

    async def get_clock(request: Request) -> dict[str, Any]:
        unknown = set(request.query_params) - {"nowMs", "advanceMs"}
        if unknown:
            raise AdminError(f"unknown parameter {sorted(unknown)[0]!r} (known: nowMs, advanceMs)")
        query = {key: query_integer(key, value) for key, value in request.query_params.items()}
        if not query:
            return reading()
        to = target(query)
        return reading() | {"wouldExpire": expired_between(store, clock.now_ms(), to)}

    async def move_clock(request: Request) -> dict[str, Any]:
        to = target(await json_object(request))
        return moved(clock.now_ms(), lambda: clock.set(to))

    async def wall_clock(request: Request) -> dict[str, Any]:
        return moved(clock.now_ms(), clock.follow_wall)

    return [
        Route("/clock", admin_endpoint(get_clock), methods=["GET"]),
        Route("/clock", admin_endpoint(move_clock), methods=["POST"]),
        Route("/clock", admin_endpoint(wall_clock), methods=["DELETE"]),
    ]


def expired_between(store: Store, before_ms: int, after_ms: int) -> dict[str, Any]:
    """What is alive at ``before_ms`` and dead at ``after_ms`` (nothing when the clock goes back).

    Access tokens are counted per account (a token itself is a secret, never shown); sessions are
    the signatureIds of pending ones whose page (``url``) expires in between.
    """
    tokens: dict[str, int] = {}
    sessions: list[str] = []
    if after_ms > before_ms:
        for account, expires_ms in store.token_expiries():
            if before_ms < expires_ms <= after_ms:
                tokens[account] = tokens.get(account, 0) + 1
        sessions = [
            s.signature_id
            for s in store.sessions()
            if s.status == "pending" and not s.page_expired(before_ms) and s.page_expired(after_ms)
        ]
    return {"accessTokens": dict(sorted(tokens.items())), "sessions": sessions}


def reset_routes(reset_all: Callable[[], None]) -> list[BaseRoute]:
    async def reset(request: Request) -> dict[str, bool]:
        reset_all()
        return {"reset": True}

    return [Route("/reset", admin_endpoint(reset), methods=["POST"])]


def state_routes(describe: Callable[[], dict[str, Any]]) -> list[BaseRoute]:
    """``GET /__admin/state``: where the state lives and which replica answers (on a fleet, each
    process has its own member number)."""

    async def state(request: Request) -> dict[str, Any]:
        return describe()

    return [Route("/state", admin_endpoint(state), methods=["GET"])]
