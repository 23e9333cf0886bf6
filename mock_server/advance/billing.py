"""Balance and free quota: billable endpoints are refused when the account has used either up,
and each billable SUCCESS consumes one of both."""

from __future__ import annotations

from ..accounts import Account
from ..contract.outcome import ApiError
from ..gateway.call import Call
from ..store import Store


class Billing:
    """Only accounts with a balance or a free quota are counted: nothing else reads the count."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def check(self, call: Call) -> None:
        """A gateway check (after authentication): INSUFFICIENT_BALANCE, then OVER_QUERY_LIMIT."""
        account = call.account
        if account is None or not call.endpoint.billable or not _limited(account):
            return
        used = self.store.used(account.name)
        if account.balance is not None and used >= account.balance:
            raise ApiError("INSUFFICIENT_BALANCE")
        if account.free_quota is not None and used >= account.free_quota:
            raise ApiError("OVER_QUERY_LIMIT", "test_account")

    def charge(self, call: Call) -> None:
        account = call.account
        if account is not None and call.endpoint.billable and _limited(account):
            self.store.charge(account.name)


def _limited(account: Account) -> bool:
    return account.balance is not None or account.free_quota is not None
