"""The per-account rate limit that answers SERVICE_BUSY, and the documented Retry-After form.

Buckets (``store.limits``) refill with mock time, so a test advances the clock instead of sleeping. An account's
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
from ..store import Store
from .call import Call


def retry_after(wait_ms: float) -> str:
    """The documented form ("10s"), rounded up to whole seconds, at least 1."""
    return f"{max(1, math.ceil(wait_ms / 1000))}s"


class AccountRateLimits:
    """A gateway check: SERVICE_BUSY "Rate limit is exceeded" once an account's bucket is empty.

    The buckets live in the store: on a fleet, an account's limit is the fleet's.
    """

    SCOPE = "account-rate"

    def __init__(self, accounts: Accounts, clock: MockClock, store: Store) -> None:
        self.accounts, self.clock, self.store = accounts, clock, store

    def __call__(self, call: Call) -> None:
        account = call.account or self._by_key(call.params)
        if account is None or account.rate_per_second is None:
            return
        burst = account.rate_burst or max(1, math.ceil(account.rate_per_second))
        wait = self.store.take(self.SCOPE, account.name, account.rate_per_second, burst, self.clock.now_ms())
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
