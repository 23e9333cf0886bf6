"""Balance and free quota: billable endpoints are refused when the account has used either up,
and each billable SUCCESS consumes one of both."""

from __future__ import annotations

from ..contract.outcome import ApiError
from ..gateway.call import Call
from ..store import Store


class Billing:
    def __init__(self, store: Store) -> None:
        self.store = store

    def check(self, call: Call) -> None:
        """A gateway check (after authentication): INSUFFICIENT_BALANCE, then OVER_QUERY_LIMIT."""
        account = call.account
        if account is None or not call.endpoint.billable:
            return
        used = self.store.usage(account.name).billable_calls
        if account.balance is not None and used >= account.balance:
            raise ApiError("INSUFFICIENT_BALANCE")
        if account.free_quota is not None and used >= account.free_quota:
            raise ApiError("OVER_QUERY_LIMIT", "test_account")

    def charge(self, call: Call) -> None:
        if call.account is None or not call.endpoint.billable:
            return
        usage = self.store.usage(call.account.name)
        usage.billable_calls += 1
        self.store.save_usage(call.account.name, usage)
