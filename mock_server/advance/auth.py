"""Token Authentication (file 003) and the X-ACCESS-TOKEN every other endpoint requires.

signature = hex SHA-256 of accessKey + secretKey + timestamp. The timestamp may be within 300 s
of the wall clock (what real clients sign with, even after a test moved the mock clock) or of
the mock clock (so the docs' example or a recorded request can be replayed with --clock-ms).
Checks run in this order: the account exists, the timestamp, the signature, the account status.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
from collections.abc import Mapping

from ..accounts import Account, Accounts
from ..clock import MockClock
from ..contract.outcome import ApiError, Outcome
from ..gateway.call import Call
from ..ids import IdFactory
from ..jsonwire import dumps
from ..store import AccessToken, Store

TIMESTAMP_WINDOW_MS = 300_000
DEFAULT_PERIOD_S = 3600
TOKEN_HEADER = "x-access-token"


def expected_signature(access_key: str, secret_key: str, timestamp: str) -> str:
    return hashlib.sha256(f"{access_key}{secret_key}{timestamp}".encode()).hexdigest()


class Authenticator:
    def __init__(self, accounts: Accounts, store: Store, clock: MockClock, ids: IdFactory) -> None:
        self.accounts = accounts
        self.store = store
        self.clock = clock
        self.ids = ids

    def generate_token(self, call: Call) -> Outcome:
        """The Token Authentication action (its request already passed the schema)."""
        params = call.params
        account = self.accounts.by_access_key(params["accessKey"])
        if account is None:
            raise ApiError("IAM_FAILED", "access_key_not_found")
        timestamp = _digits(params["timestamp"])
        if not self._fresh(int(timestamp)):
            raise ApiError("PARAMETER_ERROR", "timestamp")
        expected = expected_signature(account.access_key, account.secret_key, timestamp)
        if not hmac.compare_digest(expected.encode(), str(params["signature"]).lower().encode()):
            raise ApiError("PARAMETER_ERROR", "signature")
        _refuse_inactive(account, signing_in=True)
        call.account = account
        call.notes["account"] = account.name
        return Outcome("SUCCESS", self._issue(account, int(params.get("periodSecond") or DEFAULT_PERIOD_S)))

    def require_token(self, call: Call) -> None:
        """The guard of every ``auth: access_token`` endpoint."""
        token = call.request.headers.get(TOKEN_HEADER, "")
        found = self.store.token(token, self.clock.now_ms()) if token else None
        account = self.accounts.by_name(found.account) if found else None
        if account is None:
            raise ApiError("IAM_FAILED", "access_denied_token")
        _refuse_inactive(account)
        if account.hosts is not None and call.host not in account.hosts:
            raise ApiError("IAM_FAILED", "country")
        call.account = account
        call.notes["account"] = account.name

    def _fresh(self, timestamp_ms: int) -> bool:
        if abs(timestamp_ms - self.clock.wall_ms()) <= TIMESTAMP_WINDOW_MS:
            return True
        return abs(timestamp_ms - self.clock.now_ms()) <= TIMESTAMP_WINDOW_MS

    def _issue(self, account: Account, period_s: int) -> dict[str, object]:
        now = self.clock.now_ms()
        expires = now + period_s * 1000
        token = _jwt_shaped(account.name, now // 1000, expires // 1000, self.ids.secret(48))
        self.store.put_token(AccessToken(token, account.name, expires))
        self.store.housekeep(now)
        return {"token": token, "expiredTime": expires}


def _digits(timestamp: object) -> str:
    """The timestamp as the client's 13 digits: JSON may carry 1665993522952 as 1665993522952.0."""
    if isinstance(timestamp, float):
        return str(int(timestamp))
    return str(timestamp)


def _refuse_inactive(account: Account, *, signing_in: bool = False) -> None:
    """Token Authentication documents ACCOUNT_DISABLED; other endpoints have the Glossary's IAM_FAILED."""
    if account.status == "disabled":
        raise ApiError("ACCOUNT_DISABLED", "disabled") if signing_in else ApiError("IAM_FAILED", "disabled")
    if account.status == "expired":
        raise ApiError("IAM_FAILED", "expired")


def _jwt_shaped(subject: str, issued_s: int, expires_s: int, secret: str) -> str:
    """A token shaped like the vendor's (a JWT); its last part is random, so it cannot be guessed."""
    payload = {
        "iss": "h5_liveness",
        "sub": _subject(subject),
        "aud": "WEB",
        "iat": issued_s,
        "exp": expires_s,
    }
    return f"{_JWT_HEADER}.{_b64_json(payload)}.{secret}"


@functools.lru_cache(maxsize=1024)
def _subject(account: str) -> str:
    """The token's ``sub`` claim: JSON text in the claim, as the vendor's (accounts repeat: made once each)."""
    return json.dumps({"account": account})


def _b64_json(part: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(dumps(part)).rstrip(b"=").decode()


_JWT_HEADER = _b64_json({"alg": "HS512"})
