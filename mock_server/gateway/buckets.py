"""Token buckets on the mock clock, and the per-account rate limit that answers SERVICE_BUSY.

Buckets refill with mock time, so a test advances the clock instead of sleeping. An account's
``rateLimit: {perSecond, burst}`` trait (fixtures/accounts.yaml) sets its bucket; the check runs
after authentication, keyed by the account, and answers with the documented Retry-After form
(on Tencent endpoints, which have no SERVICE_BUSY: their catalog rate-limit code). The catalog's
per-endpoint limits are ``ratelimit.py``'s.
"""

from __future__ import annotations

import math
from typing import Any

from ..accounts import Account, Accounts
from ..clock import MockClock
from ..contract.outcome import ApiError
from .call import Call


class TokenBucket:
    """``burst`` tokens, refilled at ``per_second``; ``take`` spends one or says how long to wait."""

    def __init__(self, per_second: float, burst: int, now_ms: int) -> None:
        self.per_ms, self.burst = per_second / 1000, burst
        self.tokens, self.last_ms = float(burst), now_ms

    def take(self, now_ms: int) -> float:
        """0 when a token was spent, else the ms until one is back (nothing spent)."""
        self.tokens = min(self.burst, self.tokens + max(0, now_ms - self.last_ms) * self.per_ms)
        self.last_ms = max(self.last_ms, now_ms)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_ms


def retry_after(wait_ms: float) -> str:
    """The documented form ("10s"), rounded up to whole seconds, at least 1."""
    return f"{max(1, math.ceil(wait_ms / 1000))}s"


class AccountRateLimits:
    """A gateway check: SERVICE_BUSY "Rate limit is exceeded" once an account's bucket is empty."""

    def __init__(self, accounts: Accounts, clock: MockClock) -> None:
        self.accounts, self.clock = accounts, clock
        self.buckets: dict[str, TokenBucket] = {}

    def __call__(self, call: Call) -> None:
        account = call.account or self._by_key(call.params)
        if account is None or account.rate_per_second is None:
            return
        now = self.clock.now_ms()
        bucket = self.buckets.get(account.name)
        if bucket is None:
            burst = account.rate_burst or max(1, math.ceil(account.rate_per_second))
            bucket = self.buckets[account.name] = TokenBucket(account.rate_per_second, burst, now)
        wait = bucket.take(now)
        if wait:
            call.notes["rateLimited"] = account.name
            raise self.refusal(call, wait)

    def refusal(self, call: Call, wait_ms: float) -> ApiError:
        """SERVICE_BUSY where documented (ADVANCE AI); else the endpoint's own rate-limit code (Tencent)."""
        limit = call.endpoint.rate_limit
        if "SERVICE_BUSY" not in call.endpoint.codes and limit is not None:
            return ApiError(limit.error.code, limit.error.message)
        return ApiError("SERVICE_BUSY", "rate_limited", headers={"Retry-After": retry_after(wait_ms)})

    def _by_key(self, params: dict[str, Any]) -> Account | None:
        """Before authentication sets ``call.account``: the account of the body's accessKey, if any."""
        key = params.get("accessKey")
        return self.accounts.by_access_key(key) if isinstance(key, str) else None

    def reset(self) -> None:
        self.buckets.clear()
