"""The ``tc3`` guard: API 3.0's common parameters and a signature that really verifies, TC3-HMAC-SHA256
(``Tc3Guard``: X-TC-* headers and Authorization) or signature v1 (``V1Guard``: parameters beside
the action's own, for a request the front read as v1). ``SignatureGuard`` picks one per request.

Both check in the same order (the first failure answers): Version (MissingParameter,
NoSuchVersion), Timestamp (MissingParameter, InvalidParameter), Language (InvalidParameterValue),
the credential (TC3: the Authorization header, AuthFailure.InvalidAuthorization; v1: Nonce,
SecretId and Signature present, MissingParameter, and Nonce digits, InvalidParameter), the
timestamp window (AuthFailure.SignatureExpire), the SecretId (AuthFailure.SecretIdNotFound), the
signature (AuthFailure.SignatureFailure), a Token (AuthFailure.TokenFailure: the mock has no
temporary credentials), Region (UnsupportedRegion). Secrets never leave this module: not in
notes, errors or logs.

What was signed is taken from the request as the client sent it: the Host header with or without
its port, and for TC3 the service of the credential scope when it is the endpoint's (``faceid``)
or the first label of the Host header (Tencent's Node SDKs derive the service from their
endpoint: ``127`` for ``127.0.0.1:8080``). On Tencent's own host names both rules reduce to the API's.
"""

from __future__ import annotations

import hashlib
import hmac

from ..accounts import Account, Accounts
from ..clock import MockClock
from ..contract.outcome import ApiError
from ..gateway import tc3, tc_v1
from ..gateway.call import Call
from ..gateway.hosts import host_spellings
from ..gateway.tencent_front import V1Route

WINDOW_MS = 5 * 60 * 1000  # "Timestamp and server time cannot differ by more than five minutes"
LANGUAGES = frozenset({"zh-CN", "en-US"})
V1_CREDENTIAL = ("Nonce", "SecretId", "Signature")


class _Guard:
    """The checks both signatures share; a subclass reads the request's credential and signature."""

    def __init__(self, accounts: Accounts, clock: MockClock, window_ms: int = WINDOW_MS) -> None:
        self.accounts = accounts
        self.clock = clock
        self.window_ms = window_ms

    def _common(self, call: Call, version: str | None, timestamp: str | None, language: str | None) -> int:
        if not version:
            raise ApiError("MissingParameter")
        if version != call.endpoint.version:
            raise ApiError("NoSuchVersion")
        stamp = _digits(timestamp, 12, "MissingParameter")
        if language is not None and language not in LANGUAGES:
            raise ApiError("InvalidParameterValue")
        return stamp

    def _account(self, secret_id: str, timestamp: int) -> tuple[Account, str]:
        """The account of a request signed within the window of the wall clock (what clients sign
        with) or of the mock clock, and its SecretKey."""
        stamp_ms, window = timestamp * 1000, self.window_ms
        if abs(stamp_ms - self.clock.wall_ms()) > window and abs(stamp_ms - self.clock.now_ms()) > window:
            raise ApiError("AuthFailure.SignatureExpire")
        account = self.accounts.by_tencent_secret_id(secret_id)
        if account is None or account.tencent_secret_key is None:
            raise ApiError("AuthFailure.SecretIdNotFound")
        return account, account.tencent_secret_key

    def _authenticated(self, call: Call, account: Account, token: str | None, region: str | None) -> None:
        call.account = account
        call.notes["account"] = account.name
        if token:
            raise ApiError("AuthFailure.TokenFailure")
        if region not in call.endpoint.regions:
            raise ApiError("UnsupportedRegion")


class Tc3Guard(_Guard):
    def __call__(self, call: Call) -> None:
        headers = call.request.headers
        timestamp = self._common(
            call, headers.get("x-tc-version"), headers.get("x-tc-timestamp"), headers.get("x-tc-language")
        )
        claimed = _authorization(headers.get("authorization"))
        account, secret_key = self._account(claimed.secret_id, timestamp)
        if not _tc3_signed(call, claimed, timestamp, secret_key):
            raise ApiError("AuthFailure.SignatureFailure")
        self._authenticated(call, account, headers.get("x-tc-token"), headers.get("x-tc-region"))


class V1Guard(_Guard):
    def __call__(self, call: Call) -> None:
        sent = call.route.sent if isinstance(call.route, V1Route) else {}
        timestamp = self._common(call, sent.get("Version"), sent.get("Timestamp"), sent.get("Language"))
        if not all(sent.get(name) for name in V1_CREDENTIAL):
            raise ApiError("MissingParameter")
        _digits(sent["Nonce"], 20, "InvalidParameter")  # 0 included: the Node SDKs can send it
        account, secret_key = self._account(sent["SecretId"], timestamp)
        hosts = host_spellings(call.request.headers.get("host"))
        if tc_v1.signed_host(secret_key, call.request.method, hosts, sent) is None:
            raise ApiError("AuthFailure.SignatureFailure")
        self._authenticated(call, account, sent.get("Token"), sent.get("Region"))


class SignatureGuard:
    """The catalog's ``tc3`` guard: a v1 request (as the front read it) to ``V1Guard``, the rest to ``Tc3Guard``."""

    def __init__(self, accounts: Accounts, clock: MockClock, window_ms: int = WINDOW_MS) -> None:
        self.tc3 = Tc3Guard(accounts, clock, window_ms)
        self.v1 = V1Guard(accounts, clock, window_ms)

    def __call__(self, call: Call) -> None:
        (self.v1 if type(call.route) is V1Route else self.tc3)(call)


def _digits(value: str | None, most: int, missing: str) -> int:
    """An unsigned integer of at most ``most`` digits; absent or empty is ``missing``."""
    if not value:
        raise ApiError(missing)
    if not value.isascii() or not value.isdigit() or len(value) > most:
        raise ApiError("InvalidParameter")
    return int(value)


def _authorization(header: str | None) -> tc3.Authorization:
    try:
        return tc3.parse_authorization(header or "")
    except tc3.MalformedAuthorization:
        raise ApiError("AuthFailure.InvalidAuthorization") from None


def _tc3_signed(call: Call, claimed: tc3.Authorization, timestamp: int, secret_key: str) -> bool:
    """Recompute the signature over the request as received, under each host the client may have
    signed; the scope must be this date and a service the client may have derived."""
    request = call.request
    sent_host = request.headers.get("host", "")
    services = (call.endpoint.service, sent_host.split(".", 1)[0])
    if claimed.date != tc3.utc_date(timestamp) or claimed.service not in services:
        return False
    unsigned = request.headers.get("x-tc-content-sha256") == tc3.UNSIGNED_PAYLOAD
    digest = hashlib.sha256(tc3.UNSIGNED_PAYLOAD.encode() if unsigned else call.body).hexdigest()
    for host in host_spellings(sent_host) or [sent_host]:
        headers = request.headers if host == sent_host else {**request.headers, "host": host}
        canonical = tc3.hashed_canonical_request(
            request.method, request.path, request.query, headers, claimed.signed_headers, digest
        )
        to_sign = tc3.string_to_sign(timestamp, claimed.date, claimed.service, canonical)
        if hmac.compare_digest(tc3.signature(secret_key, claimed.date, claimed.service, to_sign), claimed.signature):
            return True
    return False
