"""The ``tc3`` guard: the common X-TC-* headers and a TC3-HMAC-SHA256 signature that really verifies.

Order of the checks (the first failure answers): X-TC-Version (MissingParameter, NoSuchVersion),
X-TC-Timestamp (MissingParameter, InvalidParameter), X-TC-Language (InvalidParameterValue),
Authorization (AuthFailure.InvalidAuthorization), the timestamp window (AuthFailure.SignatureExpire),
the SecretId (AuthFailure.SecretIdNotFound), the signature (AuthFailure.SignatureFailure),
X-TC-Token (AuthFailure.TokenFailure: the mock has no temporary credentials), X-TC-Region
(UnsupportedRegion). Secrets never leave this module: not in notes, errors or logs.
"""

from __future__ import annotations

import hmac

from ..accounts import Account, Accounts
from ..clock import MockClock
from ..contract.outcome import ApiError
from ..gateway import tc3
from ..gateway.call import Call

WINDOW_MS = 5 * 60 * 1000  # "Timestamp and server time cannot differ by more than five minutes"
LANGUAGES = frozenset({"zh-CN", "en-US"})


class Tc3Guard:
    def __init__(self, accounts: Accounts, clock: MockClock, window_ms: int = WINDOW_MS) -> None:
        self.accounts = accounts
        self.clock = clock
        self.window_ms = window_ms

    def __call__(self, call: Call) -> None:
        headers = call.request.headers
        _version(call)
        timestamp = _timestamp(headers.get("x-tc-timestamp"))
        if headers.get("x-tc-language", "en-US") not in LANGUAGES:
            raise ApiError("InvalidParameterValue")
        claimed = _authorization(headers.get("authorization"))
        self._fresh(timestamp)
        account = self.accounts.by_tencent_secret_id(claimed.secret_id)
        if account is None or account.tencent_secret_key is None:
            raise ApiError("AuthFailure.SecretIdNotFound")
        if not _signed_by(call, claimed, timestamp, account.tencent_secret_key):
            raise ApiError("AuthFailure.SignatureFailure")
        self._authenticated(call, account)

    def _fresh(self, timestamp: int) -> None:
        """Within five minutes of the wall clock (what clients sign with) or of the mock clock."""
        stamp_ms = timestamp * 1000
        if all(abs(stamp_ms - now) > self.window_ms for now in (self.clock.wall_ms(), self.clock.now_ms())):
            raise ApiError("AuthFailure.SignatureExpire")

    def _authenticated(self, call: Call, account: Account) -> None:
        call.account = account
        call.notes["account"] = account.name
        if call.request.headers.get("x-tc-token"):
            raise ApiError("AuthFailure.TokenFailure")
        if call.request.headers.get("x-tc-region") not in call.endpoint.regions:
            raise ApiError("UnsupportedRegion")


def _version(call: Call) -> None:
    version = call.request.headers.get("x-tc-version")
    if not version:
        raise ApiError("MissingParameter")
    if version != call.endpoint.version:
        raise ApiError("NoSuchVersion")


def _timestamp(value: str | None) -> int:
    if not value:
        raise ApiError("MissingParameter")
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise ApiError("InvalidParameter")
    return int(value)


def _authorization(header: str | None) -> tc3.Authorization:
    try:
        return tc3.parse_authorization(header or "")
    except tc3.MalformedAuthorization:
        raise ApiError("AuthFailure.InvalidAuthorization") from None


def _signed_by(call: Call, claimed: tc3.Authorization, timestamp: int, secret_key: str) -> bool:
    """Recompute the signature over the request as received; the scope must be this date and service."""
    if claimed.date != tc3.utc_date(timestamp) or claimed.service != call.endpoint.service:
        return False
    request = call.request
    unsigned = request.headers.get("x-tc-content-sha256") == tc3.UNSIGNED_PAYLOAD
    payload = tc3.UNSIGNED_PAYLOAD.encode() if unsigned else call.body
    canonical = tc3.canonical_request(
        request.method, request.path, request.query, request.headers, claimed.signed_headers, payload
    )
    expected = tc3.signature(
        secret_key,
        claimed.date,
        claimed.service,
        tc3.string_to_sign(timestamp, claimed.date, claimed.service, canonical),
    )
    return hmac.compare_digest(expected, claimed.signature)
